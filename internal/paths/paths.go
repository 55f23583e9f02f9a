// Package paths finds where Launch Ready reads its config and keeps its state, following
// the XDG base directory rules so an ops box and a laptop both behave as expected.
package paths

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
)

// Env reads environment variables; a parameter so tests do not touch the process's.
type Env func(string) string

// ConfigFile picks the config: the --config flag, ./launchready.yaml, then
// $XDG_CONFIG_HOME/launchready/launchready.yaml (~/.config/... when unset).
func ConfigFile(flag string, getenv Env) (string, error) {
	if flag != "" {
		return flag, nil
	}
	tried := []string{"launchready.yaml"}
	if _, err := os.Stat("launchready.yaml"); err == nil {
		return "launchready.yaml", nil
	}
	if dir := configHome(getenv); dir != "" {
		p := filepath.Join(dir, "launchready", "launchready.yaml")
		tried = append(tried, p)
		if _, err := os.Stat(p); err == nil {
			return p, nil
		}
	}
	return "", fmt.Errorf("no config found (looked for %s): pass --config FILE, or start from examples/launchready.yaml; to see the tool work with no config, run: launchready demo", join(tried))
}

// StateDir picks the state folder: --state, the config's state_dir, then
// $XDG_STATE_HOME/launchready (~/.local/state/launchready), and creates it (0700: it holds
// transcripts and history).
func StateDir(flag, fromConfig string, getenv Env) (string, error) {
	dir := flag
	if dir == "" {
		dir = fromConfig
	}
	if dir == "" {
		base := getenv("XDG_STATE_HOME")
		if base == "" {
			home := getenv("HOME")
			if home == "" {
				return "", errors.New("cannot find a state folder: HOME and XDG_STATE_HOME are unset; pass --state DIR")
			}
			base = filepath.Join(home, ".local", "state")
		}
		dir = filepath.Join(base, "launchready")
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return "", fmt.Errorf("cannot create the state folder %s: %v; pass --state DIR with a writable folder", dir, err)
	}
	return dir, nil
}

func configHome(getenv Env) string {
	if d := getenv("XDG_CONFIG_HOME"); d != "" {
		return d
	}
	if h := getenv("HOME"); h != "" {
		return filepath.Join(h, ".config")
	}
	return ""
}

func join(xs []string) string {
	s := ""
	for i, x := range xs {
		if i > 0 {
			s += ", "
		}
		s += x
	}
	return s
}

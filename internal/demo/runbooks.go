package demo

import (
	"embed"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
)

// Runbooks are the demo's runbooks: a deploy, a rollback and a secret rotation whose
// commands are harmless stand-ins and whose checks are real checks of the built-in lab.
// The demo's deploy fails its health check (the lab's API answers 503) and offers to
// roll back, so `launchready demo` shows the whole stepper with no set-up.
//
//go:embed runbooks/*.yaml
var Runbooks embed.FS

// WriteRunbooks writes the demo's runbooks into dir, which it creates.
func WriteRunbooks(dir string) error {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return fmt.Errorf("cannot create the demo's runbooks folder: %w", err)
	}
	entries, err := fs.ReadDir(Runbooks, "runbooks")
	if err != nil {
		return err
	}
	for _, e := range entries {
		b, err := fs.ReadFile(Runbooks, "runbooks/"+e.Name())
		if err != nil {
			return err
		}
		if err := os.WriteFile(filepath.Join(dir, e.Name()), b, 0o600); err != nil {
			return fmt.Errorf("cannot write the demo's runbook %s: %w", e.Name(), err)
		}
	}
	return nil
}

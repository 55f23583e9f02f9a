//go:build unix

package runbook

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"strconv"
	"syscall"
)

// processAlive says whether pid is a running process (a zombie is not).
func processAlive(pid int) bool {
	if pid <= 0 {
		return false
	}
	err := syscall.Kill(pid, 0)
	if err != nil && !errors.Is(err, syscall.EPERM) {
		return false
	}
	// On Linux a zombie still answers kill(0); its state in /proc says it is gone.
	if b, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/stat"); err == nil {
		if i := bytes.LastIndexByte(b, ')'); i > 0 && i+2 < len(b) && (b[i+2] == 'Z' || b[i+2] == 'X') {
			return false
		}
	}
	return true
}

// processMatches says whether pid is still the process we started, by looking for a
// marker in its command line (the exit file's path); where /proc is absent it trusts
// processAlive.
func processMatches(pid int, marker string) bool {
	if !processAlive(pid) {
		return false
	}
	b, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/cmdline")
	if err != nil {
		return true
	}
	return marker == "" || bytes.Contains(b, []byte(marker))
}

// groupAlive says whether any process of the group is left.
func groupAlive(pgid int) bool {
	err := syscall.Kill(-pgid, 0)
	return err == nil || errors.Is(err, syscall.EPERM)
}

// signalGroup sends sig to every process in the group.
func signalGroup(pgid int, sig syscall.Signal) error {
	if pgid <= 1 {
		return fmt.Errorf("refusing to signal process group %d", pgid)
	}
	err := syscall.Kill(-pgid, sig)
	if errors.Is(err, syscall.ESRCH) {
		return nil
	}
	return err
}

// detached puts a command in its own session and process group: it survives the engine
// and the terminal, and a timeout can kill it and everything it started.
func detached() *syscall.SysProcAttr { return &syscall.SysProcAttr{Setsid: true} }

// guard holds an exclusive flock on path while the lock is checked and taken, so two
// starts at the same moment cannot both see a stale lock and both take it.
func guard(path string) (func(), error) {
	f, err := os.OpenFile(path, os.O_CREATE|os.O_RDWR, 0o600)
	if err != nil {
		return nil, fmt.Errorf("cannot open %s: %w", path, err)
	}
	if err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX); err != nil {
		f.Close()
		return nil, fmt.Errorf("cannot lock %s: %w", path, err)
	}
	return func() {
		_ = syscall.Flock(int(f.Fd()), syscall.LOCK_UN)
		f.Close()
	}, nil
}

// platformCheck says whether commands can run here.
func platformCheck() error { return nil }

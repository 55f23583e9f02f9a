//go:build !unix

package runbook

import (
	"errors"
	"syscall"
)

// Runbooks run commands with bash in their own session and process group, which needs a
// Unix system; elsewhere the engine refuses to start a command rather than half-work.
var errUnsupported = errors.New("runbook commands need Linux or macOS (bash, sessions and process groups); run launchready on the ops box")

func processAlive(pid int) bool                      { return pid > 0 }
func processMatches(pid int, marker string) bool     { return processAlive(pid) }
func groupAlive(pgid int) bool                       { return false }
func signalGroup(pgid int, sig syscall.Signal) error { return errUnsupported }
func detached() *syscall.SysProcAttr                 { return nil }
func guard(path string) (func(), error)              { return func() {}, nil }
func platformCheck() error                           { return errUnsupported }

//go:build unix

package errlog

import (
	"os/exec"
	"syscall"
)

// shellCommand runs command through /bin/sh (so pipes and quoting work as typed) in a
// process group of its own, so the whole group can be stopped together.
func shellCommand(command string) *exec.Cmd {
	cmd := exec.Command("/bin/sh", "-c", command)
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	return cmd
}

// killGroup signals the process group led by pid: SIGTERM first, SIGKILL when hard.
func killGroup(pid int, hard bool) {
	sig := syscall.SIGTERM
	if hard {
		sig = syscall.SIGKILL
	}
	_ = syscall.Kill(-pid, sig)
}

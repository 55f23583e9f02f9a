//go:build !unix

package errlog

import (
	"os"
	"os/exec"
)

// shellCommand runs command through cmd.exe where there is no /bin/sh; there are no
// process groups here, so only the command itself is stopped.
func shellCommand(command string) *exec.Cmd { return exec.Command("cmd", "/C", command) }

func killGroup(pid int, _ bool) {
	if p, err := os.FindProcess(pid); err == nil {
		_ = p.Kill()
	}
}

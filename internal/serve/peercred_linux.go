//go:build linux

package serve

import (
	"errors"
	"net"

	"golang.org/x/sys/unix"
)

// localConsoles: the kernel names a Unix socket's peer here, so serve takes local consoles.
const localConsoles = true

// peerUID is the user id of the process at the other end of a Unix socket, as the kernel
// recorded it when that process connected (SO_PEERCRED): not something the client says.
func peerUID(c net.Conn) (int, error) {
	uc, ok := c.(*net.UnixConn)
	if !ok {
		return -1, errors.New("not a Unix socket")
	}
	raw, err := uc.SyscallConn()
	if err != nil {
		return -1, err
	}
	var cred *unix.Ucred
	var cerr error
	if err := raw.Control(func(fd uintptr) { cred, cerr = unix.GetsockoptUcred(int(fd), unix.SOL_SOCKET, unix.SO_PEERCRED) }); err != nil {
		return -1, err
	}
	if cerr != nil {
		return -1, cerr
	}
	return int(cred.Uid), nil
}

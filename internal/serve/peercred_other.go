//go:build !linux

package serve

import (
	"errors"
	"net"
)

// localConsoles: without SO_PEERCRED serve cannot tell who connected, so it takes no
// local consoles.
const localConsoles = false

// peerUID is Linux-only (SO_PEERCRED): elsewhere no local console may attach, and
// `launchready` runs its own checks as before.
func peerUID(net.Conn) (int, error) {
	return -1, errors.New("attaching a local console to serve needs Linux")
}

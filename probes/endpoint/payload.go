package endpoint

import (
	"fmt"
	"os"

	"github.com/launchready/launchready/probes/netx"
)

// readPayload reads a recorded webhook event from disk, refusing anything too big to be
// one (a wrong path pointing at a log or a dump).
func readPayload(path string) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("cannot read %s: %v", path, err)
	}
	defer f.Close()
	b, more, err := netx.ReadLimited(f, maxPayload)
	if err != nil {
		return nil, fmt.Errorf("cannot read %s: %v", path, err)
	}
	if more {
		return nil, fmt.Errorf("%s is over 1 MiB, too big for a recorded event", path)
	}
	return b, nil
}

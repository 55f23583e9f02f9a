//go:build !unix

package watch

import (
	"errors"
	"os"
)

// lockFile: watch runs on the ops box (Linux, or macOS while trying it); elsewhere it
// refuses rather than run without the one-owner guarantee.
func lockFile(*os.File, bool) error {
	return errors.New("launchready watch needs Linux or macOS (it locks its state folder with flock)")
}

func unlockFile(*os.File) {}

package serve

import (
	"crypto/ed25519"
	"crypto/rand"
	"encoding/pem"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"

	gossh "golang.org/x/crypto/ssh"
)

// HostKeyFile is the server's private host key in the state folder. It lives there, not
// in the working directory (where wish would write one by default), so it survives a
// restart from another folder and stays with the rest of the tool's private state.
const HostKeyFile = "ssh_host_ed25519_key"

// HostKey loads the host key from the state folder, generating it (mode 0600) on first
// start. created says whether it was made now, so the command can print the fingerprint
// for users to compare on their first connection. A key readable by others is refused:
// anyone who can read it can impersonate the server.
func HostKey(stateDir string) (signer gossh.Signer, created bool, err error) {
	path := filepath.Join(stateDir, HostKeyFile)
	b, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		if b, err = newHostKey(path); err != nil {
			return nil, false, err
		}
		created = true
	} else if err != nil {
		return nil, false, fmt.Errorf("cannot read the SSH host key %s: %v", path, err)
	}
	if st, err := os.Stat(path); err == nil && st.Mode().Perm()&0o077 != 0 {
		return nil, false, fmt.Errorf("the SSH host key %s is readable by others (mode %04o); run: chmod 600 %s", path, st.Mode().Perm(), path)
	}
	signer, err = gossh.ParsePrivateKey(b)
	if err != nil {
		return nil, false, fmt.Errorf("the SSH host key %s is damaged (%v); move it away and start again to make a new one (users will be warned the key changed)", path, err)
	}
	return signer, created, nil
}

// newHostKey writes a fresh ed25519 key with O_EXCL, so two starts at once cannot each
// write their own and leave users with a key that changes under them.
func newHostKey(path string) ([]byte, error) {
	_, priv, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		return nil, fmt.Errorf("cannot generate an SSH host key: %v", err)
	}
	blk, err := gossh.MarshalPrivateKey(priv, "launchready serve host key")
	if err != nil {
		return nil, fmt.Errorf("cannot encode the SSH host key: %v", err)
	}
	b := pem.EncodeToMemory(blk)
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if errors.Is(err, fs.ErrExist) {
		return os.ReadFile(path)
	}
	if err != nil {
		return nil, fmt.Errorf("cannot write the SSH host key into the state folder: %v", err)
	}
	if _, err := f.Write(b); err != nil {
		f.Close()
		os.Remove(path)
		return nil, fmt.Errorf("cannot write the SSH host key %s: %v", path, err)
	}
	if err := f.Close(); err != nil {
		os.Remove(path)
		return nil, fmt.Errorf("cannot write the SSH host key %s: %v", path, err)
	}
	return b, nil
}

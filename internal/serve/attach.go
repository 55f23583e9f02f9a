package serve

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"path/filepath"

	gossh "golang.org/x/crypto/ssh"
)

// Terminal is the local terminal a console attaches with: what Attach reads keys from,
// draws on, and asks for its size.
type Terminal struct {
	In   io.Reader
	Out  io.Writer
	Term string // $TERM
	// Size is the terminal's width and height now.
	Size func() (w, h int)
	// Resized delivers a value whenever the terminal changed size; nil when it never does.
	Resized <-chan struct{}
}

// Attach runs, on the local terminal, the console of the serve that answered on c (from
// DialLocal): one more session of serve's engine instead of a second engine probing the
// product. It speaks SSH on the socket, pinning serve's host key from the state folder,
// and returns when the console closes. The caller puts the terminal in raw mode.
func Attach(ctx context.Context, c net.Conn, stateDir string, t Terminal) error {
	host, err := localHostKey(stateDir)
	if err != nil {
		c.Close()
		return err
	}
	sc, chans, reqs, err := gossh.NewClientConn(c, "local", &gossh.ClientConfig{
		User:            "local",
		HostKeyCallback: gossh.FixedHostKey(host),
	})
	if err != nil {
		c.Close()
		return fmt.Errorf("launchready serve on %s did not take this console: %v", stateDir, err)
	}
	client := gossh.NewClient(sc, chans, reqs)
	defer client.Close()
	sess, err := client.NewSession()
	if err != nil {
		return fmt.Errorf("launchready serve on %s refused a console session: %v", stateDir, err)
	}
	defer sess.Close()
	w, h := t.Size()
	if err := sess.RequestPty(t.Term, h, w, gossh.TerminalModes{}); err != nil {
		return fmt.Errorf("launchready serve on %s refused a terminal: %v", stateDir, err)
	}
	sess.Stdin, sess.Stdout, sess.Stderr = t.In, t.Out, t.Out
	if err := sess.Shell(); err != nil {
		return fmt.Errorf("launchready serve on %s did not open the console: %v", stateDir, err)
	}
	done := make(chan error, 1)
	go func() { done <- sess.Wait() }()
	for {
		select {
		case err := <-done:
			var exit *gossh.ExitMissingError
			if errors.As(err, &exit) {
				return errors.New("launchready serve stopped while this console was attached")
			}
			return err
		case <-t.Resized:
			w, h := t.Size()
			sess.WindowChange(h, w)
		case <-ctx.Done():
			return nil
		}
	}
}

// localHostKey is the public half of serve's host key, read from the state folder that
// only serve's user can read: what the console expects the socket's server to prove.
func localHostKey(stateDir string) (gossh.PublicKey, error) {
	path := filepath.Join(stateDir, HostKeyFile)
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("cannot read serve's host key %s to attach: %v", path, err)
	}
	k, err := gossh.ParsePrivateKey(b)
	if err != nil {
		return nil, fmt.Errorf("serve's host key %s is unreadable: %v", path, err)
	}
	return k.PublicKey(), nil
}

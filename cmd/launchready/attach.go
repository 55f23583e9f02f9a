package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"os/user"
	"path/filepath"

	"github.com/charmbracelet/x/term"

	"github.com/launchready/launchready/internal/serve"
)

// attachToServe runs the console of the serve running on stateDir on this terminal, over
// its local socket, instead of a second engine probing the product: ok is false when no
// serve answers there, and the caller opens its own console.
func attachToServe(ctx context.Context, stateDir string) (ok bool, err error) {
	c, ok := serve.DialLocal(stateDir)
	if !ok {
		return false, nil
	}
	fmt.Fprintf(os.Stderr, "launchready: serve is running on %s; attaching to its console (its checks, not a second set)\n", stateDir)
	old, err := term.MakeRaw(os.Stdin.Fd())
	if err != nil {
		c.Close()
		return true, &exitError{exitUsage, fmt.Errorf("cannot put the terminal in raw mode to attach to serve: %v", err)}
	}
	defer term.Restore(os.Stdin.Fd(), old)
	actx, cancel := context.WithCancel(ctx)
	defer cancel()
	size := func() (int, int) {
		w, h, err := term.GetSize(os.Stdout.Fd())
		if err != nil {
			return 80, 24
		}
		return w, h
	}
	err = serve.Attach(actx, c, stateDir, serve.Terminal{In: os.Stdin, Out: os.Stdout, Term: os.Getenv("TERM"), Size: size, Resized: serve.Resizes(actx)})
	if err != nil {
		return true, &exitError{exitUsage, err}
	}
	return true, nil
}

// serveLocalConsoles makes srv take consoles started on the state folder as serve's own
// user (STATE/console.sock), so they attach instead of probing the product a second
// time. The listener closes with srv.
func serveLocalConsoles(srv *serve.Server, stateDir string, log *slog.Logger) error {
	ln, err := serve.ListenLocal(stateDir)
	if errors.Is(err, serve.ErrNoLocalConsoles) {
		log.Info("local consoles: not taken here", "why", err)
		return nil
	}
	if err != nil {
		return &exitError{exitUsage, fmt.Errorf("launchready serve: %v", err)}
	}
	go func() {
		if err := srv.Serve(ln); err != nil {
			log.Warn("local consoles: stopped taking them", "socket", filepath.Join(stateDir, serve.LocalSocket), "err", err)
		}
	}()
	return nil
}

// localConsoleUser is the name a local console attached to serve shows in "watching" and
// records in runbook transcripts: the account serve runs as.
func localConsoleUser() string {
	if u, err := user.Current(); err == nil && u.Username != "" {
		return u.Username
	}
	return "local"
}

package errlog

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"strings"
	"sync"
	"time"

	"github.com/launchready/launchready/internal/redact"
)

// cmdSource streams a command's output (journalctl -fu app -o json, docker logs -f app,
// kubectl logs -f deploy/app, a platform's log CLI). The command runs through the shell
// in its own process group, so everything it starts is stopped with it. When it exits it
// is started again after a backoff that doubles while it keeps failing quickly. Its
// stderr is the source's error text (redacted): that is where such tools say "not logged
// in" or "no such container".
type cmdSource struct {
	sourceBase
	command string
	dir     string
	backoff time.Duration
	red     *redact.Redactor
}

// Restart policy: the wait doubles from backoff up to maxBackoff; a run shorter than
// healthyRun counts as a failure, and failuresToError failures in a row turn the state
// from restarting into error.
const (
	maxBackoff      = time.Minute
	healthyRun      = 10 * time.Second
	failuresToError = 3
	// settle: a command's first output burst (journalctl -n 100) has ended after this
	// much quiet, or after settleMax in all; the first Run waits for it.
	settle    = 250 * time.Millisecond
	settleMax = 2 * time.Second
	// stopGrace is how long the group has between SIGTERM and SIGKILL on Close.
	stopGrace = time.Second
	// maxStderrLine bounds one line of stderr kept as the source's error.
	maxStderrLine = 1024
)

func newCmdSource(name, command, dir string, backoff time.Duration, p *pipeline, red *redact.Redactor, now func() time.Time) *cmdSource {
	s := &cmdSource{sourceBase: newBase(name, "command", red.String(command), now), command: command, dir: dir, backoff: backoff, red: red}
	s.p = p
	return s
}

func (s *cmdSource) run(ctx context.Context) {
	defer s.setState(StateStopped, "")
	defer s.markReady()
	wait := s.backoff
	failures := 0
	for ctx.Err() == nil {
		start := time.Now()
		why, lastErr := s.once(ctx)
		if ctx.Err() != nil {
			return
		}
		if time.Since(start) >= healthyRun {
			wait, failures = s.backoff, 0
		} else {
			failures++
		}
		msg := why
		if lastErr != "" {
			msg += ": " + lastErr
		}
		state := StateRestarting
		if failures >= failuresToError {
			state = StateError
			msg = fmt.Sprintf("%s (failed %d times in a row; retrying every %s)", msg, failures, wait.Round(time.Millisecond))
		}
		s.setState(state, msg)
		s.update(func(st *SourceStatus) { st.Restarts++ })
		s.markReady()
		if !sleep(ctx, wait) {
			return
		}
		wait = min(wait*2, maxBackoff)
	}
}

// once runs the command until it exits or ctx ends. It returns why it ended and the last
// line the command wrote to stderr.
func (s *cmdSource) once(ctx context.Context) (why, lastErr string) {
	outR, outW, err := os.Pipe()
	if err != nil {
		return "cannot make a pipe: " + err.Error(), ""
	}
	errR, errW, err := os.Pipe()
	if err != nil {
		outR.Close()
		outW.Close()
		return "cannot make a pipe: " + err.Error(), ""
	}
	cmd := shellCommand(s.command)
	cmd.Dir = s.dir
	cmd.Stdout, cmd.Stderr = outW, errW
	startErr := cmd.Start()
	outW.Close()
	errW.Close()
	if startErr != nil {
		outR.Close()
		errR.Close()
		return "cannot start: " + s.red.String(startErr.Error()), ""
	}
	s.setState(StateFollowing, "")
	started := time.Now()

	var stderrMu sync.Mutex
	outDone := make(chan struct{})
	errDone := make(chan struct{})
	go func() {
		defer close(outDone)
		s.readStdout(outR, started)
	}()
	go func() {
		defer close(errDone)
		sp := splitter{max: maxStderrLine, emit: func(line []byte, _ bool) {
			text := strings.TrimSpace(clean(s.red.String(string(line))))
			if text == "" {
				return
			}
			stderrMu.Lock()
			lastErr = text
			stderrMu.Unlock()
			s.update(func(st *SourceStatus) {
				st.StderrLines++
				if st.State == StateFollowing {
					st.Error = text
				}
			})
		}}
		buf := make([]byte, 4096)
		for {
			n, err := errR.Read(buf)
			sp.feed(buf[:n])
			if err != nil {
				sp.flush()
				return
			}
		}
	}()

	waitCh := make(chan error, 1)
	go func() { waitCh <- cmd.Wait() }()
	var waitErr error
	select {
	case waitErr = <-waitCh:
		// The leader is gone; anything it left running in its group would hold the pipes
		// open and write to a stream nobody reads.
		killGroup(cmd.Process.Pid, true)
	case <-ctx.Done():
		killGroup(cmd.Process.Pid, false)
		select {
		case waitErr = <-waitCh:
		case <-time.After(stopGrace):
			killGroup(cmd.Process.Pid, true)
			waitErr = <-waitCh
		}
		killGroup(cmd.Process.Pid, true)
	}
	// The pipes close when the last process holding them is gone; a process that left
	// the group (setsid) could hold them for ever, so stop waiting after a grace period.
	for _, ch := range []struct {
		done chan struct{}
		f    *os.File
	}{{outDone, outR}, {errDone, errR}} {
		select {
		case <-ch.done:
		case <-time.After(stopGrace):
			ch.f.Close()
			<-ch.done
		}
		ch.f.Close()
	}
	s.p.flush(true)
	stderrMu.Lock()
	defer stderrMu.Unlock()
	return describeExit(waitErr), lastErr
}

// readStdout feeds the pipeline; a quiet spell ends the entry being written, and the
// first quiet spell (or settleMax) marks the source ready.
func (s *cmdSource) readStdout(r *os.File, started time.Time) {
	buf := make([]byte, 64<<10)
	for {
		r.SetReadDeadline(time.Now().Add(settle))
		n, err := r.Read(buf)
		if n > 0 {
			s.p.feed(buf[:n])
			if time.Since(started) > settleMax {
				s.markReady()
			}
		}
		if errors.Is(err, os.ErrDeadlineExceeded) {
			s.p.flush(false)
			s.markReady()
			continue
		}
		if err != nil {
			return
		}
	}
}

func describeExit(err error) string {
	var ee *exec.ExitError
	switch {
	case err == nil:
		return "exited (status 0)"
	case errors.As(err, &ee):
		if ee.ExitCode() >= 0 {
			return fmt.Sprintf("exited with status %d", ee.ExitCode())
		}
		return "was killed (" + ee.String() + ")"
	}
	return "ended: " + err.Error()
}

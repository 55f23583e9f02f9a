package serve

import (
	"io"
	"testing"
	"time"

	gossh "golang.org/x/crypto/ssh"
)

// TestClientThatStopsReadingSlowsNothing: a real SSH client that never reads its
// session while it keeps it drawing (switching panes on a large screen) does not slow
// the sweeps, and another session keeps drawing.
func TestClientThatStopsReadingSlowsNothing(t *testing.T) {
	const every = 100 * time.Millisecond
	h := startServeEvery(t, "", every)
	live := openConsole(t, h, 100, 30, h.operator)
	live.waitFor("Acme", 0)

	conn, err := dial(h, h.viewer)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { conn.Close() })
	stuck, err := conn.NewSession()
	if err != nil {
		t.Fatal(err)
	}
	if err := stuck.RequestPty("xterm-256color", 100, 300, gossh.TerminalModes{}); err != nil {
		t.Fatal(err)
	}
	out, _ := stuck.StdoutPipe() // never read until the end
	in, _ := stuck.StdinPipe()
	if err := stuck.Shell(); err != nil {
		t.Fatal(err)
	}
	keysDone := make(chan struct{})
	go func() {
		defer close(keysDone)
		for i := 0; i < 600; i++ { // each switch redraws most of the 300x100 screen
			if _, err := in.Write([]byte{"15"[i%2]}); err != nil {
				return
			}
			time.Sleep(5 * time.Millisecond)
		}
	}()

	// Measure the sweeps while the stuck client piles up output.
	time.Sleep(500 * time.Millisecond)
	before, start := h.hits.Load(), time.Now()
	mark := live.mark()
	time.Sleep(3 * time.Second)
	got, took := h.hits.Load()-before, time.Since(start)
	want := int64(2 * took / every) // two checks a sweep
	if got < want*2/3 {
		t.Errorf("with a client not reading, the checks ran %d times in %s; want about %d (every %s)", got, took.Round(time.Millisecond), want, every)
	}
	// The reading session still draws: its swept time moves on.
	live.keys("?")
	live.waitFor("Keys", mark)
	<-keysDone

	// What the stuck client had not read, for the log: the console draws at most FPS
	// frames a second, so in these seconds it queues a few hundred KiB, short of the 2 MiB
	// SSH window; the runner would not notice a full window either, since Hub.Publish
	// never waits for a session (TestHubNeverWaits).
	n := drain(out, 2*time.Second)
	t.Logf("sweeps: %d runs in %s (want ~%d); the stuck client had %d KiB unread", got, took.Round(time.Millisecond), want, n>>10)
}

// drain reads r for a while (the console keeps drawing, so it is never quiet for long),
// and returns how much it read.
func drain(r io.Reader, quiet time.Duration) int {
	ch := make(chan int, 1<<16) // the reader goes on reading after drain returns
	go func() {
		buf := make([]byte, 64<<10)
		for {
			n, err := r.Read(buf)
			if n > 0 {
				select {
				case ch <- n:
				default:
				}
			}
			if err != nil {
				close(ch)
				return
			}
		}
	}()
	total := 0
	end := time.After(quiet)
	for {
		select {
		case n, ok := <-ch:
			if !ok {
				return total
			}
			total += n
		case <-end:
			return total
		}
	}
}

package runbook

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// wrapper runs the step's command ($1) with bash -c and writes its exit status to a file
// ($2) when it ends. It exists so that a command outlives the engine: started in its own
// session with its output going to a file, it needs nobody to read a pipe or wait for it,
// and whoever looks next (this engine, or the next one after a crash) finds the status in
// the file. The command text is an argument, never spliced into the script.
const wrapper = `bash -c "$1"
s=$?
printf '%s\n' "$s" > "$2.tmp" && mv -f "$2.tmp" "$2"
exit "$s"`

// proc is one command started by the engine, or adopted from a transcript after a crash.
type proc struct {
	pid      int
	outPath  string
	exitPath string
	started  time.Time
	deadline time.Time
	ended    time.Time       // when our own child ended (zero when adopted)
	waited   chan waitResult // nil when adopted: the process is not our child
}

type waitResult struct {
	exit   int
	signal syscall.Signal
	err    error
	ended  time.Time
}

// startProc starts text under the wrapper in its own session and process group, with
// stdin from /dev/null (the terminal belongs to the engine) and output to outPath.
func startProc(text, cwd string, env []string, outPath, exitPath string, timeout time.Duration, now time.Time) (*proc, error) {
	if err := platformCheck(); err != nil {
		return nil, err
	}
	bash, err := exec.LookPath("bash")
	if err != nil {
		return nil, errors.New("runbook commands run with bash, and bash is not on PATH; install it (apt install bash)")
	}
	out, err := os.OpenFile(outPath, os.O_CREATE|os.O_EXCL|os.O_WRONLY|os.O_APPEND, 0o600)
	if err != nil {
		return nil, fmt.Errorf("cannot create the output file: %w", err)
	}
	defer out.Close()
	cmd := exec.Command(bash, "-c", wrapper, "launchready-step", text, exitPath)
	cmd.Dir, cmd.Env, cmd.Stdout, cmd.Stderr = cwd, env, out, out
	cmd.SysProcAttr = detached()
	if err := cmd.Start(); err != nil {
		os.Remove(outPath)
		if pe, ok := err.(*os.PathError); ok && pe.Op == "chdir" {
			return nil, fmt.Errorf("cannot run in %s: %v; fix cwd: in the runbook", cwd, pe.Err)
		}
		return nil, fmt.Errorf("cannot start bash: %w", err)
	}
	p := &proc{pid: cmd.Process.Pid, outPath: outPath, exitPath: exitPath, started: now, deadline: now.Add(timeout), waited: make(chan waitResult, 1)}
	go func() {
		err := cmd.Wait()
		r := waitResult{ended: time.Now()}
		if st, ok := cmd.ProcessState.Sys().(syscall.WaitStatus); ok {
			r.exit = st.ExitStatus()
			if st.Signaled() {
				r.signal = st.Signal()
			}
		} else if err != nil {
			r.err = err
		}
		p.waited <- r
	}()
	return p, nil
}

// procState is how a watched process stands.
type procState int

const (
	procRunning procState = iota
	procExited            // exit status known
	procLost              // gone without leaving an exit status
)

// poll says whether the process has ended, and how. The exit file is the authority when
// it exists; for our own child, wait's status also tells of death by signal.
func (p *proc) poll() (procState, int, string) {
	if p.waited != nil {
		select {
		case r := <-p.waited:
			p.waited, p.ended = nil, r.ended
			if code, ok := readExitFile(p.exitPath); ok {
				return procExited, code, ""
			}
			if r.signal != 0 {
				return procExited, 128 + int(r.signal), "killed by " + r.signal.String()
			}
			if r.err != nil {
				return procLost, -1, r.err.Error()
			}
			return procExited, r.exit, ""
		default:
			return procRunning, 0, ""
		}
	}
	if code, ok := readExitFile(p.exitPath); ok {
		return procExited, code, ""
	}
	if processMatches(p.pid, p.exitPath) {
		return procRunning, 0, ""
	}
	// One more look: the wrapper may have written the file between the two checks.
	if code, ok := readExitFile(p.exitPath); ok {
		return procExited, code, ""
	}
	return procLost, -1, "the command's process is gone and left no exit status (killed, or the machine restarted)"
}

func readExitFile(path string) (int, bool) {
	b, err := os.ReadFile(path)
	if err != nil {
		return 0, false
	}
	n, err := strconv.Atoi(strings.TrimSpace(string(b)))
	return n, err == nil
}

// kill ends the command and everything it started: SIGTERM to the group, then SIGKILL to
// whatever is left after grace.
func (p *proc) kill(grace time.Duration) {
	_ = signalGroup(p.pid, syscall.SIGTERM)
	deadline := time.Now().Add(grace)
	for time.Now().Before(deadline) {
		if !groupAlive(p.pid) {
			return
		}
		time.Sleep(20 * time.Millisecond)
	}
	_ = signalGroup(p.pid, syscall.SIGKILL)
}

// tailer turns a command's raw output into redacted chunks for the transcript and the
// screen: whole lines as they come, a partial line (a progress bar) after a pause, never a
// piece of a secret, and no more than a cap per command so a runaway build cannot fill the
// disk (the end of the output is kept and written when the command ends).
type tailer struct {
	red     *Redactor
	f       *os.File
	offset  int64 // raw bytes consumed (turned into chunks)
	read    int64 // raw bytes read from the file
	pending []byte
	last    time.Time // when pending last grew
	kept    int64     // redacted bytes emitted
	cap     int64
	omitted int64
	tail    []byte // redacted output past the cap, last tailKeep bytes
	lastRaw []byte // the last complete non-empty line, for capture:
	cur     []byte // the line being read
}

const (
	partialAfter = 300 * time.Millisecond // a line without its newline is shown after this pause
	maxPending   = 64 << 10
	tailKeep     = 64 << 10
)

func openTailer(path string, offset int64, red *Redactor, capBytes int64) (*tailer, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	t := &tailer{red: red, f: f, offset: offset, read: offset, cap: capBytes}
	if offset > 0 {
		// Before a crash, these bytes were already in the transcript; read them only to
		// know the last line, for capture:.
		b, _ := io.ReadAll(io.LimitReader(f, offset))
		t.noteLines(b)
		_, _ = f.Seek(offset, io.SeekStart)
	}
	return t, nil
}

// next reads what is new (up to maxPending at a time) and returns the chunk to emit now
// ("" for none), the raw offset it reaches, and whether more is waiting to be read; final
// emits everything read, partial lines included.
func (t *tailer) next(now time.Time, final bool) (string, int64, bool) {
	buf := make([]byte, 32<<10)
	more := false
	for {
		n, err := t.f.Read(buf)
		if n > 0 {
			t.pending = append(t.pending, buf[:n]...)
			t.read += int64(n)
			t.last = now
			t.noteLines(buf[:n])
		}
		if err != nil || n == 0 {
			break
		}
		if len(t.pending) >= maxPending {
			more = true
			break
		}
	}
	cut := 0
	switch {
	case final:
		cut = len(t.pending)
	default:
		cut = bytes.LastIndexByte(t.pending, '\n') + 1
		if cut == 0 && len(t.pending) > 0 && (now.Sub(t.last) >= partialAfter || len(t.pending) >= maxPending) {
			cut = len(t.pending) - t.red.Holdback(t.pending)
		}
	}
	if cut <= 0 {
		return "", t.offset, more
	}
	chunk := t.red.Redact(string(t.pending[:cut]))
	t.pending = append(t.pending[:0], t.pending[cut:]...)
	t.offset += int64(cut)
	if t.kept+int64(len(chunk)) > t.cap {
		room := max(t.cap-t.kept, 0)
		if room > 0 {
			// Cut at a line end within the room, so the kept part ends cleanly.
			keep := chunk[:room]
			if i := strings.LastIndexByte(keep, '\n'); i >= 0 {
				keep = keep[:i+1]
			}
			t.kept += int64(len(keep))
			t.overflow(chunk[len(keep):])
			return keep, t.offset, more
		}
		t.overflow(chunk)
		return "", t.offset, more
	}
	t.kept += int64(len(chunk))
	return chunk, t.offset, more
}

func (t *tailer) overflow(s string) {
	t.omitted += int64(len(s))
	t.tail = append(t.tail, s...)
	if len(t.tail) > tailKeep {
		t.tail = append(t.tail[:0], t.tail[len(t.tail)-tailKeep:]...)
	}
}

// finalTail is what to write when the command ends, if output went past the cap: a line
// saying how much was left out, then the end of the output.
func (t *tailer) finalTail() string {
	if t.omitted == 0 {
		return ""
	}
	skipped := t.omitted - int64(len(t.tail))
	tail := string(t.tail)
	if i := strings.IndexByte(tail, '\n'); i >= 0 && skipped > 0 {
		skipped += int64(i + 1)
		tail = tail[i+1:]
	}
	return fmt.Sprintf("[... %d bytes of output not kept (over %d per command); the last %d follow ...]\n%s", skipped, t.cap, len(tail), tail)
}

func (t *tailer) noteLines(b []byte) {
	for len(b) > 0 {
		i := bytes.IndexByte(b, '\n')
		if i < 0 {
			t.cur = append(t.cur, b...)
			if len(t.cur) > 4096 {
				t.cur = append(t.cur[:0], t.cur[len(t.cur)-4096:]...)
			}
			return
		}
		t.cur = append(t.cur, b[:i]...)
		if l := bytes.TrimSpace(t.cur); len(l) > 0 {
			t.lastRaw = append(t.lastRaw[:0], l...)
		}
		t.cur = t.cur[:0]
		b = b[i+1:]
	}
}

// lastLine is the last non-empty line of the output, for capture:.
func (t *tailer) lastLine() string {
	if l := bytes.TrimSpace(t.cur); len(l) > 0 {
		return string(l)
	}
	return string(t.lastRaw)
}

func (t *tailer) close() { t.f.Close() }

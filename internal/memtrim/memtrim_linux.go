//go:build linux

package memtrim

import (
	"bufio"
	"bytes"
	"fmt"
	"os"
	"runtime/debug"
	"strconv"
	"strings"

	"golang.org/x/sys/unix"
)

// Release returns free heap to the kernel and drops the resident pages of the
// executable's read-only mappings (code, read-only data, the function tables). Only
// mappings that cannot hold process state are touched: never writable or anonymous
// memory, never a shared library. Pages dropped this way are clean copies of the file on
// disk, exactly what the kernel itself reclaims under memory pressure.
//
// Three steps, each needed on Linux 6.x with large folios: MADV_DONTNEED unmaps the pages;
// POSIX_FADV_DONTNEED drops the file's now-unmapped large folios from the page cache
// (pages another process still maps stay); MADV_RANDOM turns off read-ahead for these
// mappings, so what is touched again is read one 4 KiB page at a time instead of coming
// back as a 64 KiB to 2 MiB block. The cost is a disk read the first time a
// rarely-run path runs again (an alert's first delivery, say): milliseconds, once.
func Release() (Stats, error) {
	debug.FreeOSMemory()
	exe, err := os.Readlink("/proc/self/exe")
	if err != nil {
		return Stats{}, fmt.Errorf("cannot find this program's file to release its start-up pages: %w", err)
	}
	maps, err := os.ReadFile("/proc/self/smaps")
	if err != nil {
		return Stats{}, fmt.Errorf("cannot read /proc/self/smaps to release start-up pages: %w", err)
	}
	var st Stats
	for _, m := range readOnlyMappings(maps, exe) {
		// Raw madvise on an address range read from smaps: no Go pointer is involved.
		if _, _, errno := unix.Syscall(unix.SYS_MADVISE, m.start, m.end-m.start, unix.MADV_DONTNEED); errno != 0 {
			err := error(errno)
			return st, fmt.Errorf("cannot release the start-up pages of %s at %#x: %w", exe, m.start, err)
		}
		// Advisory: a kernel that refuses it still dropped the pages above.
		_, _, _ = unix.Syscall(unix.SYS_MADVISE, m.start, m.end-m.start, unix.MADV_RANDOM)
		st.Mappings++
		st.BinaryBytes += m.rss
	}
	if st.Mappings > 0 {
		f, err := os.Open(exe)
		if err != nil {
			return st, fmt.Errorf("start-up pages dropped, but cannot open %s to drop its cached copy: %w", exe, err)
		}
		defer f.Close()
		// A binary built moments ago is still dirty in the page cache, and dirty pages
		// cannot be dropped: write them out first (a no-op for an installed binary).
		_ = unix.Fdatasync(int(f.Fd()))
		if err := unix.Fadvise(int(f.Fd()), 0, 0, unix.FADV_DONTNEED); err != nil {
			return st, fmt.Errorf("start-up pages dropped, but the kernel kept %s cached in large blocks: %w", exe, err)
		}
	}
	return st, nil
}

// mapping is one line of /proc/self/smaps worth dropping.
type mapping struct {
	start, end uintptr
	rss        int64
}

// readOnlyMappings picks, from smaps text, the private read-only mappings of the file
// exe ("r-xp" code, "r--p" data): the ones whose pages are always identical to the file.
func readOnlyMappings(smaps []byte, exe string) []mapping {
	var out []mapping
	var cur *mapping
	sc := bufio.NewScanner(bytes.NewReader(smaps))
	sc.Buffer(make([]byte, 0, 4096), 1<<20)
	for sc.Scan() {
		line := sc.Text()
		f := strings.Fields(line)
		if len(f) >= 5 && strings.Contains(f[0], "-") && !strings.HasSuffix(f[0], ":") {
			cur = nil
			if len(f) < 6 || strings.Join(f[5:], " ") != exe || (f[1] != "r-xp" && f[1] != "r--p") {
				continue
			}
			lo, hi, ok := strings.Cut(f[0], "-")
			start, err1 := strconv.ParseUint(lo, 16, 64)
			end, err2 := strconv.ParseUint(hi, 16, 64)
			if !ok || err1 != nil || err2 != nil || end <= start {
				continue
			}
			out = append(out, mapping{start: uintptr(start), end: uintptr(end)})
			cur = &out[len(out)-1]
			continue
		}
		if cur != nil && len(f) >= 2 && f[0] == "Rss:" {
			if kb, err := strconv.ParseInt(f[1], 10, 64); err == nil {
				cur.rss = kb << 10
			}
		}
	}
	return out
}

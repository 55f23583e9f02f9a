//go:build linux

package memtrim

import (
	"crypto/sha256"
	"fmt"
	"os"
	"regexp"
	"strconv"
	"testing"
)

const smapsSample = `00400000-011a9000 r-xp 00000000 08:01 123 /opt/launch ready/launchready
Size:              14000 kB
Rss:                9504 kB
011a9000-020ab000 r--p 00da9000 08:01 123 /opt/launch ready/launchready
Rss:                9096 kB
020ab000-021db000 rw-p 01cab000 08:01 123 /opt/launch ready/launchready
Rss:                 708 kB
021db000-0400a000 rw-p 00000000 00:00 0
Rss:               12508 kB
7f0000000000-7f0000100000 r-xp 00000000 08:01 456 /usr/lib/x86_64-linux-gnu/libc.so.6
Rss:                 816 kB
7f0000200000-7f0000300000 r--p 00000000 08:01 789 /opt/launch ready/launchready.old
Rss:                 100 kB
`

// TestPicksOnlyTheBinarysReadOnlyMappings: writable data, the heap, shared libraries and
// other files are never dropped; a path with a space is still recognised.
func TestPicksOnlyTheBinarysReadOnlyMappings(t *testing.T) {
	got := readOnlyMappings([]byte(smapsSample), "/opt/launch ready/launchready")
	want := []mapping{{0x400000, 0x11a9000, 9504 << 10}, {0x11a9000, 0x20ab000, 9096 << 10}}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("readOnlyMappings = %v, want %v", got, want)
	}
}

func rssFile(t *testing.T) int64 {
	t.Helper()
	b, err := os.ReadFile("/proc/self/status")
	if err != nil {
		t.Skip("no /proc/self/status:", err)
	}
	m := regexp.MustCompile(`RssFile:\s+(\d+) kB`).FindSubmatch(b)
	if m == nil {
		t.Skip("kernel reports no RssFile")
	}
	kb, _ := strconv.ParseInt(string(m[1]), 10, 64)
	return kb << 10
}

// TestReleaseDropsPagesAndTheProgramRunsOn releases this test binary's own pages: the
// resident file-backed size falls, and code and read-only data still work afterwards
// (they fault back in from the page cache).
func TestReleaseDropsPagesAndTheProgramRunsOn(t *testing.T) {
	before := rssFile(t)
	st, err := Release()
	if err != nil {
		t.Fatal(err)
	}
	after := rssFile(t)
	if st.Mappings < 2 || st.BinaryBytes <= 0 {
		t.Errorf("Release() = %+v, want the test binary's code and data mappings", st)
	}
	if after >= before {
		t.Errorf("RssFile %d KB before Release, %d KB after: nothing was handed back", before>>10, after>>10)
	}
	// Run code that was resident before: crypto tables, fmt, regexp.
	sum := sha256.Sum256([]byte("launch week"))
	if got := fmt.Sprintf("%x", sum[:4]); len(got) != 8 {
		t.Errorf("sha256 after Release: %q", got)
	}
	if !regexp.MustCompile(`^a+b$`).MatchString("aaab") {
		t.Error("regexp after Release")
	}
	t.Logf("released %d mappings, %d KB were resident; RssFile %d KB -> %d KB", st.Mappings, st.BinaryBytes>>10, before>>10, after>>10)
}

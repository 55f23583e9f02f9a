package tui

import (
	"strings"
	"testing"
	"time"
)

func TestWrapKeepsNamesWholeAndSpacingWhenItFits(t *testing.T) {
	t.Parallel()
	got := wrap("lookup admin.acme.example: it is a CNAME to ghost-app.herokudns.com, which does not exist", 40, " ")
	for _, l := range got {
		if strings.HasSuffix(l, "-") || len([]rune(l)) > 40 {
			t.Errorf("bad line %q in %q", l, got)
		}
	}
	if !strings.Contains(strings.Join(got, "\n"), "ghost-app.herokudns.com,") {
		t.Errorf("a host name was split: %q", got)
	}
	if got := wrap("a.example.\t300\tIN\tA\t192.0.2.1", 80, ""); got[0] != "a.example.      300     IN      A       192.0.2.1" {
		t.Errorf("tabs: %q", got[0])
	}
	if got := wrap("x  y", 80, ""); got[0] != "x  y" {
		t.Errorf("spacing of a line that fits was changed: %q", got[0])
	}
	long := strings.Repeat("z", 25)
	got = wrap("see "+long, 20, "")
	if strings.Join(got, "") != "see"+long && strings.ReplaceAll(strings.Join(got, ""), " ", "") != "see"+long {
		t.Errorf("a long word lost characters: %q", got)
	}
	for _, l := range got {
		if len(l) > 20 {
			t.Errorf("line longer than the width: %q", l)
		}
	}
}

func TestLayoutDropsByPriorityAndFits(t *testing.T) {
	t.Parallel()
	cols := []column{
		{title: "state", width: 9},
		{title: "target", flex: 1, min: 20, want: 30},
		{title: "key", width: 8, drop: 20},
		{title: "luxury", width: 10, drop: 30},
	}
	for _, c := range []struct {
		w    int
		kept []bool
	}{
		{100, []bool{true, true, true, true}},
		{55, []bool{true, true, true, false}}, // the luxury column gives way to target's wanted width
		{40, []bool{true, true, true, false}},
		{35, []bool{true, true, false, false}},
	} {
		ws := layout(cols, c.w)
		total := 0
		n := 0
		for i, w := range ws {
			if (w > 0) != c.kept[i] {
				t.Errorf("width %d: column %s kept=%v, want %v (%v)", c.w, cols[i].title, w > 0, c.kept[i], ws)
			}
			if w > 0 {
				total += w
				n++
			}
		}
		if total+n-1 > c.w {
			t.Errorf("width %d: columns take %d", c.w, total+n-1)
		}
	}
}

func TestDurTextSaysIntervalsAsPeopleDo(t *testing.T) {
	t.Parallel()
	for d, want := range map[time.Duration]string{
		0: "0s", 10 * time.Second: "10s", 30 * time.Second: "30s", 15 * time.Second: "15s", time.Minute: "1m",
		90 * time.Second: "1m30s", time.Hour: "1h", 90 * time.Minute: "1h30m", 1500 * time.Millisecond: "1.5s",
	} {
		if got := durText(d); got != want {
			t.Errorf("durText(%s) = %q, want %q", d, got, want)
		}
	}
}

package tui

import (
	"fmt"
	"math"
	"strings"
	"time"

	"github.com/charmbracelet/x/ansi"
)

// fitCell pads or cuts a (possibly styled) string to exactly w cells.
func fitCell(s string, w int, right bool) string {
	if w <= 0 {
		return ""
	}
	sw := widthOf(s)
	if sw > w {
		return ansi.Truncate(s, w, "…")
	}
	pad := strings.Repeat(" ", w-sw)
	if right {
		return pad + s
	}
	return s + pad
}

// clipLine cuts a line to the screen width; lines are never wrapped by the terminal.
func clipLine(s string, w int) string {
	if len(s) <= w || widthOf(s) <= w { // a cell takes at least a byte
		return s
	}
	if ansi.StringWidth(s) <= w {
		return s
	}
	return ansi.Truncate(s, w, "…")
}

// frame makes a block exactly h lines of at most w cells, so every region of the screen
// has a fixed size and a resize never leaves stale cells behind.
func frame(lines []string, w, h int) string {
	if h <= 0 {
		return ""
	}
	if len(lines) > h {
		lines = lines[:h]
	}
	var b strings.Builder
	for i := 0; i < h; i++ {
		if i > 0 {
			b.WriteByte('\n')
		}
		if i < len(lines) {
			b.WriteString(clipLine(lines[i], w))
		}
	}
	return b.String()
}

// ageText is a finding's age in the risk list: "new", "3m", "2h", "4d". Minutes are the
// finest unit so the list changes at most once a minute while idle.
func ageText(d time.Duration) string {
	switch {
	case d < time.Minute:
		return "new"
	case d < time.Hour:
		return fmt.Sprintf("%dm", int(d/time.Minute))
	case d < 48*time.Hour:
		return fmt.Sprintf("%dh", int(d/time.Hour))
	}
	return fmt.Sprintf("%dd", int(d/(24*time.Hour)))
}

// num prints a metric without noise: integers as integers, others with what precision
// the size needs.
func num(v float64) string {
	switch {
	case math.IsNaN(v) || math.IsInf(v, 0):
		return "—"
	case v == math.Trunc(v) && math.Abs(v) < 1e9:
		return fmt.Sprintf("%d", int64(v))
	case math.Abs(v) >= 100:
		return fmt.Sprintf("%.0f", v)
	case math.Abs(v) >= 10:
		return fmt.Sprintf("%.1f", v)
	}
	return fmt.Sprintf("%.2f", v)
}

// msText prints milliseconds as "183 ms" or "1.9 s".
func msText(v float64) string {
	switch {
	case v >= 1000:
		return fmt.Sprintf("%.1f s", v/1000)
	case v >= 10:
		return fmt.Sprintf("%.0f ms", v)
	}
	return fmt.Sprintf("%.1f ms", v)
}

// clock prints a time of day in the console's one format.
func clock(t time.Time) string {
	if t.IsZero() {
		return "—"
	}
	return t.Format("15:04:05")
}

// wrap word-wraps plain text to w cells, every line indented; callers style the lines
// afterwards, so a style never spans a line break.
//
// Lines break at spaces only: host names, records and commands keep their hyphens whole
// ("ghost-app.herokudns.com" is never split after "ghost-"); a word wider than the line
// is cut where it must be.
func wrap(s string, w int, indent string) []string {
	limit := max(10, w-len(indent))
	var out []string
	for _, para := range strings.Split(s, "\n") {
		para = expandTabs(para)
		if widthOf(para) <= limit { // fits: keep its spacing (aligned records, headers)
			out = append(out, indent+para)
			continue
		}
		line, lw := "", 0
		flush := func() {
			out = append(out, indent+line)
			line, lw = "", 0
		}
		for _, word := range strings.Fields(para) {
			ww := widthOf(word)
			if lw > 0 && lw+1+ww > limit {
				flush()
			}
			for ww > limit { // a word longer than a line
				head := ansi.Cut(word, 0, limit-lw)
				line += head
				flush()
				word = ansi.Cut(word, widthOf(head), ww)
				ww = widthOf(word)
			}
			if lw > 0 {
				line += " "
				lw++
			}
			line += word
			lw += ww
		}
		flush()
	}
	return out
}

// expandTabs replaces tabs with spaces to the next multiple of 8: a tab would move the
// terminal's cursor past what the console thinks it drew.
func expandTabs(s string) string {
	if !strings.Contains(s, "\t") {
		return s
	}
	var b strings.Builder
	col := 0
	for _, r := range s {
		if r == '\t' {
			n := 8 - col%8
			b.WriteString(strings.Repeat(" ", n))
			col += n
			continue
		}
		b.WriteRune(r)
		col++
	}
	return b.String()
}

// plural is "1 check", "3 checks".
func plural(n int, word string) string {
	if n == 1 {
		return "1 " + word
	}
	return fmt.Sprintf("%d %ss", n, word)
}

// durText prints an interval the way people say it: "15s", "1m", "1h30m".
func durText(d time.Duration) string {
	s := d.String()
	if strings.HasSuffix(s, "m0s") {
		s = strings.TrimSuffix(s, "0s")
	}
	if strings.HasSuffix(s, "h0m") {
		s = strings.TrimSuffix(s, "0m")
	}
	return s
}

// widthOf is a string's width in cells, escape sequences ignored. Plain ASCII, most of
// what a screen holds, is counted without the grapheme segmentation the general case
// needs.
func widthOf(s string) int {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c < 0x20 || c > 0x7e {
			return ansi.StringWidth(s)
		}
	}
	return len(s)
}

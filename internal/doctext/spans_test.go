package doctext

import "testing"

// TestMDSpans: code between backticks stays a code span, as typed; the prose around it is
// escaped; a lone or doubled backtick is prose.
func TestMDSpans(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]string{
		"set `history.retention_days: 30` in launchready.yaml": "set `history.retention_days: 30` in launchready.yaml",
		"a_b `c_d` e_f":     `a\_b ` + "`c_d`" + ` e\_f`,
		"no code [x]":       `no code \[x\]`,
		"one ` tick_":       "one \\` tick\\_",
		"empty `` pair `x`": "empty \\`\\` pair `x`",
		"`a` and `b`":       "`a` and `b`",
		"<b> `<b>`":         "&lt;b&gt; `<b>`",
		"":                  "",
	} {
		if got := MDSpans(in); got != want {
			t.Errorf("MDSpans(%q) = %q, want %q", in, got, want)
		}
	}
}

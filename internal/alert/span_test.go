package alert

import "testing"

// TestSpanWhat: how a window describes what it holds, in the runbook's transcript, its
// dry run and `alert status`.
func TestSpanWhat(t *testing.T) {
	for _, c := range []struct {
		sp   Span
		want string
	}{
		{Span{Checks: []string{"http api.*"}, Panes: []string{"endpoints"}}, "http api.*, the endpoints pane"},
		{Span{Panes: []string{"dns", "tls"}}, "the dns pane, the tls pane"},
		{Span{}, "every check"},
	} {
		if got := c.sp.What(); got != c.want {
			t.Errorf("%+v.What() = %q, want %q", c.sp, got, c.want)
		}
	}
}

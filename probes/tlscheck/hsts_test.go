package tlscheck

import (
	"strings"
	"testing"
)

func TestParseHSTS(t *testing.T) {
	t.Parallel()
	cases := []struct {
		in                  string
		valid               bool
		age                 int64
		subdomains, preload bool
		problem             string
	}{
		{"max-age=31536000; includeSubDomains; preload", true, 31536000, true, true, ""},
		{"max-age=15552000", true, 15552000, false, false, ""},
		{`MAX-AGE="600" ; INCLUDESUBDOMAINS`, true, 600, true, false, ""},
		{"max-age=0", true, 0, false, false, ""},
		{"includeSubDomains; max-age=86400; future-directive=x", true, 86400, true, false, ""},
		{"max-age=99999999999999999999999", true, 1<<63 - 1, false, false, ""},
		{"includeSubDomains", false, 0, true, false, "no max-age"},
		{"max-age=1y", false, 0, false, false, "not a number"},
		{"max-age=-5", false, 0, false, false, "not a number"},
		{"max-age=", false, 0, false, false, "not a number"},
		{"max-age=600; max-age=700", false, 600, false, false, "appears twice"},
		{"", false, 0, false, false, "no max-age"},
	}
	for _, c := range cases {
		h := parseHSTS(c.in)
		if h.Valid != c.valid || (c.valid && h.MaxAge != c.age) || h.IncludeSubDomains != c.subdomains || h.Preload != c.preload ||
			!strings.Contains(h.Problem, c.problem) || (c.problem == "" && h.Problem != "") {
			t.Errorf("parseHSTS(%q) = %+v", c.in, h)
		}
	}
	if d := parseHSTS("max-age=31536000").MaxAgeDays; d != 365 {
		t.Errorf("MaxAgeDays %d", d)
	}
}

func TestAgeText(t *testing.T) {
	t.Parallel()
	for in, want := range map[int64]string{31536000: "1y", 63072000: "2y", 15552000: "180d", 86400: "1d", 7200: "2h", 300: "5m", 59: "59s", 0: "0"} {
		if got := ageText(in); got != want {
			t.Errorf("ageText(%d) = %q, want %q", in, got, want)
		}
	}
}

// FuzzParseHSTS: any header value parses without panic, and a valid result always has a
// non-negative max-age and no problem.
func FuzzParseHSTS(f *testing.F) {
	for _, s := range []string{"max-age=31536000; includeSubDomains; preload", `max-age="0"`, "max-age=1;max-age=2", ";;;", "max-age==5", "\x00max-age=1"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, v string) {
		h := parseHSTS(v)
		if h.Valid && (h.MaxAge < 0 || h.Problem != "" || h.MaxAgeDays < 0) {
			t.Fatalf("parseHSTS(%q) = %+v", v, h)
		}
		if !h.Valid && h.Problem == "" {
			t.Fatalf("invalid without a reason: %q", v)
		}
	})
}

package netx

import (
	"errors"
	"io"
	"math"
	"strings"
	"testing"
	"testing/iotest"
)

func TestReadLimited(t *testing.T) {
	t.Parallel()
	boom := errors.New("connection reset")
	tests := []struct {
		desc      string
		r         io.Reader
		limit     int64
		want      string
		truncated bool
		err       error
	}{
		{"shorter than the limit", strings.NewReader("abc"), 10, "abc", false, nil},
		{"exactly the limit", strings.NewReader("abcde"), 5, "abcde", false, nil},
		{"one byte over", strings.NewReader("abcdef"), 5, "abcde", true, nil},
		{"far over", strings.NewReader(strings.Repeat("x", 1<<20)), 3, "xxx", true, nil},
		{"no practical limit", strings.NewReader("abc"), math.MaxInt64, "abc", false, nil},
		{"zero limit, empty body", strings.NewReader(""), 0, "", false, nil},
		{"zero limit, some body", strings.NewReader("a"), 0, "", true, nil},
		{"error midway keeps what was read", io.MultiReader(strings.NewReader("ab"), iotest.ErrReader(boom)), 10, "ab", false, boom},
	}
	for _, tt := range tests {
		t.Run(tt.desc, func(t *testing.T) {
			t.Parallel()
			got, truncated, err := ReadLimited(tt.r, tt.limit)
			if string(got) != tt.want || truncated != tt.truncated || !errors.Is(err, tt.err) {
				t.Errorf("got %q, %t, %v; want %q, %t, %v", got, truncated, err, tt.want, tt.truncated, tt.err)
			}
		})
	}
	if _, _, err := ReadLimited(strings.NewReader("a"), -1); err == nil {
		t.Error("a negative limit gave no error")
	}
}

func TestCutNote(t *testing.T) {
	t.Parallel()
	for limit, want := range map[int64]string{
		1 << 20:   "only the first 1 MiB of the body was read",
		2 << 20:   "only the first 2 MiB of the body was read",
		64 << 10:  "only the first 64 KiB of the body was read",
		1500:      "only the first 1500 bytes of the body were read",
		1:         "only the first 1 byte of the body was read",
		3<<20 + 1: "only the first 3145729 bytes of the body were read",
	} {
		if got := CutNote(limit); got != want {
			t.Errorf("CutNote(%d) = %q, want %q", limit, got, want)
		}
	}
}

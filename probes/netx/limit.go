package netx

import (
	"fmt"
	"io"
	"math"
	"strings"
)

// ReadLimited reads at most limit bytes of r and reports whether more was
// left. Every body the project reads goes through it, so a hostile or
// broken server streaming gigabytes costs us limit bytes, not our memory.
// On a read error it returns what it read so far with the error.
func ReadLimited(r io.Reader, limit int64) ([]byte, bool, error) {
	if limit < 0 {
		return nil, false, fmt.Errorf("ReadLimited: limit %d is negative", limit)
	}
	// One byte past the limit tells "exactly limit" from "more".
	data, err := io.ReadAll(io.LimitReader(r, min(limit, math.MaxInt64-1)+1))
	truncated := int64(len(data)) > limit
	if truncated {
		data = data[:limit]
	}
	if err != nil {
		return data, truncated, fmt.Errorf("reading the body failed after %d bytes: %w", len(data), err)
	}
	return data, truncated, nil
}

// CutNote is what a finding that judges a body's content says when ReadLimited cut the
// body at limit: "lacks X" about the first MiB is not "lacks X", and the operator must
// know which one they are reading. Every probe words it the same way.
func CutNote(limit int64) string {
	size, verb := sizeText(limit), "was"
	if strings.HasSuffix(size, "bytes") {
		verb = "were"
	}
	return "only the first " + size + " of the body " + verb + " read"
}

// sizeText writes a byte count the way limits are set: "1 MiB", "64 KiB", "300 bytes".
func sizeText(n int64) string {
	switch {
	case n >= 1<<20 && n%(1<<20) == 0:
		return fmt.Sprintf("%d MiB", n>>20)
	case n >= 1<<10 && n%(1<<10) == 0:
		return fmt.Sprintf("%d KiB", n>>10)
	case n == 1:
		return "1 byte"
	}
	return fmt.Sprintf("%d bytes", n)
}

package netx

import (
	"fmt"
	"io"
	"math"
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

package httpdiag

import (
	"context"
	"fmt"
	"net/http"
)

// Deadline bounds a whole exchange (headers and body) by the client's timeout through the
// request's own context, so that CutOff can tell afterwards whether the deadline ended it.
func Deadline(ctx context.Context, c *http.Client) (context.Context, context.CancelFunc) {
	if c.Timeout <= 0 {
		return context.WithCancel(ctx)
	}
	return context.WithTimeout(ctx, c.Timeout)
}

// CutOff returns the body read's error, or, when the read reported success but the
// exchange's deadline had passed, a timeout error. An HTTP/2 stream reset at the deadline
// can end the body with a clean EOF, which would pass a server that hangs after its
// headers as a complete answer.
func CutOff(ctx context.Context, readErr error) error {
	if readErr == nil && ctx.Err() != nil {
		return fmt.Errorf("the body was cut off by the timeout: %w", ctx.Err())
	}
	return readErr
}

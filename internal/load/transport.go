package load

import (
	"context"
	"io"
	"net/http"
)

// bodyLimit caps what is read of each answer: load figures need the status and the time,
// not the page, and a misbehaving server must not fill memory.
const bodyLimit = 64 << 10

// boundTransport puts the run's context on every request, so Ctrl+C or an early stop
// cuts requests in flight at once (vegeta's requests carry no context of their own), and
// caps every answer's body.
type boundTransport struct {
	ctx  context.Context
	next http.RoundTripper
}

func (t boundTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	resp, err := t.next.RoundTrip(r.WithContext(t.ctx))
	if err != nil {
		return nil, err
	}
	resp.Body = limitedBody{io.LimitReader(resp.Body, bodyLimit), resp.Body}
	return resp, nil
}

type limitedBody struct {
	io.Reader
	c io.Closer
}

func (b limitedBody) Close() error { return b.c.Close() }

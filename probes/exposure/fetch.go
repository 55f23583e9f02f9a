package exposure

import (
	"context"
	"net/http"

	"github.com/launchready/launchready/probes/netx"
)

// userAgent says who is asking, so an operator reading access logs knows the requests for
// /.env are their own monitor's.
const userAgent = "launchready (exposure check; +https://github.com/launchready/launchready)"

// response is a bounded GET's answer.
type response struct {
	status    int
	header    http.Header
	body      []byte
	truncated bool
}

// get fetches u with at most limit bytes of body: a hostile or broken server cannot make a
// check buffer more than that.
func get(ctx context.Context, c *http.Client, u string, limit int) (*response, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
	if err != nil {
		return nil, err
	}
	req.Header.Set("User-Agent", userAgent)
	resp, err := c.Do(req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	body, truncated, err := netx.ReadLimited(resp.Body, int64(limit))
	if err != nil {
		return nil, err
	}
	return &response{status: resp.StatusCode, header: resp.Header, body: body, truncated: truncated}, nil
}

package lab

import (
	"net/http"
	"strings"
)

// notModified says whether a request is conditional on a validator the route's answer
// carries and still matches (If-None-Match against ETag, else If-Modified-Since against
// Last-Modified, compared as sent): a real web server then answers 304 with no body, and
// the lab's well-configured assets must too, or the Performance pane's revalidation check
// would find them wanting.
func notModified(req *http.Request, h http.Header) bool {
	if req.Method != http.MethodGet && req.Method != http.MethodHead {
		return false
	}
	if inm := req.Header.Get("If-None-Match"); inm != "" {
		etag := h.Get("ETag")
		if etag == "" {
			return false
		}
		for _, t := range strings.Split(inm, ",") {
			if t = strings.TrimSpace(t); t == "*" || strings.TrimPrefix(t, "W/") == strings.TrimPrefix(etag, "W/") {
				return true
			}
		}
		return false
	}
	ims, lm := req.Header.Get("If-Modified-Since"), h.Get("Last-Modified")
	return ims != "" && lm != "" && ims == lm
}

package tlscheck

import (
	"fmt"
	"strconv"
	"strings"
)

// parseHSTS reads a Strict-Transport-Security value as a browser does (RFC 6797 6.1):
// directives separated by ';', names case-insensitive, max-age required and made of
// digits (optionally quoted), any directive repeated makes the whole header void, and
// unknown directives are ignored. Only the first header counts; the caller passes it.
func parseHSTS(value string) HSTS {
	h := HSTS{Header: value}
	seen := map[string]bool{}
	hasMaxAge := false
	for _, part := range strings.Split(value, ";") {
		part = strings.TrimSpace(part)
		if part == "" {
			continue
		}
		name, val, hasVal := strings.Cut(part, "=")
		name = strings.ToLower(strings.TrimSpace(name))
		val = strings.TrimSpace(val)
		if seen[name] {
			h.Problem = fmt.Sprintf("the %s directive appears twice, so browsers ignore the whole header", name)
			return h
		}
		seen[name] = true
		switch name {
		case "max-age":
			if len(val) >= 2 && val[0] == '"' && val[len(val)-1] == '"' {
				val = val[1 : len(val)-1]
			}
			if !hasVal || val == "" || strings.TrimLeft(val, "0123456789") != "" {
				h.Problem = fmt.Sprintf("max-age %q is not a number of seconds, so browsers ignore the header", val)
				return h
			}
			n, err := strconv.ParseInt(val, 10, 64)
			if err != nil { // too many digits: as good as forever
				n = 1<<63 - 1
			}
			h.MaxAge, hasMaxAge = n, true
		case "includesubdomains":
			h.IncludeSubDomains = true
		case "preload":
			h.Preload = true
		}
	}
	if !hasMaxAge {
		h.Problem = "it has no max-age, so browsers ignore it"
		return h
	}
	h.Valid = true
	h.MaxAgeDays = int(min(h.MaxAge/86400, 1<<31-1))
	return h
}

// ageText writes an HSTS max-age the way the pane does: "1y", "180d", "5m".
func ageText(seconds int64) string {
	switch {
	case seconds <= 0:
		return "0"
	case seconds >= 365*86400 && seconds%(365*86400) < 86400:
		return fmt.Sprintf("%dy", seconds/(365*86400))
	case seconds >= 86400:
		return fmt.Sprintf("%dd", seconds/86400)
	case seconds >= 3600:
		return fmt.Sprintf("%dh", seconds/3600)
	case seconds >= 60:
		return fmt.Sprintf("%dm", seconds/60)
	}
	return fmt.Sprintf("%ds", seconds)
}

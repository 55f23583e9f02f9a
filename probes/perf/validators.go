package perf

import (
	"context"
	"fmt"
	"net/http"

	"github.com/launchready/launchready/probes"
)

// Validators let a browser or a CDN ask "has this changed?" once max-age runs out and get
// a 304 with no body, instead of the whole file again: on a returning member's visit, and
// at the edge each time its copy expires. An asset without one is downloaded in full
// every time; one with a validator that the server ignores (200 in full to a conditional
// request) is no better.

// validatorOf is how a response lets a cache revalidate it: "etag", "last-modified" or ""
// for neither (ETag is preferred, as browsers and CDNs do).
func validatorOf(h http.Header) string {
	switch {
	case h == nil:
		return ""
	case h.Get("ETag") != "":
		return "etag"
	case h.Get("Last-Modified") != "":
		return "last-modified"
	}
	return ""
}

// revalidate asks again, conditionally, for one asset of each kind that carries a
// validator, and records the answer's status in Conditional: at most one request per
// kind (script, style, font, image, other), so a page of forty assets costs five.
func revalidate(ctx context.Context, cl *http.Client, as []AssetDetail) {
	tried := map[string]bool{}
	for i := range as {
		a := &as[i]
		if a.Status != http.StatusOK || a.Validator == "" || tried[a.Kind] {
			continue
		}
		tried[a.Kind] = true
		etag, since := a.header.Get("ETag"), a.header.Get("Last-Modified")
		f := get(ctx, cl, a.URL, "*/*", "br, gzip", assetLimit, false, func(r *http.Request) {
			if etag != "" {
				r.Header.Set("If-None-Match", etag)
			} else {
				r.Header.Set("If-Modified-Since", since)
			}
		})
		a.Conditional = f.status
		a.ConditionalBytes = f.bytes
	}
}

// judgeValidators is the two validator findings: assets with none (the count), and
// validators the server does not honour.
func (c *pageCheck) judgeValidators(d *PageDetail) []tuned {
	var missing, ignored []AssetDetail
	var missingBytes, ignoredBytes int64
	for _, a := range d.Assets {
		switch {
		case a.Status != http.StatusOK:
		case a.Validator == "":
			missing = append(missing, a)
			missingBytes += a.Bytes
		case a.Conditional == http.StatusOK:
			ignored = append(ignored, a)
			ignoredBytes += a.Bytes
		}
	}
	var out []tuned
	if len(missing) > 0 {
		p95 := transferMs(float64(missingBytes))
		out = append(out, tuned{c.finding("perf.no-validators", probes.Low, probes.Support,
			fmt.Sprintf("%d of %d assets on %s have no ETag or Last-Modified", len(missing), len(d.Assets), pathOf(c.url)),
			fmt.Sprintf("%s: once their max-age runs out, a browser or the CDN cannot ask \"has it changed?\" and get a 304; it downloads the whole file again.", listAssets(missing, sizeWords)),
			fmt.Sprintf("%d assets, %s, without a validator", len(missing), kb(missingBytes)), "ETag or Last-Modified on every static asset",
			"Let the web server or the CDN send ETag (nginx: etag on, the default; most static hosts do) or Last-Modified for static files; check that the build does not strip them.",
			missing),
			TuningItem{P95SavedMs: p95 / 2, Effect: fmt.Sprintf("about %s less to download on a returning visit after expiry (a 304 instead of the file), p95 -%.0fms on a 10 Mbit/s connection", kb(missingBytes), p95/2)}})
	}
	if len(ignored) > 0 {
		p95 := transferMs(float64(ignoredBytes))
		out = append(out, tuned{c.finding("perf.validators-ignored", probes.Low, probes.Support,
			fmt.Sprintf("Conditional requests on %s get the whole file, not 304 (%d of %d asset kinds tried)", pathOf(c.url), len(ignored), conditionalTries(d.Assets)),
			fmt.Sprintf("%s: asked again with If-None-Match or If-Modified-Since, it answered 200 with the full body: its validator is there but nothing honours it, so every revalidation downloads the file.", listAssets(ignored, validatorWords)),
			fmt.Sprintf("%d conditional requests answered 200 in full", len(ignored)), "304 Not Modified to a conditional request for an unchanged asset",
			"Serve static files from a server or CDN that answers conditional requests (nginx and every major CDN do for files; an app framework serving assets itself may need its static-file middleware), and keep the ETag stable between servers behind the load balancer.",
			ignored),
			TuningItem{P95SavedMs: p95 / 2, Effect: fmt.Sprintf("revalidations answered with no body: about %s less per returning visit after expiry", kb(ignoredBytes))}})
	}
	return out
}

func conditionalTries(as []AssetDetail) int {
	n := 0
	for _, a := range as {
		if a.Conditional != 0 {
			n++
		}
	}
	return n
}

func validatorWords(a AssetDetail) string {
	return fmt.Sprintf("%s, %d to a conditional request", a.Validator, a.Conditional)
}

package secretscan

import (
	"context"
	"encoding/base64"
	"fmt"
	"strings"
	"testing"
)

// minifiedBundle is about n bytes of minified-looking JavaScript on one line, with a
// publishable key every 64 KB and one live secret key in the middle, as a leaking bundle has.
func minifiedBundle(n int) string {
	var b strings.Builder
	for i := 0; b.Len() < n; i++ {
		fmt.Fprintf(&b, `function a%d(e,t){var n=e.key||"k%d",r=t.apiKey?t.apiKey:n;return fetch("/api/v1/items/"+e.id,{method:"POST",headers:{"Content-Type":"application/json","X-Token":r},body:JSON.stringify({id:e.id,q:t.q})}).then(function(e){return e.json()})};`, i, i)
		if i%300 == 0 {
			fmt.Fprintf(&b, `var s%d=Stripe("%s");`, i, plantedStripePublic())
		}
		if b.Len() > n/2 && b.Len() < n/2+400 {
			fmt.Fprintf(&b, `var x="%s";`, plantedStripeSecret())
		}
	}
	return b.String()
}

// BenchmarkScanText5MB is the bundle check's cost per bundle: the target is under 1 s for
// 5 MB of minified JavaScript on 2 cores. cpu-ms/op is the CPU the scan used (both cores
// together), which a loaded machine does not inflate the way it does wall time.
func BenchmarkScanText5MB(b *testing.B) {
	benchScanText(b, minifiedBundle(5<<20))
}

// BenchmarkScanText5MBBase64 is the worst case for decoding: base64 that decodes to text
// (an inline SVG) in every function, so every piece of the bundle gets gitleaks' decoding
// passes and its generic rule.
func BenchmarkScanText5MBBase64(b *testing.B) {
	svg := base64.StdEncoding.EncodeToString([]byte(`<svg xmlns="http://www.w3.org/2000/svg"/>`))
	benchScanText(b, strings.ReplaceAll(minifiedBundle(5<<20), `"Content-Type"`, `"data:image/svg+xml;base64,`+svg+`"`))
}

func benchScanText(b *testing.B, text string) {
	s, err := New()
	if err != nil {
		b.Fatal(err)
	}
	b.SetBytes(int64(len(text)))
	cpu := cpuTime()
	b.ResetTimer()
	for b.Loop() {
		if fs := s.ScanText(context.Background(), "app.js", text); len(fs) == 0 {
			b.Fatal("the planted key was not found")
		}
	}
	b.ReportMetric(float64((cpuTime()-cpu).Milliseconds())/float64(b.N), "cpu-ms/op")
}

package secretscan

import (
	"context"
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
// 5 MB of minified JavaScript on 2 cores.
func BenchmarkScanText5MB(b *testing.B) {
	s, err := New()
	if err != nil {
		b.Fatal(err)
	}
	text := minifiedBundle(5 << 20)
	b.SetBytes(int64(len(text)))
	b.ResetTimer()
	for b.Loop() {
		if fs := s.ScanText(context.Background(), "app.js", text); len(fs) == 0 {
			b.Fatal("the planted key was not found")
		}
	}
}

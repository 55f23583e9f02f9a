package errlog

import (
	"bytes"
	"fmt"
	"math/rand/v2"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/launchready/launchready/internal/redact"
)

// mixedLog is a realistic launch-week log of n entries: mostly JSON request logs, some
// logfmt and plain text, warnings, errors with request ids, e-mail addresses and the odd
// token, and multi-line traces (Python, Go, Java, Node). About 10% of entries are errors.
// It returns the text and its number of lines.
func mixedLog(n int, seed uint64) ([]byte, int) {
	r := rand.New(rand.NewPCG(seed, 7))
	var b bytes.Buffer
	lines := 0
	paths := []string{"/", "/login", "/members/feed", "/api/v1/posts", "/webhooks/stripe", "/healthz", "/signup"}
	for i := range n {
		ts := time.Date(2026, 11, 28, 2, 0, 0, 0, time.UTC).Add(time.Duration(i) * 7 * time.Millisecond).Format(time.RFC3339Nano)
		p := paths[r.IntN(len(paths))]
		switch k := r.IntN(100); {
		case k < 45:
			fmt.Fprintf(&b, `{"time":"%s","level":"INFO","msg":"request","method":"GET","path":"%s","status":200,"duration_ms":%d,"request_id":"req_%06x"}`+"\n", ts, p, r.IntN(300), r.IntN(1<<24))
		case k < 58:
			fmt.Fprintf(&b, "time=%s level=debug msg=\"cache lookup\" key=member:%d hit=%t dur=%dus\n", ts, r.IntN(5000), r.IntN(2) == 0, r.IntN(900))
		case k < 70:
			fmt.Fprintf(&b, "%s INFO [web] %s rendered in %dms for member %d\n", ts, p, r.IntN(200), r.IntN(5000))
		case k < 80:
			fmt.Fprintf(&b, `{"time":"%s","level":"WARN","msg":"slow query","query":"SELECT * FROM posts WHERE member_id = $1","duration_ms":%d}`+"\n", ts, 1000+r.IntN(3000))
		case k < 85:
			fmt.Fprintf(&b, `{"time":"%s","level":"ERROR","msg":"login failed: user lookup","email":"member%d@example.com","error":"pq: too many connections for role \"acme\"","request_id":"req_%06x"}`+"\n", ts, r.IntN(5000), r.IntN(1<<24))
		case k < 88:
			fmt.Fprintf(&b, "time=%s level=error msg=\"stripe webhook rejected\" err=\"signature mismatch\" event=evt_%x token=tok_%x\n", ts, r.Uint64(), r.Uint64())
		case k < 91:
			fmt.Fprintf(&b, "%s ERROR [worker] upstream GET https://api.example.com/v1/members/%d?api_key=%x failed: timeout after %ds\n", ts, r.IntN(5000), r.Uint64(), 1+r.IntN(30))
		case k < 93:
			fmt.Fprintf(&b, "%s ERROR [worker] send_welcome_email failed\nTraceback (most recent call last):\n  File \"/app/worker/tasks.py\", line 57, in send_welcome_email\n    smtp.send_message(msg)\n  File \"/usr/lib/python3.12/smtplib.py\", line 986, in send_message\n    return self.sendmail(from_addr, to_addrs, flatmsg)\nsmtplib.SMTPServerDisconnected: Connection unexpectedly closed\n", ts)
			lines += 6
		case k < 95:
			fmt.Fprintf(&b, "%s http: panic serving 10.0.%d.%d:%d: runtime error: invalid memory address or nil pointer dereference\ngoroutine %d [running]:\nnet/http.(*conn).serve.func1()\n\t/usr/local/go/src/net/http/server.go:1947 +0xbe\ngithub.com/acme/community/internal/members.(*Handler).Feed(0xc0001a2000)\n\t/app/internal/members/feed.go:88 +0x1c4\n", ts, r.IntN(255), r.IntN(255), 1024+r.IntN(60000), r.IntN(100000))
			lines += 5
		case k < 97:
			fmt.Fprintf(&b, "%s ERROR 1 --- [nio-8080-exec-%d] c.a.b.WebhookController : Servlet.service() threw exception\njava.lang.IllegalStateException: Subscription not found: sub_%x\n\tat com.acme.billing.SubscriptionService.find(SubscriptionService.java:42)\n\tat com.acme.billing.WebhookController.handle(WebhookController.java:77)\n\tat java.base/java.lang.Thread.run(Thread.java:1583)\n", ts, r.IntN(20), r.Uint64())
			lines += 4
		default:
			fmt.Fprintf(&b, `{"level":50,"time":%d,"msg":"request failed","err":{"type":"TypeError","message":"Cannot read properties of undefined (reading 'id')","stack":"TypeError: Cannot read properties of undefined (reading 'id')\n    at getMember (/app/src/members.js:12:20)\n    at /app/src/routes.js:40:5"}}`+"\n", 1764295277000+i)
		}
		lines++
	}
	return b.Bytes(), lines
}

func benchPipeline(b *testing.B, log []byte, lines int) {
	red, err := redact.New(redact.Options{Values: []string{"lr-known-config-secret-77c1"}})
	if err != nil {
		b.Fatal(err)
	}
	p, st := testPipeline(b, red)
	b.SetBytes(int64(len(log)))
	b.ReportAllocs()
	b.ResetTimer()
	cpu := cpuTime()
	for b.Loop() {
		p.feed(log)
		p.flush(true)
	}
	b.ReportMetric(float64(lines)*float64(b.N)/b.Elapsed().Seconds(), "lines/s")
	// CPU time as well as wall time: on a shared machine the wall clock also counts the
	// time other processes held the core.
	if used := cpuTime() - cpu; used > 0 {
		b.ReportMetric(float64(lines)*float64(b.N)/used.Seconds(), "lines/cpu-s")
	}
	if st.errors.Load() == 0 {
		b.Fatal("no errors kept: the benchmark measures nothing")
	}
}

// BenchmarkPipeline is the errors pane's throughput: parse, redact and fingerprint (and
// join, count, group) a realistic mixed log. Target: 250,000 lines/s on one core
// (go test -run x -bench Pipeline -cpu 1 ./probes/errlog).
func BenchmarkPipeline(b *testing.B) {
	log, lines := mixedLog(20000, 1)
	benchPipeline(b, log, lines)
}

// BenchmarkPipelineErrorsOnly is the worst case: every entry an error, so every entry is
// decoded, redacted, fingerprinted and stored.
func BenchmarkPipelineErrorsOnly(b *testing.B) {
	log, _ := mixedLog(40000, 2)
	var keep bytes.Buffer
	lines := 0
	for _, l := range strings.SplitAfter(string(log), "\n") {
		if strings.Contains(l, "ERROR") || strings.Contains(l, "level=error") || strings.Contains(l, `"level":50`) {
			keep.WriteString(l)
			lines++
		}
	}
	benchPipeline(b, keep.Bytes(), lines)
}

// BenchmarkStream10M streams ten million lines through one source's pipeline, a fifth of
// them errors of ever-new kinds (so groups are evicted all along), and reports the peak
// heap: memory must stay bounded by the caps, not grow with the stream. It takes about
// half a minute; run it on its own:
//
//	go test -run x -bench Stream10M -benchtime 1x ./probes/errlog
func BenchmarkStream10M(b *testing.B) {
	const total = 10_000_000
	const chunkLines = 10_000
	red, err := redact.New(redact.Options{})
	if err != nil {
		b.Fatal(err)
	}
	levels, _ := parseLevelSet(defaultLevels)
	c := caps{groups: defaultGroups, sampleBytes: defaultSampleBytes, lineBytes: defaultLineBytes, eventLines: defaultEventLines}
	var peak, at1M uint64
	var ms runtime.MemStats
	for b.Loop() {
		st := newStore(c.groups)
		p := newPipeline("app", st, red, levels, c, time.Now)
		runtime.GC()
		var buf bytes.Buffer
		for sent := 0; sent < total; sent += chunkLines {
			b.StopTimer()
			buf.Reset()
			for i := range chunkLines {
				n := sent + i
				if n%5 == 0 {
					// a new kind of error every time: letters, not digits, so no normalising merges them
					fmt.Fprintf(&buf, `{"level":"error","msg":"shard %s failed","email":"m%d@example.com","request_id":"req_%d"}`+"\n", letters(n), n, n)
				} else {
					fmt.Fprintf(&buf, `{"level":"info","msg":"request","path":"/members/feed","status":200,"request_id":"req_%d"}`+"\n", n)
				}
			}
			b.StartTimer()
			p.feed(buf.Bytes())
			if sent%100_000 == 0 {
				runtime.ReadMemStats(&ms)
				peak = max(peak, ms.HeapInuse)
				if sent == 1_000_000 {
					at1M = ms.HeapInuse
				}
			}
		}
		p.flush(true)
		runtime.ReadMemStats(&ms)
		peak = max(peak, ms.HeapInuse)
		if st.lines.Load() != total || st.evicted < int64(total/5-c.groups) {
			b.Fatalf("lines %d, evicted %d", st.lines.Load(), st.evicted)
		}
	}
	b.ReportMetric(float64(peak)/(1<<20), "peak-heap-MB")
	b.ReportMetric(float64(at1M)/(1<<20), "heap-at-1M-MB")
	b.ReportMetric(float64(total)*float64(b.N)/b.Elapsed().Seconds(), "lines/s")
}

func letters(n int) string {
	var b [16]byte
	i := len(b)
	for {
		i--
		b[i] = byte('a' + n%26)
		n /= 26
		if n == 0 {
			return string(b[i:])
		}
	}
}

// BenchmarkFingerprint is the fingerprint alone, over the error messages of mixedLog and
// messages that carry ids of every shape (the work isID adds).
func BenchmarkFingerprint(b *testing.B) {
	msgs := []string{
		"login failed: user lookup", "pq: too many connections for role \"acme\"",
		"stripe webhook rejected signature mismatch event=evt_1a2b3c4d5e6f7a8b token=[REDACTED]",
		"upstream GET https://api.example.com/v1/members/4312?api_key=[REDACTED] failed: timeout after 12s",
		"java.lang.IllegalStateException: Subscription not found: sub_9f8e7d6c5b4a3f2e",
		"Cannot read properties of undefined (reading 'id')",
		"payment webhook failed for customer cus_NffrFeUfNVaHib: signature mismatch",
		"order 550e8400-e29b-41d4-a716-446655440000 of user_2NNEqL2nrIRdJ194ndJqAHwEfxC not found",
		"NullPointerException in PaymentIntentCreationFailedHandler.getUserById for V1StGXR8_Z5jdHi6B-myT",
	}
	var norm []byte
	b.ReportAllocs()
	for b.Loop() {
		for _, m := range msgs {
			_, norm = fingerprint(m, "connection pool exhausted after 30s", "", norm)
		}
	}
}

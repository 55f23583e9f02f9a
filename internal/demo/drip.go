// Package demo keeps `launchready demo` alive: while the console watches the built-in
// lab, it appends to the lab's application log the way a launch going wrong does, so the
// errors pane (and anyone tailing the log) sees errors arrive over time, not only the
// scenario's initial burst.
package demo

import (
	"context"
	"fmt"
	"time"

	"github.com/launchready/launchready/probes/lab"
)

// Drip appends one entry of entries to the lab's log every interval, cycling, each
// stamped with now(), until ctx ends. Errors from the log are returned to the caller's
// logger through report; the demo never stops for them.
func Drip(ctx context.Context, l *lab.Lab, every time.Duration, now func() time.Time, report func(error)) {
	t := time.NewTicker(every)
	defer t.Stop()
	for i := 0; ; i++ {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
		at := now().UTC()
		if err := l.AppendLog(Entry(i, at)); err != nil && report != nil {
			report(err)
		}
	}
}

// Entry is the i-th entry of the demo's log, cycling through a launch week's trouble:
// the database pool running dry, a Stripe webhook rejected, a worker traceback, and the
// ordinary requests between them. Values the errors pane must redact (an e-mail
// address, a token) appear as real logs have them.
func Entry(i int, at time.Time) string {
	ts := at.Format(time.RFC3339)
	rid := fmt.Sprintf("req_%06x", (i*7919+0x3a1f)%0xffffff)
	switch i % 6 {
	case 0:
		return fmt.Sprintf(`{"time":%q,"level":"ERROR","msg":"login failed: user lookup","email":"member%d@acme.example","error":"pq: too many connections for role \"acme\"","request_id":%q}`, ts, i, rid)
	case 1:
		return fmt.Sprintf(`{"time":%q,"level":"INFO","msg":"request","method":"GET","path":"/","status":200,"duration_ms":%d}`, ts, 9+i%17)
	case 2:
		return fmt.Sprintf(`{"time":%q,"level":"ERROR","msg":"stripe webhook rejected","error":"signature mismatch","endpoint":"/webhooks/stripe","token":"lab-fake-token-%04x","request_id":%q}`, ts, i*31%0xffff, rid)
	case 3:
		return fmt.Sprintf(`{"time":%q,"level":"ERROR","msg":"health check failed","check":"db","error":"connection pool exhausted after 30s","request_id":%q}`, ts, rid)
	case 4:
		return fmt.Sprintf(`[%s] ERROR in worker: send_welcome_email failed
Traceback (most recent call last):
  File "/app/worker/tasks.py", line 57, in send_welcome_email
    smtp.send_message(msg)
  File "/usr/lib/python3.12/smtplib.py", line 986, in send_message
    return self.sendmail(from_addr, to_addrs, flatmsg, mail_options, rcpt_options)
smtplib.SMTPServerDisconnected: Connection unexpectedly closed`, at.Format("2006-01-02 15:04:05,000"))
	}
	return fmt.Sprintf(`{"time":%q,"level":"WARN","msg":"slow query","query":"SELECT * FROM posts WHERE member_id = $1","duration_ms":%d}`, ts, 1500+i%700)
}

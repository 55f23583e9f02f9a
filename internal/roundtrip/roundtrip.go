// Package roundtrip proves that mail arrives (`launchready email roundtrip`): it sends the
// test message to each configured test inbox, waits for it there over IMAP (IDLE where the
// server offers it, polling otherwise, always bounded), and judges it as received: the
// folder it landed in, the delay, what the provider concluded in its own
// Authentication-Results, and our own verdict from the same bytes (mailauth's verify),
// with every disagreement shown. It is wiring: it puts mailsend, mailauth and an IMAP
// client together.
package roundtrip

import (
	"context"
	"crypto/tls"
	"fmt"
	"net"
	"strings"
	"sync"
	"time"

	"github.com/launchready/launchready/internal/mailsend"
	"github.com/launchready/launchready/probes/mailauth"
)

// Options is one round trip.
type Options struct {
	Inboxes []mailauth.Inbox
	// Password returns an inbox's resolved password; it is only handed to LOGIN.
	Password func(mailauth.Inbox) string
	// Send sends the test message to one address (mailsend.Send with the config's SMTP).
	Send func(ctx context.Context, to string) (*mailsend.Attempt, error)
	// Resolver is the DNS our own verdict uses (netx's).
	Resolver mailauth.Resolver
	// Dial connects (netx's DialContext, which honours network.connect_to).
	Dial func(ctx context.Context, network, addr string) (net.Conn, error)
	// TLSConfig returns the client TLS configuration for a server name (netx's).
	TLSConfig func(serverName string) *tls.Config
	// Wait bounds the wait for the message in each inbox.
	Wait time.Duration
	// Keep leaves the message in the inbox.
	Keep bool
	// CommandTimeout bounds each IMAP exchange (default 30s).
	CommandTimeout time.Duration
	// Secrets are removed from every error text, whatever a server echoed.
	Secrets []string
	Now     func() time.Time
}

// Report is a whole round trip, as printed and recorded.
type Report struct {
	Started  time.Time `json:"started"`
	Finished time.Time `json:"finished"`
	// WaitSeconds is the bound each inbox was waited for.
	WaitSeconds float64 `json:"wait_seconds"`
	// Trigger names the app's mail the round trip was of (reset, invite, signup,
	// receipt); empty for the test message.
	Trigger string   `json:"trigger,omitempty"`
	Inboxes []Result `json:"inboxes"`
}

// Result is one inbox's round trip.
type Result struct {
	Inbox   string `json:"inbox"`
	Address string `json:"address"`
	Token   string `json:"token,omitempty"`
	// Trigger is the app's mail this is (reset, invite, ...); Subject is its subject as
	// received; Links are its links as judged.
	Trigger string `json:"trigger,omitempty"`
	Subject string `json:"subject,omitempty"`
	Links   []Link `json:"links,omitempty"`
	// Status is inbox (delivered there), spam (delivered to a spam folder), missing (not
	// there within the wait) or error (the round trip could not be made: see Error).
	Status string `json:"status"`
	// Folder is the IMAP folder it was found in.
	Folder string `json:"folder,omitempty"`
	// DelaySeconds is from the server accepting the message to the inbox's own arrival
	// time (INTERNALDATE, 1 s resolution), or to when we saw it when that is not usable.
	DelaySeconds float64 `json:"delay_seconds,omitempty"`
	// Looked lists the folders searched.
	Looked   []string  `json:"looked,omitempty"`
	Receiver *Receiver `json:"receiver,omitempty"`
	Ours     []Auth    `json:"ours,omitempty"`
	// DMARCPass is our verdict: the message is authenticated and aligned.
	DMARCPass     bool     `json:"dmarc_pass"`
	Disagreements []string `json:"disagreements,omitempty"`
	Deleted       bool     `json:"deleted"`
	Notes         []string `json:"notes,omitempty"`
	Error         string   `json:"error,omitempty"`
}

// Statuses of a Result.
const (
	StatusInbox   = "inbox"
	StatusSpam    = "spam"
	StatusMissing = "missing"
	StatusError   = "error"
)

// OK is an inbox whose round trip found nothing wrong: in the inbox, DMARC passing, the
// receiver agreeing, and (for the app's own mail) every link sound.
func (r Result) OK() bool {
	return r.Status == StatusInbox && r.DMARCPass && len(r.Disagreements) == 0 && receiverPasses(r.Receiver) && linksOK(r.Links)
}

// receiverPasses: the provider's own DMARC verdict, when it wrote one, is pass.
func receiverPasses(r *Receiver) bool {
	if r == nil {
		return true
	}
	for _, a := range r.Results {
		if a.Method == "dmarc" && a.Result != "pass" {
			return false
		}
	}
	return true
}

// Run makes the round trip for every inbox at once. Each inbox is logged into before
// anything is sent to it, so a wrong password costs no message.
func Run(ctx context.Context, o Options) *Report {
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.CommandTimeout <= 0 {
		o.CommandTimeout = 30 * time.Second
	}
	if o.Wait <= 0 {
		o.Wait = mailauth.DefaultRoundtripWait
	}
	rep := &Report{Started: o.Now(), WaitSeconds: o.Wait.Seconds(), Inboxes: make([]Result, len(o.Inboxes))}
	var (
		wg     sync.WaitGroup
		sendMu sync.Mutex // mailsend's record is one file: one send at a time
	)
	for i, in := range o.Inboxes {
		wg.Add(1)
		go func() {
			defer wg.Done()
			rep.Inboxes[i] = o.one(ctx, in, &sendMu)
		}()
	}
	wg.Wait()
	rep.Finished = o.Now()
	return rep
}

func (o *Options) one(ctx context.Context, in mailauth.Inbox, sendMu *sync.Mutex) Result {
	res := Result{Inbox: in.Name, Address: in.Address}
	fail := func(err error) Result {
		res.Status, res.Error = StatusError, o.redact(err.Error())
		return res
	}
	// The connection lives for the wait plus time to fetch, judge and delete.
	connCtx, cancel := context.WithTimeout(ctx, o.Wait+2*o.CommandTimeout+30*time.Second)
	defer cancel()
	m, err := open(connCtx, in, o.Password(in), o)
	if err != nil {
		return fail(err)
	}
	defer m.close()
	spam, missing, err := m.folders()
	if err != nil {
		return fail(err)
	}
	if len(spam) == 0 {
		res.Notes = append(res.Notes, fmt.Sprintf("none of the spam folders (%s) exists at %s and no folder is marked \\Junk: mail filed as spam cannot be seen; set spam_folders to the folder's name", strings.Join(missing, ", "), in.Addr()))
	}
	res.Looked = append([]string{"INBOX"}, spam...)

	sendMu.Lock()
	a, err := o.Send(ctx, in.Address)
	sendMu.Unlock()
	if a != nil {
		res.Token = a.Token
	}
	if err != nil {
		return fail(fmt.Errorf("the test message to %s was not sent: %w", in.Address, err))
	}
	sent := a.Finished
	if sent.IsZero() {
		sent = a.Started
	}

	waitCtx, cancelWait := context.WithTimeout(connCtx, o.Wait)
	defer cancelWait()
	waitStart := time.Now()
	f, err := m.waitFor(waitCtx, res.Looked, func(folder string) (*found, error) { return m.search(folder, a.Token) }, min(idleSlice, o.CommandTimeout/2))
	switch {
	case (err != nil || f == nil) && ctx.Err() != nil:
		// The caller's deadline ended the wait (closing the connection may surface first
		// as a read error): not a missing mail, nor a broken server.
		return fail(deadlineNote(time.Since(waitStart), o.Wait))
	case err != nil:
		return fail(err)
	case f == nil:
		res.Status = StatusMissing
		return res
	}
	seen := o.Now()
	res.Folder = f.folder
	res.Status = StatusInbox
	if !strings.EqualFold(f.folder, "INBOX") {
		res.Status = StatusSpam
	}
	res.DelaySeconds = delay(sent, f.internal, seen).Seconds()
	o.judge(connCtx, &res, f.raw)
	if !o.Keep {
		if err := m.remove(f); err != nil {
			res.Notes = append(res.Notes, o.redact(fmt.Sprintf("the test message could not be deleted from %q: %v; delete it by hand", f.folder, err)))
		} else {
			res.Deleted = true
		}
	}
	return res
}

// waitFor searches INBOX and the spam folders with look until it finds the message or ctx
// ends, waiting between passes in IDLE (or a plain pause where IDLE is not offered). The
// nil found with a nil error is "not there in time".
func (m *mailbox) waitFor(ctx context.Context, folders []string, look func(folder string) (*found, error), slice time.Duration) (*found, error) {
	for {
		for _, folder := range folders {
			f, err := look(folder)
			if err != nil {
				if ctx.Err() != nil {
					return nil, nil
				}
				return nil, err
			}
			if f != nil {
				return f, nil
			}
		}
		if err := m.idleFor(ctx, slice); err != nil {
			if ctx.Err() != nil {
				return nil, nil
			}
			return nil, err
		}
	}
}

// judge adds the receiver's view, ours, and where they differ.
func (o *Options) judge(ctx context.Context, res *Result, raw []byte) {
	vctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	v, err := mailauth.VerifyMessage(vctx, o.Resolver, raw, mailauth.VerifyOptions{})
	if err != nil {
		res.Notes = append(res.Notes, "the message as received could not be judged: "+err.Error())
		return
	}
	res.Receiver = receiverView(raw)
	if res.Receiver == nil {
		res.Notes = append(res.Notes, "the inbox's provider wrote no Authentication-Results header: only our own verdict is shown")
	}
	res.Ours = ours(v)
	res.DMARCPass = v.Pass()
	res.Disagreements = disagreements(res.Receiver, v)
	res.Notes = append(res.Notes, v.Notes...)
}

// delay is from sending to arrival: the inbox's INTERNALDATE when it is plausible (our
// clock and the provider's may differ by a little), else when we saw it.
func delay(sent, internal, seen time.Time) time.Duration {
	if !internal.IsZero() && !internal.Before(sent.Add(-5*time.Second)) && !internal.After(seen.Add(5*time.Second)) {
		return max(0, internal.Sub(sent.Truncate(time.Second)))
	}
	return max(0, seen.Sub(sent))
}

func (o *Options) redact(s string) string {
	for _, sec := range o.Secrets {
		if sec != "" {
			s = strings.ReplaceAll(s, sec, "[redacted]")
		}
	}
	return s
}

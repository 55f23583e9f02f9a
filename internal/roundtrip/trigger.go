package roundtrip

import (
	"context"
	"fmt"
	"net/textproto"
	"net/url"
	"strings"
	"time"

	"github.com/launchready/launchready/probes/mailauth"
)

// TriggerOptions is the round trip of one of the app's own membership mails: the console
// makes the request that makes the app send it (a password reset, an invite, a sign-up, a
// test-mode receipt) and judges the mail in the test user's inbox, links included.
type TriggerOptions struct {
	// Options carries the inbox access and judging: Inboxes is the test user's inbox;
	// Send is not used (the app sends).
	Options
	Trigger mailauth.Trigger
	// Fire makes the app send the mail (the trigger's endpoint check). An error is the
	// app not taking the request: nothing is waited for then.
	Fire func(ctx context.Context) error
	// Canonical is canonical_url: where every link in the mail must point.
	Canonical *url.URL
	// Open makes one GET of a link, following no redirect.
	Open func(ctx context.Context, link string) (status int, location string, err error)
}

// RunTrigger makes the trigger's round trip. The inbox is logged into and its folders'
// next UIDs noted before the request, so a wrong password costs no mail and an older mail
// with the same subject is never taken for this one.
func RunTrigger(ctx context.Context, o TriggerOptions) *Report {
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.CommandTimeout <= 0 {
		o.CommandTimeout = 30 * time.Second
	}
	if o.Wait = o.Trigger.Wait; o.Wait <= 0 {
		o.Wait = mailauth.DefaultRoundtripWait
	}
	rep := &Report{Started: o.Now(), WaitSeconds: o.Wait.Seconds(), Trigger: o.Trigger.Name}
	for _, in := range o.Inboxes {
		rep.Inboxes = append(rep.Inboxes, o.oneTrigger(ctx, in))
	}
	rep.Finished = o.Now()
	return rep
}

func (o *TriggerOptions) oneTrigger(ctx context.Context, in mailauth.Inbox) Result {
	res := Result{Inbox: in.Name, Address: in.Address, Trigger: o.Trigger.Name}
	fail := func(err error) Result {
		res.Status, res.Error = StatusError, o.redact(err.Error())
		return res
	}
	connCtx, cancel := context.WithTimeout(ctx, o.Wait+2*o.CommandTimeout+30*time.Second)
	defer cancel()
	m, err := open(connCtx, in, o.Password(in), &o.Options)
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
	next := map[string]uint32{}
	for _, f := range res.Looked {
		if next[f], err = m.uidNext(f); err != nil {
			return fail(err)
		}
	}

	sent := o.Now()
	if err := o.Fire(ctx); err != nil {
		return fail(fmt.Errorf("the app did not take the %s request, so no mail was waited for: %w", o.Trigger.Name, err))
	}
	header := textproto.MIMEHeader{"Subject": {o.Trigger.Subject}}
	if o.Trigger.From != "" {
		header.Set("From", o.Trigger.From)
	}
	waitCtx, cancelWait := context.WithTimeout(connCtx, o.Wait)
	defer cancelWait()
	waitStart := time.Now()
	f, err := m.waitFor(waitCtx, res.Looked, func(folder string) (*found, error) {
		return m.searchHeaders(folder, header, next[folder])
	}, min(idleSlice, o.CommandTimeout/2))
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
	res.Folder, res.Status = f.folder, StatusInbox
	if !strings.EqualFold(f.folder, "INBOX") {
		res.Status = StatusSpam
	}
	res.Subject = clip(topHeader(f.raw, "Subject"), 120)
	res.DelaySeconds = delay(sent, f.internal, seen).Seconds()
	o.judge(connCtx, &res, f.raw)
	if o.Canonical != nil {
		res.Links = linkCheck{canonical: o.Canonical, open: o.Open}.judgeLinks(connCtx, f.raw)
		if len(res.Links) == 0 && o.Trigger.Name != "receipt" {
			res.Notes = append(res.Notes, fmt.Sprintf("the %s mail has no link: members have nothing to click", o.Trigger.Name))
		}
	}
	if !o.Keep {
		if err := m.remove(f); err != nil {
			res.Notes = append(res.Notes, o.redact(fmt.Sprintf("the mail could not be deleted from %q: %v; delete it by hand", f.folder, err)))
		} else {
			res.Deleted = true
		}
	}
	return res
}

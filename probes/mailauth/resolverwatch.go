package mailauth

import (
	"context"
	"net"
	"sync"

	"github.com/launchready/launchready/probes/netx"
)

// resolverWatch passes an SPF evaluation's lookups to the resolver and keeps the first
// one that failed because the resolver answered garbage (netx.IsGarbage). The walk and
// the reference evaluator turn every failed lookup into temperror, which is right for a
// name whose DNS is failing but wrong for our own resolver sending garbage: that says
// nothing about the domain, so the check could not run.
type resolverWatch struct {
	Resolver
	mu  sync.Mutex
	err error
}

// broken is the first garbage lookup's error, or nil.
func (w *resolverWatch) broken() error {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.err
}

func (w *resolverWatch) note(err error) {
	if err == nil || !netx.IsGarbage(err) {
		return
	}
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.err == nil {
		w.err = err
	}
}

func (w *resolverWatch) LookupTXT(ctx context.Context, name string) ([]string, error) {
	out, err := w.Resolver.LookupTXT(ctx, name)
	w.note(err)
	return out, err
}

func (w *resolverWatch) LookupMX(ctx context.Context, name string) ([]*net.MX, error) {
	out, err := w.Resolver.LookupMX(ctx, name)
	w.note(err)
	return out, err
}

func (w *resolverWatch) LookupIPAddr(ctx context.Context, host string) ([]net.IPAddr, error) {
	out, err := w.Resolver.LookupIPAddr(ctx, host)
	w.note(err)
	return out, err
}

func (w *resolverWatch) LookupAddr(ctx context.Context, addr string) ([]string, error) {
	out, err := w.Resolver.LookupAddr(ctx, addr)
	w.note(err)
	return out, err
}

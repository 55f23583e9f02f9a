package netx

import (
	"context"
	"errors"
	"io"
	"net"
	"strings"
	"syscall"
	"testing"
	"time"
)

// echoServer accepts on 127.0.0.1 and greets each connection.
func echoServer(t testing.TB) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ln.Close() })
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			_, _ = io.WriteString(c, "hello\n")
			c.Close()
		}
	}()
	return ln.Addr().String()
}

func TestDialContext(t *testing.T) {
	t.Parallel()
	lab := startLab(t)
	srv := echoServer(t)
	_, port, _ := net.SplitHostPort(srv)
	n := newNet(t, Config{
		Resolvers: []string{lab},
		ConnectTo: map[string]string{"app.acme.example:443": srv},
	})
	tests := []struct {
		desc, addr string
	}{
		{"connect_to override", "app.acme.example:443"},
		{"connect_to, spelled differently", "APP.acme.example.:443"},
		{"resolved through the configured resolver", "svc.acme.example:" + port},
		{"literal IP", srv},
		{"localhost", "localhost:" + port},
	}
	for _, tt := range tests {
		t.Run(tt.desc, func(t *testing.T) {
			t.Parallel()
			c, err := n.DialContext(bounded(t), "tcp", tt.addr)
			if err != nil {
				t.Fatal(err)
			}
			defer c.Close()
			got, _ := io.ReadAll(c)
			if string(got) != "hello\n" {
				t.Errorf("read %q, want the test server's greeting", got)
			}
		})
	}
}

func TestDialErrors(t *testing.T) {
	t.Parallel()
	lab := startLab(t)
	dead := deadTCP(t)
	_, deadPort, _ := net.SplitHostPort(dead)
	n := newNet(t, Config{
		Resolvers:   []string{lab},
		ConnectTo:   map[string]string{"app.acme.example:443": dead},
		DialTimeout: time.Second,
	})
	tests := []struct {
		desc, addr string
		is         error
		says       []string
	}{
		{"connect_to target refuses", "app.acme.example:443", syscall.ECONNREFUSED,
			[]string{"cannot connect to app.acme.example:443 (sent to " + dead + " by network.connect_to)", "connection refused", "Check network.connect_to"}},
		{"resolved address refuses", "svc.acme.example:" + deadPort, syscall.ECONNREFUSED,
			[]string{"cannot connect to svc.acme.example:" + deadPort + " at 127.0.0.1:" + deadPort, "is the service running"}},
		{"name does not exist", "nope.acme.example:443", ErrNXDOMAIN,
			[]string{"cannot connect to nope.acme.example:443", "NXDOMAIN"}},
		{"name has only IPv6, dialing tcp4", "only6.acme.example:443", nil,
			[]string{"has no address usable over tcp4"}},
		{"no port", "app.acme.example", nil,
			[]string{`cannot connect to "app.acme.example"`, "not host:port"}},
	}
	for _, tt := range tests {
		t.Run(tt.desc, func(t *testing.T) {
			t.Parallel()
			network := "tcp"
			if strings.Contains(tt.desc, "tcp4") {
				network = "tcp4"
			}
			c, err := n.DialContext(bounded(t), network, tt.addr)
			if err == nil {
				c.Close()
			}
			mustContain(t, err, tt.says...)
			if tt.is != nil && !errors.Is(err, tt.is) {
				t.Errorf("%v is not %v", err, tt.is)
			}
			t.Log(err)
		})
	}
}

// A cancelled context ends the dial at once, even while resolving.
func TestDialCancelled(t *testing.T) {
	t.Parallel()
	silent := startUDP(t, func([]byte) []byte { return nil })
	n := newNet(t, Config{Resolvers: []string{silent}, DNSTimeout: time.Minute, DialTimeout: time.Minute})
	ctx, cancel := context.WithCancel(context.Background())
	time.AfterFunc(50*time.Millisecond, cancel)
	start := time.Now()
	_, err := n.DialContext(ctx, "tcp", "app.acme.example:443")
	if !errors.Is(err, context.Canceled) {
		t.Errorf("%v is not context.Canceled", err)
	}
	if took := time.Since(start); took > 2*time.Second {
		t.Errorf("cancel took %s", took)
	}
}

// DialTimeout bounds resolving too: a silent resolver cannot stall a dial.
func TestDialTimeoutCoversResolving(t *testing.T) {
	t.Parallel()
	silent := startUDP(t, func([]byte) []byte { return nil })
	n := newNet(t, Config{Resolvers: []string{silent}, DNSTimeout: time.Minute, DialTimeout: 200 * time.Millisecond})
	start := time.Now()
	_, err := n.DialContext(context.Background(), "tcp", "app.acme.example:443")
	if !errors.Is(err, ErrDNSTimeout) {
		t.Errorf("%v is not ErrDNSTimeout", err)
	}
	if took := time.Since(start); took > time.Second {
		t.Errorf("dial took %s with a 200ms DialTimeout", took)
	}
}

// TestDialNoKeepAlive: a probe's connection lives for one check, so it carries no TCP
// keep-alive (and its setsockopt calls are not paid on every check).
func TestDialNoKeepAlive(t *testing.T) {
	t.Parallel()
	srv := echoServer(t)
	n := newNet(t, Config{})
	c, err := n.DialContext(bounded(t), "tcp", srv)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	raw, err := c.(syscall.Conn).SyscallConn()
	if err != nil {
		t.Fatal(err)
	}
	var on int
	var serr error
	if err := raw.Control(func(fd uintptr) {
		on, serr = syscall.GetsockoptInt(int(fd), syscall.SOL_SOCKET, syscall.SO_KEEPALIVE)
	}); err != nil {
		t.Fatal(err)
	}
	if serr != nil {
		t.Fatal(serr)
	}
	if on != 0 {
		t.Errorf("SO_KEEPALIVE = %d on a probe's connection, want 0", on)
	}
}

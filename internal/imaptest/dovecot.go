// Package imaptest runs Debian's dovecot-imapd for tests: a real IMAP server as a child
// process on 127.0.0.1, with its own config, users and mail in a temporary folder, like
// net/http/httptest does for HTTP. It is for tests only. Where dovecot is not installed, or
// IMAPTEST_NO_DOVECOT=1 is set, it serves go-imap's memory backend in-process instead and
// says so in the test log, so the tests run (never skip silently) on any machine; CI
// installs dovecot (.ci/run) so the real server is what gates a merge.
package imaptest

import (
	"bytes"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"fmt"
	"math/big"
	"net"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/emersion/go-imap"
	"github.com/emersion/go-imap/client"
)

// Password is every test user's password: planted so tests can prove it appears in no
// output, log or record.
const Password = "planted-imap-password-7c1e"

// Dovecot is one running server: dovecot, or go-imap's memory backend standing in for it
// (mem set; see startMemory). Every user's password is Password; each has INBOX and
// Junk (marked \Junk, as providers mark their spam folder).
type Dovecot struct {
	// ImplicitPort is the IMAPS port (TLS from the first byte), StartTLSPort the IMAP one.
	ImplicitPort, StartTLSPort int
	// TLS trusts the server's certificate (for 127.0.0.1); CAFile is it as a PEM file.
	TLS    *tls.Config
	CAFile string
	dir    string
	stderr bytes.Buffer
	cmd    *exec.Cmd
	log    string
	mem    *memLog
}

// NoDovecotEnv set to 1 forces the memory backend even where dovecot is installed: to see
// the fallback work, or to run the tests without starting dovecot.
const NoDovecotEnv = "IMAPTEST_NO_DOVECOT"

// Start starts dovecot for users (local parts at test.example), or, where dovecot is not
// installed or NoDovecotEnv is 1, go-imap's memory backend, logging which and why.
func Start(t testing.TB, users ...string) *Dovecot {
	t.Helper()
	if os.Getenv(NoDovecotEnv) == "1" {
		t.Log(NoDovecotEnv + "=1: using go-imap's memory backend instead of dovecot (unset it to test against a real server)")
		return startMemory(t, users)
	}
	bin, err := exec.LookPath("dovecot")
	if err != nil {
		if _, serr := os.Stat("/usr/sbin/dovecot"); serr != nil {
			t.Log("dovecot not found: using go-imap's memory backend (install dovecot-imapd to test against a real server)")
			return startMemory(t, users)
		}
		bin = "/usr/sbin/dovecot"
	}
	// A short path of our own: dovecot's unix sockets live under it (108-byte limit), and
	// when the tests run as root its unprivileged processes must be able to enter it.
	dir, err := os.MkdirTemp("", "lr-dovecot-")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(dir) })
	if err := os.Chmod(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	d := &Dovecot{dir: dir, log: filepath.Join(dir, "dovecot.log")}
	internalUser, loginUser, uid, gid := runAs(t)

	certPEM, keyPEM, pool := ServerCert(t)
	write := func(name, text string, mode os.FileMode) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(text), mode); err != nil {
			t.Fatal(err)
		}
		return p
	}
	cert := write("cert.pem", certPEM, 0o644)
	key := write("key.pem", keyPEM, 0o600)
	var pw strings.Builder
	for _, u := range users {
		fmt.Fprintf(&pw, "%s@test.example:{PLAIN}%s\n", u, Password)
	}
	passwd := write("passwd", pw.String(), 0o644)
	mail := filepath.Join(dir, "mail")
	if err := os.Mkdir(mail, 0o755); err != nil {
		t.Fatal(err)
	}
	if os.Geteuid() == 0 {
		if err := os.Chown(mail, uid, gid); err != nil {
			t.Fatal(err)
		}
	}
	d.ImplicitPort, d.StartTLSPort = freePort(t), freePort(t)
	conf := write("dovecot.conf", fmt.Sprintf(`# written by the launchready round trip tests
base_dir = %[1]s/run
state_dir = %[1]s/state
log_path = %[2]s
protocols = imap
listen = 127.0.0.1
ssl = required
ssl_cert = <%[3]s
ssl_key = <%[4]s
default_internal_user = %[5]s
default_internal_group = %[5]s
default_login_user = %[6]s
first_valid_uid = %[7]d
auth_mechanisms = plain login
passdb {
  driver = passwd-file
  args = scheme=PLAIN username_format=%%u %[8]s
}
userdb {
  driver = static
  args = uid=%[7]d gid=%[9]d home=%[1]s/mail/%%u
}
mail_location = maildir:~/Maildir
namespace inbox {
  inbox = yes
  mailbox Junk {
    special_use = \Junk
    auto = create
  }
}
service anvil {
  chroot =
}
service imap-login {
  chroot =
  inet_listener imap {
    address = 127.0.0.1
    port = %[10]d
  }
  inet_listener imaps {
    address = 127.0.0.1
    port = %[11]d
  }
}
`, dir, d.log, cert, key, internalUser, loginUser, uid, passwd, gid, d.StartTLSPort, d.ImplicitPort), 0o644)
	d.cmd = exec.Command(bin, "-F", "-c", conf)
	d.cmd.Stdout, d.cmd.Stderr = &d.stderr, &d.stderr
	if err := d.cmd.Start(); err != nil {
		t.Fatalf("cannot start dovecot: %v", err)
	}
	exited := make(chan struct{})
	go func() { _ = d.cmd.Wait(); close(exited) }()
	t.Cleanup(func() {
		_ = d.cmd.Process.Signal(syscall.SIGTERM)
		select {
		case <-exited:
		case <-time.After(5 * time.Second):
			_ = d.cmd.Process.Kill()
			<-exited
		}
	})
	for deadline := time.Now().Add(15 * time.Second); ; {
		c, err := net.DialTimeout("tcp", fmt.Sprintf("127.0.0.1:%d", d.ImplicitPort), time.Second)
		if err == nil {
			c.Close()
			break
		}
		select {
		case <-exited:
			t.Fatalf("dovecot exited at start: %s\n%s", d.stderr.String(), d.LogText())
		default:
		}
		if time.Now().After(deadline) {
			t.Fatalf("dovecot did not listen on 127.0.0.1:%d within 15s: %s\n%s", d.ImplicitPort, d.stderr.String(), d.LogText())
		}
		time.Sleep(50 * time.Millisecond)
	}
	d.TLS, d.CAFile = &tls.Config{RootCAs: pool}, cert
	return d
}

// runAs is who dovecot's processes run as: as root, the package's own unprivileged users
// (mail must not be read as root); otherwise the user running the tests.
func runAs(t testing.TB) (internal, login string, uid, gid int) {
	t.Helper()
	if os.Geteuid() != 0 {
		u, err := user.Current()
		if err != nil {
			t.Fatal(err)
		}
		return u.Username, u.Username, os.Getuid(), os.Getgid()
	}
	dv, err := user.Lookup("dovecot")
	if err != nil {
		t.Skip("running as root but the dovecot user does not exist: reinstall dovecot-imapd (`apt-get install --reinstall dovecot-core dovecot-imapd`)")
	}
	if _, err := user.Lookup("dovenull"); err != nil {
		t.Skip("running as root but the dovenull user does not exist: reinstall dovecot-core")
	}
	fmt.Sscan(dv.Uid, &uid)
	fmt.Sscan(dv.Gid, &gid)
	return "dovecot", "dovenull", uid, gid
}

// LogText is dovecot's log (or the memory server's error log), to show when something fails and to prove no password is in it.
func (d *Dovecot) LogText() string {
	if d.mem != nil {
		return d.mem.String()
	}
	b, _ := os.ReadFile(d.log)
	return string(b)
}

func (d *Dovecot) login(t testing.TB, local string) *client.Client {
	t.Helper()
	c, err := client.DialTLS(fmt.Sprintf("127.0.0.1:%d", d.ImplicitPort), d.TLS.Clone())
	if err != nil {
		t.Fatalf("test IMAP client: %v", err)
	}
	c.Timeout = 10 * time.Second
	if err := c.Login(local+"@test.example", Password); err != nil {
		t.Fatalf("test IMAP login: %v", err)
	}
	return c
}

// Deliver appends a message to a user's folder, as the provider's delivery agent would.
func (d *Dovecot) Deliver(local, folder string, raw []byte) error {
	c, err := client.DialTLS(fmt.Sprintf("127.0.0.1:%d", d.ImplicitPort), d.TLS.Clone())
	if err != nil {
		return err
	}
	defer c.Logout()
	c.Timeout = 10 * time.Second
	if err := c.Login(local+"@test.example", Password); err != nil {
		return err
	}
	return c.Append(folder, nil, time.Now(), bytes.NewBuffer(raw))
}

// Count is how many messages a user's folder holds.
func (d *Dovecot) Count(t testing.TB, local, folder string) uint32 {
	t.Helper()
	c := d.login(t, local)
	defer c.Logout()
	st, err := c.Status(folder, []imap.StatusItem{imap.StatusMessages})
	if err != nil {
		t.Fatal(err)
	}
	return st.Messages
}

// ServerCert is a self-signed certificate for 127.0.0.1, localhost and imap.test.example
// (the name tests give the server behind network.connect_to), its key, and a pool trusting it.
func ServerCert(t testing.TB) (certPEM, keyPEM string, pool *x509.CertPool) {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "127.0.0.1"},
		IPAddresses: []net.IP{net.IPv4(127, 0, 0, 1)}, DNSNames: []string{"localhost", "imap.test.example"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour),
		IsCA: true, BasicConstraintsValid: true, KeyUsage: x509.KeyUsageDigitalSignature | x509.KeyUsageCertSign,
		ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	kb, err := x509.MarshalPKCS8PrivateKey(key)
	if err != nil {
		t.Fatal(err)
	}
	cert, _ := x509.ParseCertificate(der)
	pool = x509.NewCertPool()
	pool.AddCert(cert)
	return string(pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der})),
		string(pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: kb})), pool
}

// freePort is a port on 127.0.0.1 nothing listens on (a moment ago).
func freePort(t testing.TB) int {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port
}

package main

import (
	"fmt"
	"io"
	"net"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// counter is a TCP forwarder in front of each HTTPS site that counts the connections it
// accepts, so a benchmark can count the checks a process ran without that process's help
// (the console keeps no per-run metric): every HTTPS check opens exactly one fresh
// connection. It runs in the target's process, so its copying is not charged to the
// checker being measured.
type counter struct {
	url   string
	conns atomic.Int64
	lns   []net.Listener
	srv   *http.Server
	wg    sync.WaitGroup
}

// startCounter rewrites every "host:443" entry of connectTo to a forwarder of its own on
// 127.0.0.1 and serves the running total as plain text at url.
func startCounter(connectTo map[string]string) (*counter, error) {
	c := &counter{}
	for k, to := range connectTo {
		if !strings.HasSuffix(k, ":443") {
			continue
		}
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			c.close()
			return nil, fmt.Errorf("cannot listen for the forwarder of %s: %w", k, err)
		}
		c.lns = append(c.lns, ln)
		connectTo[k] = ln.Addr().String()
		c.wg.Add(1)
		go c.serve(ln, to)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		c.close()
		return nil, fmt.Errorf("cannot listen for the count: %w", err)
	}
	c.url = "http://" + ln.Addr().String() + "/"
	c.srv = &http.Server{ReadHeaderTimeout: 5 * time.Second, Handler: http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		fmt.Fprintln(w, c.conns.Load())
	})}
	go c.srv.Serve(ln)
	return c, nil
}

func (c *counter) serve(ln net.Listener, to string) {
	defer c.wg.Done()
	for {
		in, err := ln.Accept()
		if err != nil {
			return
		}
		c.conns.Add(1)
		go forward(in, to)
	}
}

// forward copies both ways until either side closes; a check's connection lives for one
// request, under the check's own timeout.
func forward(in net.Conn, to string) {
	defer in.Close()
	out, err := net.DialTimeout("tcp", to, 5*time.Second)
	if err != nil {
		return
	}
	defer out.Close()
	deadline := time.Now().Add(time.Minute)
	in.SetDeadline(deadline)
	out.SetDeadline(deadline)
	done := make(chan struct{}, 2)
	go func() { io.Copy(out, in); out.(*net.TCPConn).CloseWrite(); done <- struct{}{} }()
	go func() { io.Copy(in, out); in.(*net.TCPConn).CloseWrite(); done <- struct{}{} }()
	<-done
	<-done
}

func (c *counter) close() {
	for _, ln := range c.lns {
		ln.Close()
	}
	if c.srv != nil {
		c.srv.Close()
	}
	c.wg.Wait()
}

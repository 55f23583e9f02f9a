// Command loadtarget is the loopback target of scripts/bench-load-vegeta.sh: one plain
// HTTP server on 127.0.0.1 whose every answer waits a latency drawn uniformly from
// [-min, -max], so two load generators aimed at it at once see the same distribution and
// their p95s can be compared. It prints its URL and runs until SIGINT or SIGTERM.
//
// It is a program, not a test: `go test ./...` never starts it.
package main

import (
	"context"
	"flag"
	"fmt"
	"math/rand/v2"
	"net"
	"net/http"
	"os"
	"os/signal"
	"syscall"
	"time"
)

func main() {
	lo := flag.Duration("min", 5*time.Millisecond, "shortest answer")
	hi := flag.Duration("max", 25*time.Millisecond, "longest answer")
	flag.Parse()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		fmt.Fprintln(os.Stderr, "loadtarget:", err)
		os.Exit(1)
	}
	spread := int64(*hi - *lo)
	srv := &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		time.Sleep(*lo + time.Duration(rand.Int64N(spread+1)))
		w.Write([]byte("ok"))
	})}
	fmt.Printf("http://%s/\n", ln.Addr())
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	go srv.Serve(ln)
	<-ctx.Done()
	srv.Close()
}

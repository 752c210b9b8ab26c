// Command atlas-fake serves aspaudit's fake Atlas Admin API on a port, for
// demos and manual tests: generated audit logs for the given projects and
// workspaces, behind a service account or an API key, with optional faults
// and Atlas's per-project rate limit (on by default; -rate-limit off, or scaled down).
// It prints the base URL and the environment variables that point aspaudit
// (or the Atlas CLI) at it, and stops cleanly on SIGINT or SIGTERM.
//
//	atlas-fake -listen 127.0.0.1:8089 -workspaces ws-prod,ws-dev -lines 20000 -days 7
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"syscall"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGINT, syscall.SIGTERM)
	defer stop()
	err := run(ctx, os.Args[1:], os.Stdout)
	if errors.Is(err, flag.ErrHelp) {
		return
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "atlas-fake:", err)
		stop()
		os.Exit(1)
	}
}

// Command aspaudit ships MongoDB Atlas Stream Processing audit logs into
// Elasticsearch, OpenSearch or local NDJSON files.
//
//	aspaudit backfill --from T [--to T] [--config FILE] [--project ID] [--workspace NAME]... [--processor NAME] [--force]
//	aspaudit run      [--config FILE] [--once] [--listen ADDR] [--project ID] [--workspace NAME]... [--processor NAME]
//	aspaudit import   [--config FILE] --project ID [--workspace NAME] FILE.gz|DIR...
//	aspaudit setup    [--config FILE] [--export FILE]
//	aspaudit check    [--config FILE] [--project ID] [--workspace NAME]... [--processor NAME]
//	aspaudit config   [--config FILE]
//	aspaudit completion bash|zsh|fish
//	aspaudit version  (or aspaudit --version)
//
// Flags are GNU-style and may follow positional arguments; "--" ends them.
// Without --config, $ASPAUDIT_CONFIG, ./aspaudit.yaml or
// /etc/aspaudit/aspaudit.yaml is read (the first set or existing).
//
// Exit status: 0 every event stored; 1 some windows could not be completed
// (they are retried next run); 2 usage or configuration error, before any
// work starts; 3 finished, but some events were dead-lettered.
package main

import (
	"context"
	"fmt"
	"os"
	"os/signal"
	"syscall"
)

func main() {
	setMemoryLimit(os.Stderr)
	setGCPercent()
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	if err := serveProfiles(ctx, os.Environ(), os.Stderr); err != nil {
		fmt.Fprintf(os.Stderr, "aspaudit: %v\n", err)
		stop()
		os.Exit(exitUsage)
	}
	code := run(ctx, os.Args[1:], stdio{in: os.Stdin, out: os.Stdout, err: os.Stderr}, os.Environ())
	stop()
	os.Exit(code)
}

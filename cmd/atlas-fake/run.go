package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/aspaudit/aspaudit/sources/atlas/atlastest"
)

type options struct {
	listen, projects, workspaces, processors, auth string
	clientID, clientSecret, publicKey, privateKey  string
	lines, days, pageSize                          int
	body, empty, rateLimit                         string
	crlf, auditAccess                              bool
	seed                                           uint64
	faults                                         atlastest.Faults
	bucket                                         atlastest.RateLimit
}

func parseFlags(args []string, out io.Writer) (options, error) {
	var o options
	fs := flag.NewFlagSet("atlas-fake", flag.ContinueOnError)
	fs.SetOutput(out)
	fs.StringVar(&o.listen, "listen", "127.0.0.1:8089", "address to listen on")
	fs.StringVar(&o.projects, "projects", "5f1a2b3c4d5e6f7a8b9c0d1e", "comma-separated project ids (24 hex digits)")
	fs.StringVar(&o.workspaces, "workspaces", "ws-prod,ws-dev", "comma-separated workspace names, in every project")
	fs.StringVar(&o.processors, "processors", "solarDemo,orders_enrich,clicks-5m", "comma-separated stream processor names the lines mention")
	fs.IntVar(&o.lines, "lines", 10000, "lines per workspace over the past -days (as many again over the next -days, for continuous mode)")
	fs.IntVar(&o.days, "days", 7, "days of history before now")
	fs.StringVar(&o.auth, "auth", "both", "accepted credentials: service-account, api-key or both")
	fs.StringVar(&o.clientID, "client-id", "mdb_sa_id_fake0000000000000000", "service account client id")
	fs.StringVar(&o.clientSecret, "client-secret", "mdb_sa_sk_fakesecret", "service account client secret")
	fs.StringVar(&o.publicKey, "public-key", "fakepubk", "API key public key")
	fs.StringVar(&o.privateKey, "private-key", "00000000-fake-0000-0000-000000000000", "API key private key")
	fs.StringVar(&o.body, "body", "single", "body shape: single, members or tar")
	fs.StringVar(&o.empty, "empty", "member", "empty window body: member (23 bytes) or zero (0 bytes)")
	fs.BoolVar(&o.crlf, "crlf", false, "end lines with CRLF")
	fs.BoolVar(&o.auditAccess, "audit-access", false, `add an "audit log accessed" line after each download, as Atlas does`)
	fs.IntVar(&o.pageSize, "page-size", 500, "largest page of the workspace list")
	fs.Uint64Var(&o.seed, "seed", 1, "seed of the generated lines and of random faults")
	fs.Float64Var(&o.faults.Throttle, "throttle", 0, "share of downloads answered 429 with Retry-After")
	fs.Float64Var(&o.faults.ThrottleBare, "throttle-bare", 0, "share of downloads answered 429 without Retry-After")
	fs.Float64Var(&o.faults.Unavailable, "unavailable", 0, "share of downloads answered 503")
	fs.Float64Var(&o.faults.Cut, "cut", 0, "share of download bodies cut off")
	fs.DurationVar(&o.faults.RetryAfter, "retry-after", 10*time.Second, "Retry-After sent with -throttle")
	fs.DurationVar(&o.faults.ChunkDelay, "chunk-delay", 0, "pause after every 32 KiB of body (slow downloads)")
	fs.StringVar(&o.rateLimit, "rate-limit", "atlas", `per-project token bucket of the streams endpoints: atlas (1200 tokens, 500 more every 60s, as Atlas documents it), off, or CAPACITY/REFILL/EVERY, e.g. 20/10/1s`)
	if err := fs.Parse(args); err != nil {
		return o, err
	}
	err := o.check()
	return o, err
}

// check reports every bad flag at once and sets o.bucket.
func (o *options) check() error {
	var errs []error
	var err error
	if o.bucket, err = parseRateLimit(o.rateLimit); err != nil {
		errs = append(errs, err)
	}
	if o.auth != "service-account" && o.auth != "api-key" && o.auth != "both" {
		errs = append(errs, fmt.Errorf("-auth %q: want service-account, api-key or both", o.auth))
	}
	if o.body != "single" && o.body != "members" && o.body != "tar" {
		errs = append(errs, fmt.Errorf("-body %q: want single, members or tar", o.body))
	}
	if o.empty != "member" && o.empty != "zero" {
		errs = append(errs, fmt.Errorf("-empty %q: want member or zero", o.empty))
	}
	if o.lines < 0 || o.days < 1 {
		errs = append(errs, errors.New("-lines must not be negative and -days must be at least 1"))
	}
	return errors.Join(errs...)
}

func (o options) fakeConfig() atlastest.Config {
	cfg := atlastest.Config{
		MaxItemsPerPage: o.pageSize, AuditAccess: o.auditAccess, Faults: o.faults, RateLimit: o.bucket, Seed: o.seed,
		Body: atlastest.Body{Shape: map[string]atlastest.Shape{"single": atlastest.Single, "members": atlastest.Members, "tar": atlastest.Tar}[o.body], CRLF: o.crlf},
	}
	if o.empty == "zero" {
		cfg.Body.Empty = atlastest.ZeroBytes
	}
	if o.auth != "api-key" {
		cfg.ClientID, cfg.ClientSecret = o.clientID, o.clientSecret
	}
	if o.auth != "service-account" {
		cfg.PublicKey, cfg.PrivateKey = o.publicKey, o.privateKey
	}
	return cfg
}

// run serves until ctx ends, then shuts down, letting open requests finish
// for up to five seconds.
func run(ctx context.Context, args []string, out io.Writer) error {
	o, err := parseFlags(args, out)
	if err != nil {
		return err
	}
	fake := atlastest.New(o.fakeConfig())
	now := time.Now().UTC().Truncate(time.Second)
	span := time.Duration(o.days) * 24 * time.Hour
	gen := atlastest.Generator{Seed: o.seed, Processors: split(o.processors)}
	for _, p := range split(o.projects) {
		fake.AddProject(p)
		for i, ws := range split(o.workspaces) {
			gen.Seed = o.seed + uint64(i)
			addWorkspace(fake, p, ws, gen, now.Add(-span), now.Add(span), 2*o.lines, o.auditAccess)
		}
	}
	ln, err := (&net.ListenConfig{}).Listen(ctx, "tcp", o.listen)
	if err != nil {
		return err
	}
	srv := &http.Server{Handler: fake, ReadHeaderTimeout: 10 * time.Second}
	printBanner(out, "http://"+ln.Addr().String(), o)
	done := make(chan error, 1)
	go func() { done <- srv.Serve(ln) }()
	select {
	case err := <-done:
		return err
	case <-ctx.Done():
	}
	sctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 5*time.Second)
	defer cancel()
	if err := srv.Shutdown(sctx); err != nil {
		return fmt.Errorf("shutting down: %w", err)
	}
	fmt.Fprintln(out, "atlas-fake stopped")
	return nil
}

// addWorkspace serves the generator's lines made on the fly, so that a
// thousand workspaces cost no memory; with -audit-access they are held, as
// the "audit log accessed" lines are added to held lines only.
func addWorkspace(fake *atlastest.Fake, project, name string, gen atlastest.Generator, start, end time.Time, n int, held bool) {
	if held {
		fake.AddWorkspace(project, name, gen.Lines(start, end, n))
		return
	}
	fake.AddWorkspaceFunc(project, name, gen.Func(start, end, n))
}

func printBanner(out io.Writer, url string, o options) {
	fmt.Fprintf(out, "atlas-fake serving %s\n", url)
	fmt.Fprintf(out, "projects %s, workspaces %s, %d lines each over the last %d days\n", o.projects, o.workspaces, o.lines, o.days)
	if b := o.bucket; b.Capacity > 0 {
		fmt.Fprintf(out, "rate limit per project: %d requests, %d more every %s\n", b.Capacity, b.Refill, b.Every)
	}
	fmt.Fprintf(out, "export MONGODB_ATLAS_BASE_URL=%s\n", url)
	if o.auth != "api-key" {
		fmt.Fprintf(out, "export MONGODB_ATLAS_CLIENT_ID=%s\nexport MONGODB_ATLAS_CLIENT_SECRET=%s\n", o.clientID, o.clientSecret)
	}
	if o.auth == "api-key" {
		fmt.Fprintf(out, "export MONGODB_ATLAS_PUBLIC_API_KEY=%s\nexport MONGODB_ATLAS_PRIVATE_API_KEY=%s\n", o.publicKey, o.privateKey)
	} else if o.auth == "both" {
		fmt.Fprintf(out, "# or, for the API key (unset the two above):\n# export MONGODB_ATLAS_PUBLIC_API_KEY=%s MONGODB_ATLAS_PRIVATE_API_KEY=%s\n", o.publicKey, o.privateKey)
	}
}

func split(s string) []string {
	var out []string
	for _, p := range strings.Split(s, ",") {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}

// parseRateLimit reads -rate-limit: off, atlas, or CAPACITY/REFILL/EVERY.
func parseRateLimit(v string) (atlastest.RateLimit, error) {
	switch v {
	case "off", "":
		return atlastest.RateLimit{}, nil
	case "atlas":
		return atlastest.AtlasRateLimit(), nil
	}
	bad := fmt.Errorf("-rate-limit %q: want off, atlas or CAPACITY/REFILL/EVERY with positive numbers, e.g. 20/10/1s", v)
	parts := strings.Split(v, "/")
	if len(parts) != 3 {
		return atlastest.RateLimit{}, bad
	}
	capacity, err1 := strconv.Atoi(parts[0])
	refill, err2 := strconv.Atoi(parts[1])
	every, err3 := time.ParseDuration(parts[2])
	if err1 != nil || err2 != nil || err3 != nil || capacity < 1 || refill < 1 || every <= 0 {
		return atlastest.RateLimit{}, bad
	}
	return atlastest.RateLimit{Capacity: capacity, Refill: refill, Every: every}, nil
}

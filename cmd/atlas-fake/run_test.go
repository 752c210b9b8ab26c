package main

import (
	"bufio"
	"context"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/aspaudit/aspaudit/pipeline"
	"github.com/aspaudit/aspaudit/sources/atlas"
	"github.com/aspaudit/aspaudit/sources/atlas/atlastest"
)

func TestRunServesUntilCancelled(t *testing.T) {
	pr, pw := io.Pipe()
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() {
		done <- run(ctx, []string{"-listen", "127.0.0.1:0", "-lines", "200", "-days", "1", "-workspaces", "a,b"}, pw)
		pw.Close()
	}()
	env := map[string]string{}
	sc := bufio.NewScanner(pr)
	for sc.Scan() {
		if kv, ok := strings.CutPrefix(sc.Text(), "export "); ok {
			k, v, _ := strings.Cut(kv, "=")
			env[k] = v
		}
		if _, ok := env[atlas.EnvClientSecret]; ok {
			break
		}
	}
	go func() { _, _ = io.Copy(io.Discard, pr) }()

	cfg := atlas.NewDefaultConfig()
	cfg, err := cfg.Resolve(func(k string) (string, bool) { v, ok := env[k]; return v, ok })
	if err != nil {
		t.Fatal(err)
	}
	c, err := atlas.New(cfg, atlas.Options{})
	if err != nil {
		t.Fatal(err)
	}
	ws, err := c.Workspaces(ctx, "5f1a2b3c4d5e6f7a8b9c0d1e")
	if err != nil || strings.Join(ws, ",") != "a,b" {
		t.Fatalf("workspaces %v, %v", ws, err)
	}
	now := time.Now().Truncate(time.Second)
	rc, err := c.Fetch(ctx, pipeline.Window{Series: pipeline.Series{ProjectID: "5f1a2b3c4d5e6f7a8b9c0d1e", Workspace: "a"}, Start: now.Add(-24 * time.Hour), End: now})
	if err != nil {
		t.Fatal(err)
	}
	b, err := io.ReadAll(rc)
	rc.Close()
	if n := strings.Count(string(b), "\n"); err != nil || n < 190 || n > 210 {
		t.Fatalf("got %d lines over the last day (want about 200), %v", n, err)
	}
	cancel()
	if err := <-done; err != nil {
		t.Fatalf("run: %v", err)
	}
	if _, err := http.Get(env[atlas.EnvBaseURL]); err == nil {
		t.Fatal("still serving after cancel")
	}
}

func TestRunRejectsBadFlags(t *testing.T) {
	err := run(context.Background(), []string{"-auth", "token", "-body", "zip", "-rate-limit", "20/0/1s"}, io.Discard)
	if err == nil || !strings.Contains(err.Error(), "-auth") || !strings.Contains(err.Error(), "-body") || !strings.Contains(err.Error(), "-rate-limit") {
		t.Fatalf("got %v", err)
	}
}

func TestRateLimitFlag(t *testing.T) {
	for v, want := range map[string]atlastest.RateLimit{
		"":         {},
		"off":      {},
		"atlas":    {Capacity: 1200, Refill: 500, Every: time.Minute},
		"20/10/1s": {Capacity: 20, Refill: 10, Every: time.Second},
	} {
		o, err := parseFlags([]string{"-rate-limit", v}, io.Discard)
		got := o.fakeConfig().RateLimit
		if err != nil || got.Capacity != want.Capacity || got.Refill != want.Refill || got.Every != want.Every {
			t.Errorf("-rate-limit %q: %+v, %v; want %+v", v, got, err, want)
		}
	}
	for _, v := range []string{"on", "20/10", "20/10/1", "0/10/1s", "20/-1/1s", "20/10/0s", "x/10/1s"} {
		if _, err := parseFlags([]string{"-rate-limit", v}, io.Discard); err == nil || !strings.Contains(err.Error(), "-rate-limit") {
			t.Errorf("-rate-limit %q: %v", v, err)
		}
	}
}

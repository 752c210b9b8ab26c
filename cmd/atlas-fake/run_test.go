package main

import (
	"bufio"
	"context"
	"io"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aspaudit/aspaudit/pipeline"
	"github.com/aspaudit/aspaudit/sources/atlas"
	"github.com/aspaudit/aspaudit/sources/atlas/atlastest"
)

// startFake runs the command with args and returns a client for it, a
// stop function, and the environment it printed.
func startFake(t *testing.T, args ...string) (*atlas.Client, func() error, map[string]string) {
	t.Helper()
	pr, pw := io.Pipe()
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() {
		done <- run(ctx, append([]string{"-listen", "127.0.0.1:0"}, args...), pw)
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
	stop := sync.OnceValue(func() error { cancel(); return <-done })
	t.Cleanup(func() { _ = stop() })

	cfg := atlas.NewDefaultConfig()
	cfg, err := cfg.Resolve(func(k string) (string, bool) { v, ok := env[k]; return v, ok })
	if err != nil {
		t.Fatal(err)
	}
	c, err := atlas.New(cfg, atlas.Options{})
	if err != nil {
		t.Fatal(err)
	}
	return c, stop, env
}

func fetchBody(t *testing.T, c *atlas.Client, project, ws string, start, end time.Time) string {
	t.Helper()
	rc, err := c.Fetch(context.Background(), pipeline.Window{Series: pipeline.Series{ProjectID: project, Workspace: ws}, Start: start, End: end})
	if err != nil {
		t.Fatal(err)
	}
	defer rc.Close()
	b, err := io.ReadAll(rc)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func TestRunServesUntilCancelled(t *testing.T) {
	c, stop, env := startFake(t, "-lines", "200", "-days", "1", "-workspaces", "a,b")
	ws, err := c.Workspaces(context.Background(), "5f1a2b3c4d5e6f7a8b9c0d1e")
	if err != nil || strings.Join(ws, ",") != "a,b" {
		t.Fatalf("workspaces %v, %v", ws, err)
	}
	now := time.Now().Truncate(time.Second)
	b := fetchBody(t, c, "5f1a2b3c4d5e6f7a8b9c0d1e", "a", now.Add(-24*time.Hour), now)
	if n := strings.Count(b, "\n"); n < 190 || n > 210 {
		t.Fatalf("got %d lines over the last day (want about 200)", n)
	}
	if err := stop(); err != nil {
		t.Fatalf("run: %v", err)
	}
	if _, err := http.Get(env[atlas.EnvBaseURL]); err == nil {
		t.Fatal("still serving after cancel")
	}
}

// Many projects and workspaces are served with lines made on the fly: the
// same lines as the held ones -audit-access needs, for every workspace.
func TestRunManyWorkspacesOnTheFly(t *testing.T) {
	projects := []string{"000000000000000000000001", "000000000000000000000002", "000000000000000000000003"}
	args := []string{"-lines", "300", "-days", "1", "-projects", strings.Join(projects, ","), "-workspaces", "w1,w2,w3,w4"}
	lazy, _, _ := startFake(t, args...)
	held, _, _ := startFake(t, append(args, "-audit-access")...)
	ws, err := lazy.Workspaces(context.Background(), projects[2])
	if err != nil || strings.Join(ws, ",") != "w1,w2,w3,w4" {
		t.Fatalf("workspaces of the third project %v, %v", ws, err)
	}
	now := time.Now().Truncate(time.Second)
	for _, w := range []string{"w1", "w4"} {
		got := fetchBody(t, lazy, projects[2], w, now.Add(-12*time.Hour), now)
		want := fetchBody(t, held, projects[2], w, now.Add(-12*time.Hour), now)
		if n := strings.Count(got, "\n"); got != want || n < 140 || n > 160 {
			t.Fatalf("%s: %d lines made on the fly, differing from the held ones: %v", w, n, got != want)
		}
	}
	if fetchBody(t, lazy, projects[0], "w1", now.Add(-time.Hour), now) == fetchBody(t, lazy, projects[0], "w2", now.Add(-time.Hour), now) {
		t.Fatal("two workspaces serve the same lines")
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

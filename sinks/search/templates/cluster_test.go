package templates

import (
	"context"
	"testing"
	"time"

	"github.com/aspaudit/aspaudit/sinks/search/conn"
	"github.com/aspaudit/aspaudit/sinks/search/searchtest"
)

// cluster is a real test server reached through aspaudit's client.
type cluster struct {
	url    string
	client *conn.Client
	server conn.Server
}

// connect returns the real server of the flavour ("ES" or "OS"), skipping
// when it is not configured (failing under CI).
func connect(t *testing.T, which string) cluster {
	t.Helper()
	u := searchtest.Require(t, which)
	cfg := conn.NewDefaultConfig()
	cfg.URLs = []string{u}
	c, err := conn.New(cfg, nil)
	if err != nil {
		t.Fatalf("conn.New: %v", err)
	}
	t.Cleanup(func() { _ = c.Close(context.Background()) })
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	srv, err := c.Detect(ctx)
	if err != nil {
		t.Fatalf("Detect: %v", err)
	}
	return cluster{url: u, client: c, server: srv}
}

// forEachCluster runs f as a subtest against each real server.
func forEachCluster(t *testing.T, f func(t *testing.T, c cluster)) {
	for _, which := range []string{"ES", "OS"} {
		t.Run(which, func(t *testing.T) { f(t, connect(t, which)) })
	}
}

func testCtx(t *testing.T) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	t.Cleanup(cancel)
	return ctx
}

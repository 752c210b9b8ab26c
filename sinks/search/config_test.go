package search_test

import (
	"strings"
	"testing"
	"time"

	"github.com/aspaudit/aspaudit/sinks/search"
)

func TestDefaultConfigIsValid(t *testing.T) {
	if err := search.NewDefaultConfig().Validate(); err != nil {
		t.Fatalf("default config: %v", err)
	}
}

func TestValidateReportsEveryProblem(t *testing.T) {
	c := search.NewDefaultConfig()
	c.Conn.URLs = []string{"ftp://x"}
	c.BatchSize = 0
	c.BatchBytes = 10
	c.Concurrency = 0
	c.FlushInterval = -time.Second
	c.IndexPrefix = "Bad*"
	c.IndexGranularity = "week"
	c.Retry.Initial = 0
	err := c.Validate()
	if err == nil {
		t.Fatal("Validate accepted a bad config")
	}
	for _, key := range []string{"urls:", "batch_size:", "batch_bytes:", "concurrency:", "flush_interval:",
		"index_prefix:", "index_granularity:", "retry.initial:"} {
		if !strings.Contains(err.Error(), key) {
			t.Errorf("error does not name %s: %v", key, err)
		}
	}
}

func TestIndexName(t *testing.T) {
	ts := time.Date(2026, 1, 2, 23, 30, 0, 0, time.FixedZone("x", -2*3600)) // 2026-01-03 01:30 UTC
	for g, want := range map[search.Granularity]string{
		search.Day:   "p-2026.01.03",
		search.Month: "p-2026.01",
		search.Year:  "p-2026",
	} {
		if got := search.IndexName("p", g, ts); got != want {
			t.Errorf("IndexName(%s) = %q, want %q", g, got, want)
		}
	}
}

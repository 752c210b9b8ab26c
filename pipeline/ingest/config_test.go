package ingest

import (
	"strings"
	"testing"
	"time"

	"github.com/aspaudit/aspaudit/pipeline/retry"
)

func TestDefaultConfigIsValid(t *testing.T) {
	c := NewDefaultConfig()
	if err := c.Validate(); err != nil {
		t.Fatal(err)
	}
	if w := c.Warnings(); len(w) != 0 {
		t.Errorf("default config warns: %v", w)
	}
}

func TestValidateReportsEveryProblem(t *testing.T) {
	c := Config{Window: time.Millisecond, PollInterval: 0, Lag: -1, Overlap: -1, Start: 0, Workers: -1,
		Concurrency: 0, BatchSize: 0, BatchBytes: -1, ShutdownTimeout: -1, Retry: retry.Policy{Max: -1}}
	err := c.Validate()
	if err == nil {
		t.Fatal("no error")
	}
	for _, key := range []string{"window:", "poll_interval:", "lag:", "overlap:", "start:", "workers:",
		"concurrency:", "batch_size:", "batch_bytes:", "shutdown_timeout:", "retry.initial:", "retry.max:"} {
		if !strings.Contains(err.Error(), "\n"+key) && !strings.HasPrefix(err.Error(), key) {
			t.Errorf("%q not reported at the start of a line in:\n%v", key, err)
		}
	}
}

func TestWarnings(t *testing.T) {
	c := NewDefaultConfig()
	c.Lag = time.Minute
	if w := c.Warnings(); len(w) != 1 || !strings.Contains(w[0], "overlap") {
		t.Errorf("lag 1m with overlap: %v", w)
	}
	c.Overlap = time.Minute
	if w := c.Warnings(); len(w) != 1 || !strings.Contains(w[0], "missed") {
		t.Errorf("lag 1m, overlap 1m: %v", w)
	}
}

func TestWorkersZeroMeansCPUs(t *testing.T) {
	c := NewDefaultConfig()
	c.Workers = 0
	if c.Validate() != nil || c.workers() < 1 {
		t.Errorf("workers 0: %v, %d", c.Validate(), c.workers())
	}
}

func TestLeaseSettings(t *testing.T) {
	for _, tc := range []struct {
		ttl     time.Duration
		replica string
		bad     string
	}{
		{ttl: 3 * time.Second, replica: "pod-0"},
		{ttl: 10 * time.Minute, replica: "aspaudit-7d9f-x2"},
		{ttl: 2 * time.Second, bad: "lease_ttl:"},
		{ttl: 11 * time.Minute, bad: "lease_ttl:"},
		{ttl: 30 * time.Second, replica: "has space", bad: "replica_id:"},
		{ttl: 30 * time.Second, replica: strings.Repeat("r", 201), bad: "replica_id:"},
	} {
		c := NewDefaultConfig()
		c.LeaseTTL, c.ReplicaID = tc.ttl, tc.replica
		err := c.Validate()
		switch {
		case tc.bad == "" && err != nil:
			t.Errorf("%s %q: %v", tc.ttl, tc.replica, err)
		case tc.bad != "" && (err == nil || !strings.HasPrefix(err.Error(), tc.bad)):
			t.Errorf("%s %q: %v, want %s", tc.ttl, tc.replica, err, tc.bad)
		}
	}
}

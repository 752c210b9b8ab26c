package conn

import (
	"net/http"
	"testing"
	"time"

	"github.com/aspaudit/aspaudit/pipeline"
)

func TestRetryAfter(t *testing.T) {
	now := time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC)
	for in, want := range map[string]time.Duration{
		"": 0, "7": 7 * time.Second, " 30 ": 30 * time.Second, "0.5": 500 * time.Millisecond,
		"0": 0, "-3": 0, "soon": 0, "100000": 0,
		"Sun, 01 Nov 2026 00:00:30 GMT": 30 * time.Second, "Sat, 31 Oct 2026 23:00:00 GMT": 0,
	} {
		if got := RetryAfter(in, now); got != want {
			t.Errorf("RetryAfter(%q) = %v, want %v", in, got, want)
		}
	}
}

// A 429 answer carries its Retry-After, in seconds or as a date.
func TestClassifyThrottleReadsRetryAfter(t *testing.T) {
	for _, v := range []string{"3", time.Now().Add(3 * time.Second).UTC().Format(http.TimeFormat)} {
		h := http.Header{"Retry-After": {v}}
		d, ok := pipeline.RetryAfter(Classify(http.StatusTooManyRequests, h, &StatusError{Status: 429}))
		if !ok || d <= time.Second || d > 3*time.Second {
			t.Errorf("Retry-After %q: got %v, %v", v, d, ok)
		}
	}
}

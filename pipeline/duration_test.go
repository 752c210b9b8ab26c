package pipeline

import (
	"strings"
	"testing"
	"time"
)

func TestParseDuration(t *testing.T) {
	ok := map[string]time.Duration{
		"90m": 90 * time.Minute, " 6h ": 6 * time.Hour, "30d": 30 * 24 * time.Hour,
		"2w": 14 * 24 * time.Hour, "0d": 0, "-5m": -5 * time.Minute, "100000d": 100_000 * 24 * time.Hour,
	}
	for in, want := range ok {
		if got, err := ParseDuration(in); err != nil || got != want {
			t.Errorf("ParseDuration(%q) = %v, %v; want %v", in, got, err, want)
		}
	}
	for _, bad := range []string{"", "soon", "1.5d", "-3d", "xw", "100001d", "20000w", "99999999999d"} {
		if _, err := ParseDuration(bad); err == nil || !strings.Contains(err.Error(), "is not a duration") {
			t.Errorf("ParseDuration(%q): err = %v", bad, err)
		}
	}
}

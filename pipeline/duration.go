package pipeline

import (
	"fmt"
	"strconv"
	"strings"
	"time"
)

// maxDays bounds "d" and "w" durations well below time.Duration's limit
// of about 292 years.
const maxDays = 100_000

// ParseDuration reads a duration as aspaudit's configuration and flags
// write it: a Go duration ("90m", "6h"; it may be negative, for callers to
// judge) or a whole number of days ("30d") or weeks ("2w").
func ParseDuration(s string) (time.Duration, error) {
	s = strings.TrimSpace(s)
	for suffix, days := range map[string]uint64{"d": 1, "w": 7} {
		if n, ok := strings.CutSuffix(s, suffix); ok {
			v, err := strconv.ParseUint(n, 10, 32)
			if err != nil || v*days > maxDays {
				break
			}
			return time.Duration(v*days) * 24 * time.Hour, nil
		}
	}
	d, err := time.ParseDuration(s)
	if err != nil {
		return 0, fmt.Errorf("%q is not a duration: write it like 90m, 6h, 30d or 2w", s)
	}
	return d, nil
}

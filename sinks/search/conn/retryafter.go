package conn

import (
	"net/http"
	"strconv"
	"strings"
	"time"
)

// RetryAfter reads a Retry-After header value of a search cluster, Kibana
// or OpenSearch Dashboards: whole or decimal seconds, or an HTTP date
// (RFC 9110). It returns zero when v is absent, unreadable, not in the
// future, or more than a day away (a clock gone wrong, not a request to
// wait). It is the one parser for these servers; Atlas has its own in
// sources/atlas, for Atlas's answers.
func RetryAfter(v string, now time.Time) time.Duration {
	v = strings.TrimSpace(v)
	if v == "" {
		return 0
	}
	var d time.Duration
	if s, err := strconv.ParseFloat(v, 64); err == nil {
		d = time.Duration(s * float64(time.Second))
	} else if t, err := http.ParseTime(v); err == nil {
		d = t.Sub(now)
	}
	if d <= 0 || d > 24*time.Hour {
		return 0
	}
	return d
}

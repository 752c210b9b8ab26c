package oplog

import (
	"encoding/json"
	"regexp"
	"strconv"
	"strings"
	"time"
)

// timeKeys are the members a JSON line's time is read from, in order.
var timeKeys = []string{"t", "@timestamp", "timestamp", "time", "ts", "date", "datetime"}

// layouts are the textual time shapes accepted, after normalizeZone.
var layouts = []string{
	time.RFC3339Nano,
	"2006-01-02T15:04:05.999999999",
	"2006-01-02 15:04:05.999999999Z07:00",
	"2006-01-02 15:04:05.999999999",
}

// zoneNoColon matches an offset written without its colon (+0000).
var zoneNoColon = regexp.MustCompile(`([+-]\d{2})(\d{2})$`)

// parseTimeText reads a textual time; one without a zone is UTC.
func parseTimeText(s string) (time.Time, bool) {
	s = strings.TrimSpace(strings.Replace(s, ",", ".", 1))
	s = zoneNoColon.ReplaceAllString(s, "$1:$2")
	for _, l := range layouts {
		if t, err := time.Parse(l, s); err == nil {
			return t.UTC(), true
		}
	}
	return time.Time{}, false
}

// parseEpoch reads a number of seconds, milliseconds, microseconds or
// nanoseconds since the epoch, told apart by magnitude.
func parseEpoch(n json.Number) (time.Time, bool) {
	if i, err := strconv.ParseInt(string(n), 10, 64); err == nil {
		return epochInt(i)
	}
	f, err := strconv.ParseFloat(string(n), 64)
	if err != nil || f <= 0 || f >= 1e11 {
		return time.Time{}, false
	}
	sec, frac := int64(f), f-float64(int64(f))
	return time.Unix(sec, int64(frac*1e9)).UTC().Truncate(time.Millisecond), true
}

// epochInt reads whole seconds, milliseconds, microseconds or nanoseconds.
func epochInt(i int64) (time.Time, bool) {
	switch {
	case i <= 0:
		return time.Time{}, false
	case i >= 1e17:
		return time.Unix(0, i).UTC(), true
	case i >= 1e14:
		return time.UnixMicro(i).UTC(), true
	case i >= 1e11:
		return time.UnixMilli(i).UTC(), true
	}
	return time.Unix(i, 0).UTC(), true
}

// timeOf reads a JSON time value: text, an epoch number, or an extended
// JSON {"$date": …} holding either or {"$numberLong": "…"}.
func timeOf(v any) (time.Time, bool) {
	switch v := v.(type) {
	case string:
		if t, ok := parseTimeText(v); ok {
			return t, true
		}
		if _, err := strconv.ParseFloat(v, 64); err == nil {
			return parseEpoch(json.Number(v))
		}
	case json.Number:
		return parseEpoch(v)
	case map[string]any:
		for _, k := range []string{"$date", "$numberLong"} {
			if inner, ok := v[k]; ok {
				return timeOf(inner)
			}
		}
	}
	return time.Time{}, false
}

// plausible rejects times no log line carries (a small number read as
// seconds, a year 9999): such a line keeps the window's time instead.
func plausible(t time.Time) bool {
	return t.Year() >= 2000 && t.Year() < 2200
}

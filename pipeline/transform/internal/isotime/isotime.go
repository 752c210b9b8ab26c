// Package isotime reads the event times of audit lines (epoch
// milliseconds and lenient ISO 8601 text) and writes times as the RFC 3339
// text of every document. It knows nothing of JSON, so that the transform
// and the JSON library comparison in jsonbench read times alike.
package isotime

import (
	"errors"
	"math"
	"strconv"
	"time"
)

// Years outside 0..9999 cannot be written as RFC 3339 and no audit event
// carries one.
var (
	minTime = time.Date(0, 1, 1, 0, 0, 0, 0, time.UTC)
	maxTime = time.Date(9999, 12, 31, 23, 59, 59, 999999999, time.UTC)
)

// ErrBadTime is the error of a value that is no event time.
var ErrBadTime = errors.New("not a timestamp")

// Millis reads epoch milliseconds, integral or not.
func Millis(b []byte) (time.Time, error) {
	if ms, ok := smallInt(b); ok {
		return checkRange(time.UnixMilli(ms).UTC())
	}
	f, err := strconv.ParseFloat(string(b), 64)
	if err != nil || math.IsNaN(f) || math.Abs(f) > 3e14 {
		return time.Time{}, ErrBadTime
	}
	sec := math.Floor(f / 1000)
	ns := math.Round((f - sec*1000) * 1e6)
	return checkRange(time.Unix(int64(sec), int64(ns)).UTC())
}

func checkRange(t time.Time) (time.Time, error) {
	if t.Before(minTime) || t.After(maxTime) {
		return time.Time{}, ErrBadTime
	}
	return t, nil
}

// isoReader reads ISO 8601 text leniently: spaces are allowed around the
// separators, the offset may be Z, ±hh:mm, ±hhmm or ±hh, or absent (UTC).
type isoReader struct {
	b   []byte
	i   int
	bad bool
}

func (r *isoReader) spaces() {
	for r.i < len(r.b) && r.b[r.i] == ' ' {
		r.i++
	}
}

// num reads exactly n digits.
func (r *isoReader) num(n int) int {
	v := 0
	for k := 0; k < n; k++ {
		if r.i >= len(r.b) || r.b[r.i] < '0' || r.b[r.i] > '9' {
			r.bad = true
			return 0
		}
		v = v*10 + int(r.b[r.i]-'0')
		r.i++
	}
	return v
}

// sep consumes c with optional spaces around it.
func (r *isoReader) sep(c byte) bool {
	r.spaces()
	if r.i < len(r.b) && r.b[r.i] == c {
		r.i++
		r.spaces()
		return true
	}
	return false
}

func (r *isoReader) expect(c byte) {
	if !r.sep(c) {
		r.bad = true
	}
}

// ParseISO reads ISO 8601 text leniently (see isoReader) as a UTC time.
func ParseISO(b []byte) (time.Time, error) {
	r := &isoReader{b: b}
	r.spaces()
	year := r.num(4)
	r.expect('-')
	month := r.num(2)
	r.expect('-')
	day := r.num(2)
	if before := r.i; !r.sep('T') && !r.sep('t') && r.i == before {
		r.bad = true // neither 'T' nor a space between date and time
	}
	hour := r.num(2)
	r.expect(':')
	minute := r.num(2)
	sec, nsec := 0, 0
	if r.sep(':') {
		sec = r.num(2)
		nsec = r.fraction()
	}
	offset := r.offset()
	r.spaces()
	if r.bad || r.i != len(b) || !validClock(year, month, day, hour, minute, sec) {
		return time.Time{}, ErrBadTime
	}
	t := time.Date(year, time.Month(month), day, hour, minute, sec, nsec, time.UTC)
	return checkRange(t.Add(-time.Duration(offset) * time.Second))
}

// fraction reads an optional '.' or ',' and up to 9 digits (more are
// accepted and dropped).
func (r *isoReader) fraction() int {
	if r.i >= len(r.b) || (r.b[r.i] != '.' && r.b[r.i] != ',') {
		return 0
	}
	r.i++
	ns, n := 0, 0
	for r.i < len(r.b) && r.b[r.i] >= '0' && r.b[r.i] <= '9' {
		if n < 9 {
			ns = ns*10 + int(r.b[r.i]-'0')
			n++
		}
		r.i++
	}
	if n == 0 {
		r.bad = true
	}
	for ; n < 9; n++ {
		ns *= 10
	}
	return ns
}

// offset reads the zone offset in seconds east of UTC.
func (r *isoReader) offset() int {
	r.spaces()
	if r.i >= len(r.b) {
		return 0
	}
	sign := 1
	switch r.b[r.i] {
	case 'Z', 'z':
		r.i++
		return 0
	case '-':
		sign = -1
	case '+':
	default:
		r.bad = true
		return 0
	}
	r.i++
	r.spaces()
	h := r.num(2)
	m := 0
	if r.sep(':') || (r.i < len(r.b) && r.b[r.i] >= '0' && r.b[r.i] <= '9') {
		m = r.num(2)
	}
	if h > 23 || m > 59 {
		r.bad = true
	}
	return sign * (h*3600 + m*60)
}

func validClock(year, month, day, hour, minute, sec int) bool {
	if month < 1 || month > 12 || day < 1 || hour > 23 || minute > 59 || sec > 60 {
		return false
	}
	return day <= time.Date(year, time.Month(month)+1, 0, 0, 0, 0, 0, time.UTC).Day()
}

// Append appends t (UTC) as RFC 3339 text with milliseconds, or with
// nanoseconds when t has sub-millisecond precision.
func Append(dst []byte, t time.Time) []byte {
	year, month, day := t.Date()
	hour, minute, sec := t.Clock()
	dst = appendDigits(dst, year, 4)
	dst = append(dst, '-')
	dst = appendDigits(dst, int(month), 2)
	dst = append(dst, '-')
	dst = appendDigits(dst, day, 2)
	dst = append(dst, 'T')
	dst = appendDigits(dst, hour, 2)
	dst = append(dst, ':')
	dst = appendDigits(dst, minute, 2)
	dst = append(dst, ':')
	dst = appendDigits(dst, sec, 2)
	dst = append(dst, '.')
	if ns := t.Nanosecond(); ns%1e6 != 0 {
		dst = appendDigits(dst, ns, 9)
	} else {
		dst = appendDigits(dst, ns/1e6, 3)
	}
	return append(dst, 'Z')
}

// appendDigits appends v zero-padded to width digits (v >= 0).
func appendDigits(dst []byte, v, width int) []byte {
	var buf [9]byte
	for i := width - 1; i >= 0; i-- {
		buf[i] = byte('0' + v%10)
		v /= 10
	}
	return append(dst, buf[:width]...)
}

// smallInt reads an optionally negative decimal integer of at most 18
// digits without strconv's generality.
func smallInt(b []byte) (int64, bool) {
	neg := len(b) > 0 && b[0] == '-'
	if neg {
		b = b[1:]
	}
	if len(b) == 0 || len(b) > 18 {
		return 0, false
	}
	var n int64
	for _, c := range b {
		if c < '0' || c > '9' {
			return 0, false
		}
		n = n*10 + int64(c-'0')
	}
	if neg {
		n = -n
	}
	return n, true
}

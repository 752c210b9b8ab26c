package atlas

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
	"time"
	"unicode"
)

// APIError is an error answer of the Atlas API.
type APIError struct {
	// Call names what was asked ("downloading audit log of ...").
	Call      string
	Status    int
	ErrorCode string // e.g. STREAM_TENANT_NOT_FOUND_FOR_NAME; may be empty
	Detail    string // Atlas's explanation
	// Hint says what the user can do, where something helps.
	Hint string
	// RetryAfter is the server's Retry-After, zero when absent.
	RetryAfter time.Duration
}

func (e *APIError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s: atlas answered %d", e.Call, e.Status)
	if e.ErrorCode != "" {
		b.WriteString(" " + e.ErrorCode)
	}
	if e.Detail != "" {
		b.WriteString(": " + e.Detail)
	}
	if e.Hint != "" {
		b.WriteString(" (" + e.Hint + ")")
	}
	return b.String()
}

// errorBody is the JSON body of every Atlas error answer.
type errorBody struct {
	Error     int    `json:"error"`
	ErrorCode string `json:"errorCode"`
	Detail    string `json:"detail"`
	Reason    string `json:"reason"`
}

const maxErrorBody = 64 << 10

// readAPIError builds an APIError from an error answer; it reads (at most
// 64 KiB of) the body but does not close it.
func readAPIError(call string, resp *http.Response) *APIError {
	e := &APIError{Call: call, Status: resp.StatusCode, RetryAfter: parseRetryAfter(resp.Header.Get("Retry-After"), time.Now())}
	raw, _ := io.ReadAll(io.LimitReader(resp.Body, maxErrorBody))
	var body errorBody
	if json.Unmarshal(raw, &body) == nil {
		e.ErrorCode, e.Detail = body.ErrorCode, body.Detail
		if e.Detail == "" {
			e.Detail = body.Reason
		}
	} else {
		e.Detail = oneLine(string(raw), 200)
	}
	if e.ErrorCode == "" {
		e.ErrorCode = resp.Header.Get("X-Error-Code")
	}
	if e.Detail == "" {
		e.Detail = http.StatusText(resp.StatusCode)
	}
	return e
}

// parseRetryAfter reads Retry-After as seconds (decimals accepted) or as an
// HTTP date; zero when absent or unreadable.
func parseRetryAfter(v string, now time.Time) time.Duration {
	v = strings.TrimSpace(v)
	if v == "" {
		return 0
	}
	if s, err := strconv.ParseFloat(v, 64); err == nil {
		if s <= 0 || s > 24*3600 {
			return 0
		}
		return time.Duration(s * float64(time.Second))
	}
	if t, err := http.ParseTime(v); err == nil && t.After(now) {
		return t.Sub(now)
	}
	return 0
}

// oneLine keeps text printable on one line and at most n runes long.
func oneLine(s string, n int) string {
	s = strings.Join(strings.FieldsFunc(s, unicode.IsSpace), " ")
	s = strings.Map(func(r rune) rune {
		if unicode.IsPrint(r) {
			return r
		}
		return -1
	}, s)
	if r := []rune(s); len(r) > n {
		return string(r[:n]) + "..."
	}
	return s
}

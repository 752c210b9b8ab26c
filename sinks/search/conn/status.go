package conn

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"time"

	"github.com/elastic/go-elasticsearch/v8/esapi"

	"github.com/aspaudit/aspaudit/pipeline"
)

// StatusError is an answer whose HTTP status says the request failed.
type StatusError struct {
	Status int
	// Type and Reason come from the answer's error object, when it has one
	// ("mapper_parsing_exception", "failed to parse field ...").
	Type, Reason string
}

func (e *StatusError) Error() string {
	var s string
	switch {
	case e.Type != "":
		s = fmt.Sprintf("status %d: %s: %s", e.Status, e.Type, e.Reason)
	case e.Reason != "":
		s = fmt.Sprintf("status %d: %s", e.Status, e.Reason)
	default:
		s = fmt.Sprintf("status %d", e.Status)
	}
	if e.Status == http.StatusUnauthorized {
		s += " (the cluster refused the credentials: check the username and password, API key or AWS identity configured)"
	}
	return s
}

func asStatus(err error, se **StatusError) bool { return errors.As(err, se) }

// Check returns nil for a 2xx answer. Otherwise it reads the answer's error
// and returns a *StatusError classified for pipeline/retry: 429 is a
// throttle (with the server's Retry-After), other 5xx and 408 are worth
// retrying, and other 4xx are permanent. It does not close the body.
func Check(res *esapi.Response) error {
	if res.StatusCode >= 200 && res.StatusCode <= 299 {
		return nil
	}
	se := &StatusError{Status: res.StatusCode}
	body, _ := io.ReadAll(io.LimitReader(res.Body, 64<<10))
	se.Type, se.Reason = ParseError(body)
	return classifyAnswer(res.Header, se)
}

// classifyAnswer wraps an error answer: a write block or a full cluster
// first (see Block), then by what its status says about retrying.
func classifyAnswer(h http.Header, se *StatusError) error {
	if blocked := Block(se.Status, se.Type, se.Reason); blocked != nil {
		return blocked
	}
	return Classify(se.Status, h, se)
}

// Classify wraps err by what status says about retrying.
func Classify(status int, h http.Header, err error) error {
	switch {
	case status == http.StatusTooManyRequests:
		return pipeline.Throttle(err, RetryAfter(h.Get("Retry-After"), time.Now()))
	case status >= 500, status == http.StatusRequestTimeout:
		return err
	}
	return pipeline.Permanent(err)
}

// ParseError extracts the type and reason of an error answer, which is
// {"error": {"type", "reason", "root_cause"}, "status"} or, from some
// proxies and older APIs, {"error": "text"} or plain text.
func ParseError(body []byte) (typ, reason string) {
	var obj struct {
		Error json.RawMessage `json:"error"`
	}
	if json.Unmarshal(body, &obj) != nil || len(obj.Error) == 0 {
		return "", truncate(string(body))
	}
	var e struct {
		Type   string `json:"type"`
		Reason string `json:"reason"`
	}
	if json.Unmarshal(obj.Error, &e) == nil {
		return e.Type, truncate(e.Reason)
	}
	var s string
	if json.Unmarshal(obj.Error, &s) == nil {
		return "", truncate(s)
	}
	return "", truncate(string(obj.Error))
}

// truncate keeps reasons short enough for logs and dead letters.
func truncate(s string) string {
	const max = 2000
	if len(s) > max {
		return s[:max] + "..."
	}
	return s
}

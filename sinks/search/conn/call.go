package conn

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"

	"github.com/elastic/go-elasticsearch/v8/esapi"
)

// Answer is a cluster's reply to one request, read whole.
type Answer struct {
	Status int
	Header http.Header
	Body   []byte
}

// OK reports a 2xx status.
func (a Answer) OK() bool { return a.Status >= 200 && a.Status <= 299 }

// Err returns nil for a 2xx answer, else a *StatusError classified for
// pipeline/retry (429 throttle, 5xx transient, other 4xx permanent).
func (a Answer) Err() error {
	if a.OK() {
		return nil
	}
	se := &StatusError{Status: a.Status}
	se.Type, se.Reason = ParseError(a.Body)
	return classifyAnswer(a.Header, se)
}

// ErrorType returns the type of an error answer
// ("version_conflict_engine_exception").
func (a Answer) ErrorType() string {
	typ, _ := ParseError(a.Body)
	return typ
}

// NoHandler reports an answer saying the cluster has no such API: the
// feature (ILM, ISM, security) is not installed.
func (a Answer) NoHandler() bool {
	switch a.Status {
	case http.StatusMethodNotAllowed:
		return true
	case http.StatusBadRequest, http.StatusNotFound:
		typ, reason := ParseError(a.Body)
		return typ == "" && strings.HasPrefix(reason, "no handler found")
	}
	return false
}

// Call sends one request to path (its names already escaped) and reads at
// most limit bytes of the answer. body is sent as JSON, or as NDJSON when it
// is a []byte (for _bulk); nil sends none. The error is set only when no
// answer came: callers judge the status.
func Call(ctx context.Context, tp esapi.Transport, method, path string, q url.Values, body any, limit int64) (Answer, error) {
	var rd io.Reader
	contentType := "application/json"
	switch b := body.(type) {
	case nil:
	case []byte:
		rd, contentType = bytes.NewReader(b), "application/x-ndjson"
	default:
		enc, err := json.Marshal(b)
		if err != nil {
			return Answer{}, fmt.Errorf("encoding %s %s: %w", method, path, err)
		}
		rd = bytes.NewReader(enc)
	}
	target := path
	if len(q) > 0 {
		target += "?" + q.Encode()
	}
	req, err := http.NewRequestWithContext(ctx, method, target, rd)
	if err != nil {
		return Answer{}, fmt.Errorf("building %s %s: %w", method, path, err)
	}
	if rd != nil {
		req.Header.Set("Content-Type", contentType)
	}
	res, err := tp.Perform(req)
	if err != nil {
		return Answer{}, fmt.Errorf("%s %s: %w", method, path, err)
	}
	defer res.Body.Close()
	b, err := io.ReadAll(io.LimitReader(res.Body, limit))
	if err != nil {
		return Answer{}, fmt.Errorf("reading the answer to %s %s: %w", method, path, err)
	}
	return Answer{Status: res.StatusCode, Header: res.Header, Body: b}, nil
}

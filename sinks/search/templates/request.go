package templates

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

	"github.com/aspaudit/aspaudit/sinks/search/conn"
)

// maxAnswer bounds how much of an answer is read (index lists of large
// clusters are the biggest).
const maxAnswer = 64 << 20

// answer is a cluster's reply to one request.
type answer struct {
	status int
	header http.Header
	body   []byte
}

// ok reports a 2xx status.
func (a answer) ok() bool { return a.status >= 200 && a.status <= 299 }

// err returns nil for a 2xx answer, else a *conn.StatusError classified
// for pipeline/retry (429 throttle, 5xx transient, other 4xx permanent).
func (a answer) err() error {
	if a.ok() {
		return nil
	}
	se := &conn.StatusError{Status: a.status}
	se.Type, se.Reason = conn.ParseError(a.body)
	return conn.Classify(a.status, a.header, se)
}

// noHandler reports an answer saying the cluster has no such API: the
// feature (ILM, ISM, security) is not installed.
func (a answer) noHandler() bool {
	switch a.status {
	case http.StatusMethodNotAllowed:
		return true
	case http.StatusBadRequest, http.StatusNotFound:
		typ, reason := conn.ParseError(a.body)
		return typ == "" && strings.HasPrefix(reason, "no handler found")
	}
	return false
}

// call sends one request to path (already escaped, see escape); body,
// when not nil, is sent as JSON. The error
// is set only when no answer came; callers judge the status.
func call(ctx context.Context, tp esapi.Transport, method, path string, q url.Values, body any) (answer, error) {
	var rd io.Reader
	if body != nil {
		b, err := json.Marshal(body)
		if err != nil {
			return answer{}, fmt.Errorf("encoding %s %s: %w", method, path, err)
		}
		rd = bytes.NewReader(b)
	}
	target := path
	if len(q) > 0 {
		target += "?" + q.Encode()
	}
	req, err := http.NewRequestWithContext(ctx, method, target, rd)
	if err != nil {
		return answer{}, fmt.Errorf("building %s %s: %w", method, path, err)
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	res, err := tp.Perform(req)
	if err != nil {
		return answer{}, fmt.Errorf("%s %s: %w", method, path, err)
	}
	defer res.Body.Close()
	b, err := io.ReadAll(io.LimitReader(res.Body, maxAnswer))
	if err != nil {
		return answer{}, fmt.Errorf("reading the answer to %s %s: %w", method, path, err)
	}
	return answer{status: res.StatusCode, header: res.Header, body: b}, nil
}

// callOK is call that also turns a non-2xx status into an error.
func callOK(ctx context.Context, tp esapi.Transport, method, path string, q url.Values, body any) (answer, error) {
	a, err := call(ctx, tp, method, path, q, body)
	if err != nil {
		return a, err
	}
	if err := a.err(); err != nil {
		return a, fmt.Errorf("%s %s: %w", method, path, err)
	}
	return a, nil
}

// escape makes names safe as one path segment, comma-separated.
func escape(names ...string) string {
	out := make([]string, len(names))
	for i, n := range names {
		out[i] = url.PathEscape(n)
	}
	return strings.Join(out, ",")
}

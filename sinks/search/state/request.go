package state

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"

	"github.com/elastic/go-elasticsearch/v8/esapi"

	"github.com/aspaudit/aspaudit/sinks/search/conn"
)

// maxAnswer bounds how much of an answer is read.
const maxAnswer = 32 << 20

// answer is a cluster's reply to one request.
type answer struct {
	status int
	header http.Header
	body   []byte
}

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

// errorType returns the type of an error answer
// ("version_conflict_engine_exception").
func (a answer) errorType() string {
	typ, _ := conn.ParseError(a.body)
	return typ
}

// call sends one request to path (its names escaped with url.PathEscape);
// body is sent as JSON unless it is already []byte (NDJSON for _bulk).
// The error is set only when no answer came; callers judge the status.
func call(ctx context.Context, tp esapi.Transport, method, path string, q url.Values, body any) (answer, error) {
	var rd io.Reader
	contentType := "application/json"
	switch b := body.(type) {
	case nil:
	case []byte:
		rd, contentType = bytes.NewReader(b), "application/x-ndjson"
	default:
		enc, err := json.Marshal(b)
		if err != nil {
			return answer{}, fmt.Errorf("encoding %s %s: %w", method, path, err)
		}
		rd = bytes.NewReader(enc)
	}
	if len(q) > 0 {
		path += "?" + q.Encode()
	}
	req, err := http.NewRequestWithContext(ctx, method, path, rd)
	if err != nil {
		return answer{}, fmt.Errorf("building %s request: %w", method, err)
	}
	if rd != nil {
		req.Header.Set("Content-Type", contentType)
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

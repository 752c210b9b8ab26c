package conn

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"

	"github.com/elastic/go-elasticsearch/v8/esapi"
)

// ErrTooLarge is a whole _bulk request refused with 413: the caller splits
// it.
var ErrTooLarge = errors.New("bulk request too large for the cluster (413)")

// Bulk sends one _bulk request: body holds the action and document lines
// (gzipped when header says so); pipeline, when not empty, names the
// ingest pipeline the cluster runs on each document. It returns the answer's raw body for a
// 2xx answer; ErrTooLarge for a 413; an error classified by Check (a
// flood-stage block, a throttle, retryable, or permanent) for any other
// error status; a plain error when no answer came (retryable). Both the
// event sink and the dead-letter index write through it, and read its
// items with BulkItems and ItemVerdictOf.
func Bulk(ctx context.Context, tp esapi.Transport, body io.Reader, header http.Header, filterPath []string, pipeline string) ([]byte, error) {
	res, err := esapi.BulkRequest{Body: body, Header: header, FilterPath: filterPath, Pipeline: pipeline}.Do(ctx, tp)
	if err != nil {
		return nil, fmt.Errorf("sending bulk request: %w", err)
	}
	defer func() { _, _ = io.Copy(io.Discard, res.Body); _ = res.Body.Close() }()
	if res.StatusCode == http.StatusRequestEntityTooLarge {
		return nil, ErrTooLarge
	}
	if err := Check(res); err != nil {
		return nil, fmt.Errorf("bulk request: %w", err)
	}
	raw, err := io.ReadAll(res.Body)
	if err != nil {
		return nil, fmt.Errorf("reading bulk answer: %w", err)
	}
	return raw, nil
}

// BulkItem is one item of a _bulk answer, whatever its action.
type BulkItem struct {
	Status int        `json:"status"`
	Error  *ItemError `json:"error"`
}

// ItemError is the error object of a bulk item.
type ItemError struct {
	Type     string     `json:"type"`
	Reason   string     `json:"reason"`
	CausedBy *ItemError `json:"caused_by"`
}

// Text returns "type: reason", with the first cause when there is one
// (mapper_parsing_exception says which field, its cause says why).
func (e *ItemError) Text() string {
	if e == nil {
		return ""
	}
	s := e.Type + ": " + e.Reason
	if c := e.CausedBy; c != nil && c.Reason != "" {
		s += fmt.Sprintf(" (caused by %s: %s)", c.Type, c.Reason)
	}
	return s
}

// BulkItems decodes the items of a 2xx _bulk answer, in the order sent,
// and checks there are n of them.
func BulkItems(raw []byte, n int) ([]BulkItem, error) {
	var ans struct {
		Items []map[string]BulkItem `json:"items"`
	}
	if err := json.Unmarshal(raw, &ans); err != nil {
		return nil, fmt.Errorf("reading bulk answer: %w", err)
	}
	if len(ans.Items) != n {
		return nil, fmt.Errorf("bulk answer lists %d items for %d sent", len(ans.Items), n)
	}
	out := make([]BulkItem, n)
	for i, m := range ans.Items {
		for _, it := range m { // one action per item
			out[i] = it
		}
	}
	return out, nil
}

// AllCreated recognises the common answer without decoding it: no errors
// and one create item per document sent (with the sink's filter path).
func AllCreated(raw []byte, n int) bool {
	return bytes.HasPrefix(raw, []byte(`{"errors":false,"items":[`)) &&
		bytes.Count(raw, []byte(`{"create":{`)) == n
}

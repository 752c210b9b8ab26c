package search

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"sync"

	"github.com/elastic/go-elasticsearch/v8/esapi"
	"github.com/klauspost/compress/gzip"

	"github.com/aspaudit/aspaudit/sinks/search/conn"
)

// errTooLarge is a whole request refused with 413.
var errTooLarge = errors.New("bulk request too large for the cluster (413)")

// bulkAnswer is the part of a _bulk answer the sink reads; filterPath asks
// the cluster for nothing more.
type bulkAnswer struct {
	Errors bool `json:"errors"`
	Items  []struct {
		Create struct {
			Status int        `json:"status"`
			Error  *itemError `json:"error"`
		} `json:"create"`
	} `json:"items"`
}

var filterPath = []string{"errors", "items.*.status", "items.*.error"}

// attempt sends items in one bulk request and settles each item the
// cluster answered for. It returns the items to retry (429, 5xx), or an
// error when the request as a whole failed: errTooLarge, or an error
// classified by conn.Check (a throttle, retryable, or permanent), or a
// transport error (retryable).
func (s *Sink) attempt(ctx context.Context, items []*item) ([]*item, error) {
	body, header, err := s.body(items)
	if err != nil {
		return nil, err
	}
	select {
	case s.inflight <- struct{}{}:
	case <-ctx.Done():
		return nil, ctx.Err()
	}
	defer func() { <-s.inflight }()
	res, err := esapi.BulkRequest{Body: body, Header: header, FilterPath: filterPath}.Do(ctx, s.client)
	if err != nil {
		return nil, fmt.Errorf("sending bulk request: %w", err)
	}
	defer func() { _, _ = io.Copy(io.Discard, res.Body); _ = res.Body.Close() }()
	if res.StatusCode == http.StatusRequestEntityTooLarge {
		return nil, errTooLarge
	}
	if err := conn.Check(res); err != nil {
		return nil, fmt.Errorf("bulk request: %w", err)
	}
	raw, err := io.ReadAll(res.Body)
	if err != nil {
		return nil, fmt.Errorf("reading bulk answer: %w", err)
	}
	if allCreated(raw, len(items)) {
		for _, it := range items {
			it.w.settle(it.idx, outcome{kind: stored, status: http.StatusCreated})
		}
		return nil, nil
	}
	var ans bulkAnswer
	if err := json.Unmarshal(raw, &ans); err != nil {
		return nil, fmt.Errorf("reading bulk answer: %w", err)
	}
	if len(ans.Items) != len(items) {
		return nil, fmt.Errorf("bulk answer lists %d items for %d sent", len(ans.Items), len(items))
	}
	return s.settleItems(items, &ans), nil
}

// allCreated recognises the common answer without decoding it: no errors
// and one create item per event sent. Anything else is decoded in full.
func allCreated(raw []byte, n int) bool {
	return bytes.HasPrefix(raw, []byte(`{"errors":false,"items":[`)) &&
		bytes.Count(raw, []byte(`{"create":{`)) == n
}

// settleItems records each item's outcome and returns those to retry.
func (s *Sink) settleItems(items []*item, ans *bulkAnswer) []*item {
	var again []*item
	for i, it := range items {
		a := ans.Items[i].Create
		if !ans.Errors {
			it.w.settle(it.idx, outcome{kind: stored, status: a.Status})
			continue
		}
		k, retry := itemKind(a.Status)
		if retry {
			again = append(again, it)
			continue
		}
		it.w.settle(it.idx, outcome{kind: k, status: a.Status, reason: a.Error.text()})
	}
	return again
}

// body concatenates the items' lines into a request body, gzipped when
// compress is on. Bodies are not pooled: the HTTP transport may still
// read a body after the answer came.
func (s *Sink) body(items []*item) (io.Reader, http.Header, error) {
	n := 0
	for _, it := range items {
		n += len(it.line)
	}
	header := http.Header{"Content-Type": {"application/x-ndjson"}}
	if !s.cfg.Compress {
		buf := make([]byte, 0, n)
		for _, it := range items {
			buf = append(buf, it.line...)
		}
		return bytes.NewReader(buf), header, nil
	}
	var buf bytes.Buffer
	buf.Grow(n/8 + 512)
	zw := gzipWriters.Get().(*gzip.Writer)
	defer gzipWriters.Put(zw)
	zw.Reset(&buf)
	for _, it := range items {
		if _, err := zw.Write(it.line); err != nil {
			return nil, nil, fmt.Errorf("compressing bulk body: %w", err)
		}
	}
	if err := zw.Close(); err != nil {
		return nil, nil, fmt.Errorf("compressing bulk body: %w", err)
	}
	header.Set("Content-Encoding", "gzip")
	return bytes.NewReader(buf.Bytes()), header, nil
}

// gzipWriters reuses compressors: each holds several hundred KB of state.
// klauspost/compress (already in the build through the Prometheus client)
// compresses at BestSpeed about twice as fast as the standard library for
// a similar ratio: bulk JSON shrinks well even so, and the sink's CPU is
// taken from the cluster when both share a machine.
var gzipWriters = sync.Pool{New: func() any {
	zw, _ := gzip.NewWriterLevel(io.Discard, gzip.BestSpeed) // a valid level never fails
	return zw
}}

package search

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"

	"github.com/elastic/go-elasticsearch/v8/esapi"

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

// attempt sends items in one bulk request, leaving out those of Write
// calls that returned already, and settles each item the cluster answered
// for. It returns the items it sent and, of those, the ones to retry (429,
// 5xx); or an error when the request as a whole failed: errTooLarge, an
// error classified by conn.Check (a throttle, retryable, or permanent), or
// a transport error (retryable).
func (s *Sink) attempt(ctx context.Context, items []*item) (sent, again []*item, err error) {
	body, header, sent, err := s.body(items)
	if err != nil {
		return items, nil, err
	}
	if len(sent) == 0 {
		return nil, nil, nil
	}
	select {
	case s.inflight <- struct{}{}:
	case <-ctx.Done():
		return sent, nil, ctx.Err()
	}
	defer func() { <-s.inflight }()
	res, err := esapi.BulkRequest{Body: body, Header: header, FilterPath: filterPath, Pipeline: s.cfg.Templates.Pipeline}.Do(ctx, s.client)
	if err != nil {
		return sent, nil, fmt.Errorf("sending bulk request: %w", err)
	}
	defer func() { _, _ = io.Copy(io.Discard, res.Body); _ = res.Body.Close() }()
	if res.StatusCode == http.StatusRequestEntityTooLarge {
		return sent, nil, errTooLarge
	}
	if err := conn.Check(res); err != nil {
		return sent, nil, fmt.Errorf("bulk request: %w", err)
	}
	again, err = s.readAnswer(res.Body, sent)
	return sent, again, err
}

// readAnswer settles the items of a 2xx answer and returns those to retry.
func (s *Sink) readAnswer(body io.Reader, sent []*item) ([]*item, error) {
	raw, err := io.ReadAll(body)
	if err != nil {
		return nil, fmt.Errorf("reading bulk answer: %w", err)
	}
	if allCreated(raw, len(sent)) {
		for _, it := range sent {
			it.w.settle(it.idx, outcome{kind: stored, status: http.StatusCreated})
		}
		return nil, nil
	}
	var ans bulkAnswer
	if err := json.Unmarshal(raw, &ans); err != nil {
		return nil, fmt.Errorf("reading bulk answer: %w", err)
	}
	if len(ans.Items) != len(sent) {
		return nil, fmt.Errorf("bulk answer lists %d items for %d sent", len(ans.Items), len(sent))
	}
	return s.settleItems(sent, &ans), nil
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
		if full := floodStage(a.Status, a.Error); full != nil {
			// Retrying waits for someone to free space: the window
			// layer decides whether to (see pipeline.StorageFull).
			it.w.fail(it.idx, full)
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

package pipelinetest

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"sync"

	"github.com/aspaudit/aspaudit/pipeline"
)

var _ pipeline.Sink = (*Recorder)(nil)

// Recorder is a faithful in-memory sink: it stores documents by id, so an
// id written again is a duplicate, and rejects for good what a real sink
// would refuse (an event without an id, a document that is not a JSON
// object) with status 400. A Write with an ended context fails before
// storing anything. The zero value is ready to use; it is safe for
// concurrent use and keeps its documents after Close.
type Recorder struct {
	mu      sync.Mutex
	docs    map[string][]byte
	batches int
	closed  int
}

// Write stores the new events of batch and reports the others as
// duplicates or rejections.
func (r *Recorder) Write(ctx context.Context, batch []pipeline.Event) (pipeline.WriteResult, error) {
	if err := ctx.Err(); err != nil {
		return pipeline.WriteResult{}, fmt.Errorf("recording batch: %w", err)
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.docs == nil {
		r.docs = make(map[string][]byte)
	}
	r.batches++
	var res pipeline.WriteResult
	for _, e := range batch {
		if reason := Invalid(e); reason != "" {
			res.Rejected = append(res.Rejected, pipeline.Rejection{Event: e, Status: 400, Reason: reason})
			continue
		}
		if _, ok := r.docs[e.ID]; ok {
			res.Duplicates++
			continue
		}
		r.docs[e.ID] = bytes.Clone(e.Doc)
		res.Stored++
	}
	return res, nil
}

// Invalid says why a sink must reject e for good, or "" when e can be
// stored: an empty id, or a document that is not one JSON object.
func Invalid(e pipeline.Event) string {
	if e.ID == "" {
		return "event has no id"
	}
	if !json.Valid(e.Doc) || !strings.HasPrefix(strings.TrimLeft(string(e.Doc), " \t\r\n"), "{") {
		return "document is not a JSON object"
	}
	return ""
}

// Close marks the recorder closed; it keeps its documents.
func (r *Recorder) Close(context.Context) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.closed++
	return nil
}

// Docs returns the stored documents, sorted by id.
func (r *Recorder) Docs() []Doc {
	r.mu.Lock()
	defer r.mu.Unlock()
	out := make([]Doc, 0, len(r.docs))
	for id, doc := range r.docs {
		out = append(out, Doc{ID: id, Source: bytes.Clone(doc)})
	}
	slices.SortFunc(out, func(a, b Doc) int { return strings.Compare(a.ID, b.ID) })
	return out
}

// Doc returns the stored document of id.
func (r *Recorder) Doc(id string) ([]byte, bool) {
	r.mu.Lock()
	defer r.mu.Unlock()
	doc, ok := r.docs[id]
	return bytes.Clone(doc), ok
}

// Len returns the number of stored documents.
func (r *Recorder) Len() int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return len(r.docs)
}

// Batches returns the number of Write calls that got past the context
// check.
func (r *Recorder) Batches() int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.batches
}

// Closed reports how many times Close was called.
func (r *Recorder) Closed() int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.closed
}

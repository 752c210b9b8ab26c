package state

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"time"
	"unicode/utf8"

	"github.com/elastic/go-elasticsearch/v8/esapi"

	"github.com/aspaudit/aspaudit/pipeline"
	"github.com/aspaudit/aspaudit/pipeline/retry"
)

// DeadLetterIndex keeps refused events in an index of the cluster. It is
// safe for concurrent use.
type DeadLetterIndex struct {
	tp     esapi.Transport
	index  indexCreator
	policy retry.Policy
	log    *slog.Logger
	now    func() time.Time
}

var _ pipeline.DeadLetter = (*DeadLetterIndex)(nil)

// NewDeadLetterIndex returns the dead-letter place cfg.DeadLetterIndex,
// reached through tp (a *conn.Client), or an error when cfg names none. It
// does not contact the cluster: the index is created on the first Put, or
// by EnsureIndex. log may be nil.
func NewDeadLetterIndex(tp esapi.Transport, cfg Config, log *slog.Logger) (*DeadLetterIndex, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	if cfg.DeadLetterIndex == "" {
		return nil, errors.New("dead_letter_index: not set")
	}
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	return &DeadLetterIndex{
		tp:     tp,
		index:  indexCreator{name: cfg.DeadLetterIndex, body: indexBody(deadLetterMapping, false)},
		policy: retry.Policy{Initial: 200 * time.Millisecond, Max: 10 * time.Second, Multiplier: 2, Budget: 2 * time.Minute},
		log:    log,
		now:    time.Now,
	}, nil
}

// EnsureIndex creates the dead-letter index with its mapping unless it
// exists.
func (d *DeadLetterIndex) EnsureIndex(ctx context.Context) error {
	return d.index.ensure(ctx, d.tp)
}

// Index returns the dead-letter index's name.
func (d *DeadLetterIndex) Index() string { return d.index.name }

// Where names the place for summaries: "index aspaudit-dead-letter".
func (d *DeadLetterIndex) Where() string { return "index " + d.index.name }

// Close releases nothing (the client belongs to the caller); calling it
// twice is safe.
func (d *DeadLetterIndex) Close(context.Context) error { return nil }

// deadLetter is the stored form of one rejection. The refused document is
// kept as text, or, when it is not valid UTF-8 (which JSON text cannot
// carry), as base64 in document_base64, so it reads back byte for byte.
type deadLetter struct {
	Timestamp      time.Time `json:"@timestamp"`
	EventID        string    `json:"event_id"`
	EventTime      time.Time `json:"event_time"`
	ParseFailure   bool      `json:"parse_failure"`
	Status         int       `json:"status"`
	Reason         string    `json:"reason"`
	Document       *string   `json:"document,omitempty"`
	DocumentBase64 []byte    `json:"document_base64,omitempty"`
}

// newDeadLetter returns the stored form of r.
func newDeadLetter(r pipeline.Rejection, now time.Time) deadLetter {
	dl := deadLetter{
		Timestamp: now, EventID: r.Event.ID, EventTime: r.Event.Time.UTC(), ParseFailure: r.Event.Failed,
		Status: r.Status, Reason: r.Reason,
	}
	if utf8.Valid(r.Event.Doc) {
		doc := string(r.Event.Doc)
		dl.Document = &doc
	} else {
		dl.DocumentBase64 = r.Event.Doc
	}
	return dl
}

// Put stores rs and returns once every one is acknowledged by the cluster
// (durable). Items the cluster asks to retry (429, 5xx) are retried with
// backoff for up to two minutes; an error means some may not be stored.
// Putting the same event again overwrites its dead letter.
func (d *DeadLetterIndex) Put(ctx context.Context, rs []pipeline.Rejection) error {
	if len(rs) == 0 {
		return nil
	}
	if err := d.EnsureIndex(ctx); err != nil {
		return err
	}
	now := d.now().UTC()
	items := make([][]byte, len(rs))
	for i, r := range rs {
		items[i] = bulkItem(d.index.name, r, now)
	}
	for len(items) > 0 {
		n := chunkLen(items)
		if err := d.putChunk(ctx, items[:n]); err != nil {
			return fmt.Errorf("storing dead letters in %s: %w", d.index.name, err)
		}
		items = items[n:]
	}
	return nil
}

// Bulk request bounds: well under every product's request size limit.
const (
	maxBulkBytes = 8 << 20
	maxBulkItems = 1000
)

// chunkLen returns how many items go in the next request: at least one,
// within the request bounds.
func chunkLen(items [][]byte) int {
	size := 0
	for i, it := range items {
		size += len(it)
		if i > 0 && (size > maxBulkBytes || i == maxBulkItems) {
			return i
		}
	}
	return len(items)
}

// bulkItem returns the action and document lines of one rejection.
func bulkItem(index string, r pipeline.Rejection, now time.Time) []byte {
	meta := map[string]any{"_index": index}
	if r.Event.ID != "" {
		meta["_id"] = r.Event.ID
	}
	action, _ := json.Marshal(map[string]any{"index": meta})
	doc, _ := json.Marshal(newDeadLetter(r, now))
	return append(append(append(action, '\n'), doc...), '\n')
}

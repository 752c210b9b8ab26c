package file

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sync"
	"sync/atomic"
	"time"
	"unicode/utf8"

	"github.com/aspaudit/aspaudit/pipeline"
)

var _ pipeline.DeadLetter = (*DeadLetter)(nil)

const deadLetterDir = "dead-letter"

// DeadLetter keeps rejected events as NDJSON under <path>/dead-letter,
// one file per Put, named by the time of the Put so that a listing is in
// order. It holds each event id once: a Put leaves out events whose id it
// (or an earlier process on the same directory) already keeps. Each file is written to a temp file, synced and renamed, so it is
// whole or absent after a crash. It is safe for concurrent use.
type DeadLetter struct {
	dir    string
	seq    atomic.Uint64
	mu     sync.RWMutex
	closed bool
	now    func() time.Time
	held   heldIDs
}

// NewDeadLetter opens the dead-letter place under the data directory
// path, creating it when missing.
func NewDeadLetter(path string) (*DeadLetter, error) {
	dir := filepath.Join(path, deadLetterDir)
	if err := os.MkdirAll(dir, dirMode); err != nil {
		return nil, fmt.Errorf("creating dead-letter directory: %w", err)
	}
	removeStaleTemps(dir, time.Hour)
	return &DeadLetter{dir: dir, now: time.Now}, nil
}

// removeStaleTemps removes temp files of Puts that crashed. Puts in
// progress in other processes hold theirs for moments, not an hour.
func removeStaleTemps(dir string, age time.Duration) {
	entries, _ := os.ReadDir(dir)
	for _, e := range entries {
		if info, err := e.Info(); err == nil && isTemp(e.Name()) && time.Since(info.ModTime()) > age {
			_ = os.Remove(filepath.Join(dir, e.Name()))
		}
	}
}

// DeadLetterRecord is one line of a dead-letter file. The document is in
// Doc when it is a JSON object, else in DocText when it is UTF-8 text,
// else in DocBase64.
type DeadLetterRecord struct {
	Time      time.Time       `json:"time"`
	ID        string          `json:"_id"`
	Status    int             `json:"status"`
	Reason    string          `json:"reason"`
	EventTime time.Time       `json:"event_time"`
	Failed    bool            `json:"parse_failure,omitempty"`
	Doc       json.RawMessage `json:"doc,omitempty"`
	DocText   string          `json:"doc_text,omitempty"`
	DocBase64 string          `json:"doc_base64,omitempty"`
}

func newRecord(at time.Time, r pipeline.Rejection) DeadLetterRecord {
	rec := DeadLetterRecord{Time: at, ID: r.Event.ID, Status: r.Status, Reason: r.Reason, EventTime: r.Event.Time.UTC(), Failed: r.Event.Failed}
	doc := bytes.TrimSpace(r.Event.Doc)
	var compact bytes.Buffer
	switch {
	case len(doc) > 0 && doc[0] == '{' && json.Compact(&compact, doc) == nil:
		rec.Doc = compact.Bytes()
	case utf8.Valid(r.Event.Doc):
		rec.DocText = string(r.Event.Doc)
	default:
		rec.DocBase64 = base64.StdEncoding.EncodeToString(r.Event.Doc)
	}
	return rec
}

// Rejection returns the rejection the record was made from.
func (rec DeadLetterRecord) Rejection() (pipeline.Rejection, error) {
	e := pipeline.Event{ID: rec.ID, Time: rec.EventTime, Failed: rec.Failed, Doc: rec.Doc}
	switch {
	case rec.DocBase64 != "":
		doc, err := base64.StdEncoding.DecodeString(rec.DocBase64)
		if err != nil {
			return pipeline.Rejection{}, fmt.Errorf("decoding doc_base64 of %q: %w", rec.ID, err)
		}
		e.Doc = doc
	case rec.Doc == nil:
		e.Doc = []byte(rec.DocText)
	}
	return pipeline.Rejection{Event: e, Status: rec.Status, Reason: rec.Reason}, nil
}

// Put writes rs to a new file and returns once it is durable.
func (d *DeadLetter) Put(ctx context.Context, rs []pipeline.Rejection) error {
	d.mu.RLock()
	defer d.mu.RUnlock()
	if d.closed {
		return pipeline.Permanent(errors.New("dead letter: put after close"))
	}
	if len(rs) == 0 {
		return nil
	}
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("putting %d dead letters: %w", len(rs), err)
	}
	d.held.mu.Lock() // one Put at a time decides what is new
	defer d.held.mu.Unlock()
	if err := d.held.load(ctx, filepath.Dir(d.dir)); err != nil {
		return fmt.Errorf("putting %d dead letters: %w", len(rs), err)
	}
	rs = d.held.fresh(rs)
	if len(rs) == 0 {
		return nil
	}
	now := d.now().UTC()
	name := fmt.Sprintf("%s-%d-%d.ndjson", now.Format("20060102T150405.000000000Z"), os.Getpid(), d.seq.Add(1))
	err := writeAtomic(d.dir, name, true, func(w io.Writer) error {
		enc := json.NewEncoder(w)
		enc.SetEscapeHTML(false)
		for _, r := range rs {
			if err := enc.Encode(newRecord(now, r)); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return diskFull(d.dir, fmt.Errorf("putting %d dead letters: %w", len(rs), err))
	}
	d.held.add(rs)
	return nil
}

// Where names the directory for summaries.
func (d *DeadLetter) Where() string { return "file " + d.dir }

// Close makes later Puts fail. Calling it again does nothing.
func (d *DeadLetter) Close(context.Context) error {
	d.mu.Lock()
	defer d.mu.Unlock()
	d.closed = true
	return nil
}

// ScanDeadLetters calls fn with every dead letter kept under the data
// directory path, oldest file first. An error from fn or a damaged file
// stops it.
func ScanDeadLetters(ctx context.Context, path string, fn func(DeadLetterRecord) error) error {
	dir := filepath.Join(path, deadLetterDir)
	entries, err := os.ReadDir(dir)
	if errors.Is(err, os.ErrNotExist) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("listing dead letters: %w", err)
	}
	for _, e := range entries {
		if isTemp(e.Name()) || filepath.Ext(e.Name()) != segmentExt {
			continue
		}
		if err := ctx.Err(); err != nil {
			return err
		}
		err := eachLine(filepath.Join(dir, e.Name()), func(line []byte) error {
			var rec DeadLetterRecord
			if err := json.Unmarshal(line, &rec); err != nil {
				return err
			}
			return fn(rec)
		})
		if err != nil {
			return fmt.Errorf("reading dead letters: %w", err)
		}
	}
	return nil
}

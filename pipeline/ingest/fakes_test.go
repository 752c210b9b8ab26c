package ingest

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/aspaudit/aspaudit/pipeline"
	"github.com/aspaudit/aspaudit/pipeline/pipelinetest"
	"github.com/aspaudit/aspaudit/pipeline/retry"
)

// lineParser is a trivial parser: the id hashes the line, the document
// holds a copy of it, and a line starting with "bad" is a parse failure.
type lineParser struct{}

func (lineParser) Parse(line []byte, w pipeline.Window) (pipeline.Event, error) {
	sum := sha256.Sum256(line)
	ev := pipeline.Event{ID: hex.EncodeToString(sum[:16]), Time: w.Start, Doc: bytes.Clone(line)}
	if bytes.HasPrefix(line, []byte("bad")) {
		ev.Failed = true
		return ev, errors.New("bad line")
	}
	return ev, nil
}

var _ pipeline.Parser = lineParser{}

// lines returns n distinct lines for w, each ending in "\n".
func lines(w pipeline.Window, n int) string {
	var b strings.Builder
	for i := range n {
		fmt.Fprintf(&b, "%s line %d\n", w, i)
	}
	return b.String()
}

// fakeSource serves a body per window; fail, when set, decides per fetch
// whether to fail instead (with that error).
type fakeSource struct {
	body    func(w pipeline.Window) string
	fail    func(w pipeline.Window, n int) error // n counts this window's fetches from 1
	mu      sync.Mutex
	fetches map[windowKey]int
	active  atomic.Int32
	maxSeen atomic.Int32
	hold    time.Duration // time each stream takes to read
}

func (s *fakeSource) Fetch(ctx context.Context, w pipeline.Window) (io.ReadCloser, error) {
	s.mu.Lock()
	if s.fetches == nil {
		s.fetches = map[windowKey]int{}
	}
	s.fetches[keyOf(w)]++
	n := s.fetches[keyOf(w)]
	s.mu.Unlock()
	if s.fail != nil {
		if err := s.fail(w, n); err != nil {
			return nil, err
		}
	}
	body := ""
	if s.body != nil {
		body = s.body(w)
	}
	cur := s.active.Add(1)
	for {
		m := s.maxSeen.Load()
		if cur <= m || s.maxSeen.CompareAndSwap(m, cur) {
			break
		}
	}
	if s.hold > 0 {
		_ = retry.Sleep(ctx, s.hold)
	}
	return &trackedBody{Reader: strings.NewReader(body), done: func() { s.active.Add(-1) }}, nil
}

func (s *fakeSource) fetchCount(w pipeline.Window) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.fetches[keyOf(w)]
}

func (s *fakeSource) totalFetches() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	n := 0
	for _, c := range s.fetches {
		n += c
	}
	return n
}

type trackedBody struct {
	io.Reader
	once sync.Once
	done func()
}

func (b *trackedBody) Close() error { b.once.Do(b.done); return nil }

// errReader serves data, then fails with err.
type errReader struct {
	data []byte
	err  error
}

func (r *errReader) Read(p []byte) (int, error) {
	if len(r.data) == 0 {
		return 0, r.err
	}
	n := copy(p, r.data)
	r.data = r.data[n:]
	return n, nil
}

func (r *errReader) Close() error { return nil }

type funcSource func(ctx context.Context, w pipeline.Window) (io.ReadCloser, error)

func (f funcSource) Fetch(ctx context.Context, w pipeline.Window) (io.ReadCloser, error) {
	return f(ctx, w)
}

// recSink stores events by id like a search server would: a known id is
// a duplicate, an id of a document starting with "reject" is rejected.
type recSink struct {
	delay   time.Duration
	block   bool  // block until ctx ends
	err     error // returned by every Write when set
	lie     bool  // account for one event fewer than given
	mu      sync.Mutex
	ids     map[string]int
	order   []string // documents in the order stored
	batches []int
	writing atomic.Int32
}

func (s *recSink) Write(ctx context.Context, batch []pipeline.Event) (pipeline.WriteResult, error) {
	s.writing.Add(1)
	defer s.writing.Add(-1)
	if s.block {
		<-ctx.Done()
		return pipeline.WriteResult{}, ctx.Err()
	}
	if s.delay > 0 {
		if err := retry.Sleep(ctx, s.delay); err != nil {
			return pipeline.WriteResult{}, err
		}
	}
	if s.err != nil {
		return pipeline.WriteResult{}, s.err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.ids == nil {
		s.ids = map[string]int{}
	}
	s.batches = append(s.batches, len(batch))
	var res pipeline.WriteResult
	for _, ev := range batch {
		switch {
		case bytes.Contains(ev.Doc, []byte("reject")):
			res.Rejected = append(res.Rejected, pipeline.Rejection{Event: ev, Status: 400, Reason: "mapper_parsing_exception"})
		case s.ids[ev.ID] > 0:
			s.ids[ev.ID]++
			res.Duplicates++
		default:
			s.ids[ev.ID]++
			s.order = append(s.order, string(ev.Doc))
			res.Stored++
		}
	}
	if s.lie && res.Stored > 0 {
		res.Stored--
	}
	return res, nil
}

func (s *recSink) Close(context.Context) error { return nil }

// docs returns the documents stored, in the order stored.
func (s *recSink) docs() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]string(nil), s.order...)
}

func (s *recSink) has(doc string) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, d := range s.order {
		if d == doc {
			return true
		}
	}
	return false
}

var _ pipeline.Sink = (*recSink)(nil)

// rig is an engine over fakes.
type rig struct {
	parser pipeline.Parser // lineParser{} unless set
	src    *fakeSource
	sink   *recSink
	dl     *pipelinetest.DeadLetters
	store  *pipelinetest.Checkpoints
	cfg    Config
	now    time.Time
	e      *Engine
}

func testConfig() Config {
	c := NewDefaultConfig()
	c.Workers = 3
	c.BatchSize = 50
	c.Retry = retry.Policy{Initial: time.Millisecond, Max: 5 * time.Millisecond, Multiplier: 2, MaxAttempts: 3}
	c.ShutdownTimeout = 2 * time.Second
	return c
}

func newRig(t *testing.T, mod func(*rig)) *rig {
	t.Helper()
	r := &rig{
		src:   &fakeSource{body: func(w pipeline.Window) string { return lines(w, 120) }},
		sink:  &recSink{},
		dl:    &pipelinetest.DeadLetters{},
		store: &pipelinetest.Checkpoints{},
		cfg:   testConfig(),
		now:   time.Date(2026, 11, 10, 12, 0, 0, 0, time.UTC),
	}
	if mod != nil {
		mod(r)
	}
	if r.parser == nil {
		r.parser = lineParser{}
	}
	e, err := New(r.cfg, Deps{Source: r.src, Parser: r.parser, Sink: r.sink, DeadLetter: r.dl,
		Checkpoints: r.store, Now: func() time.Time { return r.now }})
	if err != nil {
		t.Fatal(err)
	}
	r.e = e
	return r
}

var (
	seriesA = pipeline.Series{ProjectID: "32b6e34b3d91647abb20e7b8", Workspace: "ws-a"}
	seriesB = pipeline.Series{ProjectID: "32b6e34b3d91647abb20e7b8", Workspace: "ws-b"}
)

func day(d, h int) time.Time { return time.Date(2026, 11, d, h, 0, 0, 0, time.UTC) }

func win(s pipeline.Series, a, b time.Time) pipeline.Window {
	return pipeline.Window{Series: s, Start: a, End: b}
}

// seriesFetches counts the fetches of every window of s.
func (s *fakeSource) seriesFetches(series pipeline.Series) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	n := 0
	for k, c := range s.fetches {
		if k.series == series {
			n += c
		}
	}
	return n
}

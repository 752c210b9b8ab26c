package pipelinetest

import (
	"bytes"
	"context"
	"fmt"
	"slices"
	"sync"

	"github.com/aspaudit/aspaudit/pipeline"
)

var (
	_ pipeline.CheckpointStore = (*Checkpoints)(nil)
	_ pipeline.DeadLetter      = (*DeadLetters)(nil)
)

// Checkpoints is an in-memory CheckpointStore. Set its fields before use:
// MarkErr makes every MarkStored fail with it; OnMark runs at the start of
// every MarkStored whose context has not ended (before MarkErr applies);
// CoverageErr, when it returns an error for a series, makes Coverage of
// that series fail with it. The zero value is ready to use and safe for
// concurrent use.
type Checkpoints struct {
	MarkErr     error
	OnMark      func(s pipeline.Series, r pipeline.Range)
	CoverageErr func(s pipeline.Series) error

	mu     sync.Mutex
	series map[pipeline.Series]pipeline.Coverage
	marks  int
}

// Coverage returns the coverage recorded for s.
func (c *Checkpoints) Coverage(ctx context.Context, s pipeline.Series) (pipeline.Coverage, error) {
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("reading coverage of %s: %w", s, err)
	}
	if c.CoverageErr != nil {
		if err := c.CoverageErr(s); err != nil {
			return nil, err
		}
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	return slices.Clone(c.series[s]), nil
}

// MarkStored adds r to the coverage of s.
func (c *Checkpoints) MarkStored(ctx context.Context, s pipeline.Series, r pipeline.Range) error {
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("recording coverage of %s: %w", s, err)
	}
	if c.OnMark != nil {
		c.OnMark(s, r)
	}
	if c.MarkErr != nil {
		return c.MarkErr
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.series == nil {
		c.series = make(map[pipeline.Series]pipeline.Coverage)
	}
	c.series[s] = c.series[s].Add(r)
	c.marks++
	return nil
}

// Set replaces the coverage of s, as if an earlier run had recorded it.
func (c *Checkpoints) Set(s pipeline.Series, cov pipeline.Coverage) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.series == nil {
		c.series = make(map[pipeline.Series]pipeline.Coverage)
	}
	c.series[s] = slices.Clone(cov)
}

// Covered returns a copy of the coverage recorded for s.
func (c *Checkpoints) Covered(s pipeline.Series) pipeline.Coverage {
	c.mu.Lock()
	defer c.mu.Unlock()
	return slices.Clone(c.series[s])
}

// Marks returns the number of successful MarkStored calls.
func (c *Checkpoints) Marks() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.marks
}

// DeadLetters is an in-memory DeadLetter. PutErr, when set before use,
// makes every Put fail with it. The zero value is ready to use and safe
// for concurrent use.
type DeadLetters struct {
	PutErr error

	mu sync.Mutex
	rs []pipeline.Rejection
}

// Put keeps copies of rs, except of events whose id it already holds.
func (d *DeadLetters) Put(ctx context.Context, rs []pipeline.Rejection) error {
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("putting %d dead letters: %w", len(rs), err)
	}
	if d.PutErr != nil {
		return d.PutErr
	}
	d.mu.Lock()
	defer d.mu.Unlock()
	for _, r := range rs {
		if r.Event.ID != "" && slices.ContainsFunc(d.rs, func(x pipeline.Rejection) bool { return x.Event.ID == r.Event.ID }) {
			continue
		}
		r.Event.Doc = bytes.Clone(r.Event.Doc)
		d.rs = append(d.rs, r)
	}
	return nil
}

// Where names the place for summaries.
func (d *DeadLetters) Where() string { return "memory" }

// Close does nothing; the rejections stay readable.
func (d *DeadLetters) Close(context.Context) error { return nil }

// Rejections returns copies of everything put so far, in order.
func (d *DeadLetters) Rejections() []pipeline.Rejection {
	d.mu.Lock()
	defer d.mu.Unlock()
	out := slices.Clone(d.rs)
	for i := range out {
		out[i].Event.Doc = bytes.Clone(out[i].Event.Doc)
	}
	return out
}

// Close does nothing; the checkpoints stay readable.
func (c *Checkpoints) Close(context.Context) error { return nil }

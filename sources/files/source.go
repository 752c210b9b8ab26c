package files

import (
	"context"
	"fmt"
	"io"
	"slices"

	"github.com/aspaudit/aspaudit/pipeline"
)

var _ pipeline.Source = (*Source)(nil)

// Source serves imported archives as windows. Several archives with the same
// window (copies, or unnamed files of one workspace) are served one after the
// other as that window's content; duplicate lines are harmless since event
// ids are deterministic. A Source is safe for concurrent use once built.
type Source struct {
	windows []pipeline.Window
	paths   map[windowKey][]Archive
}

// windowKey compares windows by value, whatever their time.Location.
type windowKey struct {
	pipeline.Series
	start, end int64
}

func keyOf(w pipeline.Window) windowKey {
	return windowKey{Series: w.Series, start: w.Start.Unix(), end: w.End.Unix()}
}

// NewSource serves archives. Windows returns their distinct windows in the
// order the archives are given.
func NewSource(archives []Archive) *Source {
	s := &Source{paths: map[windowKey][]Archive{}}
	for _, a := range archives {
		k := keyOf(a.Window)
		if _, seen := s.paths[k]; !seen {
			s.windows = append(s.windows, a.Window)
		}
		s.paths[k] = append(s.paths[k], a)
	}
	return s
}

// Windows returns the distinct windows of the archives.
func (s *Source) Windows() []pipeline.Window { return slices.Clone(s.windows) }

// Fetch returns the content of every archive of w, one after the other,
// opening each only when the previous one is read. A window with no archive
// is a permanent error.
func (s *Source) Fetch(ctx context.Context, w pipeline.Window) (io.ReadCloser, error) {
	as := s.paths[keyOf(w)]
	if len(as) == 0 {
		return nil, pipeline.Permanent(fmt.Errorf("fetching %s: no imported archive holds this window", w))
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	first, err := as[0].Open()
	if err != nil {
		return nil, err
	}
	return &chain{ctx: ctx, rest: as[1:], cur: first}, nil
}

// chain reads archives in turn, adding a newline between two files when the
// first does not end with one.
type chain struct {
	ctx    context.Context
	rest   []Archive
	cur    io.ReadCloser
	last   byte
	pendNL bool
}

func (c *chain) Read(p []byte) (int, error) {
	for len(p) > 0 {
		if c.cur == nil {
			return 0, io.EOF
		}
		if c.pendNL {
			c.pendNL, p[0], c.last = false, '\n', '\n'
			return 1, nil
		}
		n, err := c.cur.Read(p)
		if n > 0 {
			c.last = p[n-1]
		}
		if err != io.EOF {
			return n, err
		}
		if err := c.next(); err != nil || n > 0 {
			return n, err
		}
	}
	return 0, nil
}

func (c *chain) next() error {
	_ = c.cur.Close()
	c.cur = nil
	if len(c.rest) == 0 {
		return nil
	}
	if err := c.ctx.Err(); err != nil {
		return err
	}
	r, err := c.rest[0].Open()
	if err != nil {
		return err
	}
	c.rest, c.cur = c.rest[1:], r
	c.pendNL = c.last != 0 && c.last != '\n'
	return nil
}

func (c *chain) Close() error {
	if c.cur == nil {
		return nil
	}
	err := c.cur.Close()
	c.cur = nil
	return err
}

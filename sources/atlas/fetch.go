package atlas

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/url"
	"strconv"
	"sync"
	"time"

	"github.com/aspaudit/aspaudit/pipeline"
	"github.com/aspaudit/aspaudit/sources/archive"
)

// Fetch downloads the log of w (its LogType chooses the endpoint) with
// one request and returns its decompressed lines as a stream, which the
// caller must close: until then the download holds one of
// Config.Concurrency slots. Fetch blocks for the
// project's rate limit, a free slot and the response headers.
//
// Errors before any request (a project id that is not 24 hex digits, an
// empty workspace, a window without a time range) and error answers that
// will not change are pipeline.Permanent; 429s are pipeline.Throttle with
// Atlas's Retry-After; anything else is worth retrying. Reads from the
// stream fail, never end early, when the body is cut short, corrupt or goes
// idle for Timeouts.IdleRead; such errors are retryable and fail the whole
// window.
func (c *Client) Fetch(ctx context.Context, w pipeline.Window) (io.ReadCloser, error) {
	ep, known := endpointOf(w.LogType)
	call := "downloading " + ep.what + " of " + w.String()
	if !known {
		return nil, pipeline.Permanent(fmt.Errorf("downloading %s: Atlas serves no %q log", w, w.LogType.Name()))
	}
	if err := checkWindow(w); err != nil {
		return nil, pipeline.Permanent(fmt.Errorf("%s: %w", call, err))
	}
	if err := c.Ready(ctx, w.ProjectID); err != nil {
		return nil, fmt.Errorf("%s: %w", call, err)
	}
	if err := c.slots.acquire(ctx); err != nil {
		return nil, err
	}
	info := c.info
	info.project, info.workspace = w.ProjectID, w.Workspace
	version, versionKey := ep.version(c.cfg)
	info.apiVersion, info.versionKey, info.documented, info.log = version, versionKey, ep.documented, ep.what
	resp, err := c.do(ctx, request{
		endpoint: ep.name,
		call:     call,
		url:      c.logURL(w, ep),
		accept:   "application/vnd.atlas." + version + "+gzip",
		info:     info,
	})
	if err != nil {
		c.slots.release()
		return nil, err
	}
	head := &headKeeper{r: resp.body}
	return &stream{call: call, contentType: resp.contentType, head: head, body: resp.body, r: archive.NewReader(head), release: c.slots.release}, nil
}

func checkWindow(w pipeline.Window) error {
	if err := CheckProjectID(w.ProjectID); err != nil {
		return err
	}
	if w.Workspace == "" {
		return fmt.Errorf("the window names no workspace")
	}
	if w.Start.IsZero() || w.End.IsZero() || !w.Start.Before(w.End) {
		return fmt.Errorf("the window has no time range")
	}
	return nil
}

// CheckProjectID reports whether id is an Atlas project (group) id, 24
// lowercase hex digits; the API is never called with anything else.
func CheckProjectID(id string) error {
	if !groupIDPattern.MatchString(id) {
		return fmt.Errorf("%q is not an Atlas project id (24 lowercase hex digits)", id)
	}
	return nil
}

// logURL asks for whole seconds covering the window: its start rounded
// down and its end rounded up.
func (c *Client) logURL(w pipeline.Window, ep endpoint) string {
	q := url.Values{}
	q.Set("startDate", strconv.FormatInt(w.Start.Unix(), 10))
	end := w.End.Unix()
	if w.End.After(time.Unix(end, 0)) {
		end++
	}
	q.Set("endDate", strconv.FormatInt(end, 10))
	if w.Processor != "" {
		q.Set("spName", w.Processor)
	}
	return c.cfg.BaseURL + "/api/atlas/v2/groups/" + w.ProjectID + "/streams" + ep.path(w.Workspace) + "?" + q.Encode()
}

// stream is a download in progress.
type stream struct {
	call        string
	contentType string
	head        *headKeeper
	body        io.Closer
	r           io.Reader
	release     func()
	once        sync.Once
}

func (s *stream) Read(p []byte) (int, error) {
	n, err := s.r.Read(p)
	if err != nil && !errors.Is(err, io.EOF) {
		if e := explainBody(s.call, s.contentType, s.head.head, err); e != err { //nolint:errorlint // identity: did it replace err
			return n, e
		}
		err = fmt.Errorf("%s: %w", s.call, err)
	}
	return n, err
}

// Close ends the download and frees its slot; it is safe to call twice.
func (s *stream) Close() error {
	var err error
	s.once.Do(func() {
		err = s.body.Close()
		s.release()
	})
	return err
}

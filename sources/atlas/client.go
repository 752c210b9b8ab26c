package atlas

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/aspaudit/aspaudit/pipeline"
)

var (
	_ pipeline.Source          = (*Client)(nil)
	_ pipeline.WorkspaceLister = (*Client)(nil)
)

// Options are the parts of a Client that are not configuration.
type Options struct {
	// Logger receives debug lines per request and warnings when Atlas asks
	// to slow down; nil discards. Secrets and log lines are never logged.
	Logger *slog.Logger
	// OnResponse, when set, is called once per request the client makes
	// with the endpoint ("auditLogs", "streams", "token") and the HTTP
	// status, 0 when no answer came (connection failed, timed out). A
	// Digest challenge leg is not reported. It must be safe for concurrent
	// use and must not block.
	OnResponse func(endpoint string, status int)
	// UserAgent is sent as User-Agent; empty means "aspaudit".
	UserAgent string
	// Transport replaces the HTTP transport under authentication (tests);
	// nil builds one from Config.Timeouts.
	Transport http.RoundTripper
}

// Client talks to the Atlas Admin API. It is safe for concurrent use.
type Client struct {
	cfg    Config
	http   *http.Client
	gates  *gates
	slots  slots
	log    *slog.Logger
	opts   Options
	idle   func() // closes idle connections
	info   callInfo
	bodyTO time.Duration
	places places // where listed workspaces run
}

// New returns a client for a resolved configuration (see Config.Resolve).
// It fails when the configuration is invalid or its credentials are
// incomplete; it makes no request.
func New(cfg Config, opts Options) (*Client, error) {
	if err := cfg.Validate(); err != nil {
		return nil, fmt.Errorf("atlas configuration: %w", err)
	}
	if err := cfg.complete(); err != nil {
		return nil, fmt.Errorf("atlas configuration: %w", err)
	}
	base := opts.Transport
	idle := func() {}
	if base == nil {
		t := newTransport(cfg.Timeouts, cfg.Concurrency)
		base, idle = t, t.CloseIdleConnections
	}
	if opts.Logger == nil {
		opts.Logger = slog.New(slog.DiscardHandler)
	}
	if opts.UserAgent == "" {
		opts.UserAgent = "aspaudit"
	}
	c := &Client{
		cfg:    cfg,
		gates:  &gates{m: map[string]*gate{}, bucket: cfg.Bucket, perSecond: cfg.RateLimit, burst: cfg.RateBurst},
		slots:  make(slots, cfg.Concurrency),
		log:    opts.Logger,
		opts:   opts,
		idle:   idle,
		bodyTO: cfg.Timeouts.IdleRead,
		info:   callInfo{kind: cfg.CredentialKind(), identity: cfg.ClientID + cfg.PublicKey, apiVersion: cfg.APIVersion},
	}
	c.http = &http.Client{Transport: authTransport(cfg, base, func(s int) { c.observe("token", s) })}
	return c, nil
}

// complete checks what Resolve should have filled in.
func (c Config) complete() error {
	switch c.CredentialKind() {
	case ServiceAccount:
		if c.ClientID == "" || !c.ClientSecret.IsSet() {
			return errors.New("the service account needs client_id and client_secret (call Resolve to read files and the environment)")
		}
	case APIKey:
		if c.PublicKey == "" || !c.PrivateKey.IsSet() {
			return errors.New("the API key needs public_key and private_key (call Resolve to read files and the environment)")
		}
	default:
		return errors.New("configure exactly one kind of credential (call Resolve first)")
	}
	if c.BaseURL == "" {
		return errors.New("base_url: empty (call Resolve first)")
	}
	return nil
}

// Close releases idle connections. The client stays usable.
func (c *Client) Close() { c.idle() }

func (c *Client) observe(endpoint string, status int) {
	if c.opts.OnResponse != nil {
		c.opts.OnResponse(endpoint, status)
	}
}

// request describes one API call.
type request struct {
	endpoint string // for OnResponse: "auditLogs", "streams"
	call     string // for errors: "downloading audit log of ..."
	url      string
	accept   string
	info     callInfo
}

// response is a successful answer whose body the caller must close; the
// body fails reads that go idle.
type response struct {
	body        io.ReadCloser
	contentType string
}

// do sends r once (twice when a service account token was refused) within
// the project's rate limit. It returns a 200 answer, or an error classified
// for pipeline/retry. The caller holds a concurrency slot.
func (c *Client) do(ctx context.Context, r request) (*response, error) {
	g := c.gates.get(r.info.project)
	for attempt := 1; ; attempt++ {
		if err := g.wait(ctx); err != nil {
			return nil, fmt.Errorf("%s: %w", r.call, err)
		}
		resp, err := c.send(ctx, r)
		g.answered(resp.remaining())
		if err != nil || resp.status == http.StatusOK {
			return resp.ok(), err
		}
		v := verdictFor(resp.status)
		if v == renewAuth && attempt == 1 && r.info.kind == ServiceAccount {
			c.log.DebugContext(ctx, "atlas refused the token, renewing it", "call", r.call)
			continue
		}
		return nil, c.classify(g, resp.err, v, r.info)
	}
}

// sent is one answer: ok, or an error answer already read.
type sent struct {
	status int
	resp   *response
	err    *APIError
	// left is Atlas's RateLimit-Remaining, -1 when absent.
	left int
}

func (s *sent) remaining() int {
	if s == nil {
		return -1
	}
	return s.left
}

// rateLimitRemaining reads RateLimit-Remaining; -1 when absent or unreadable.
func rateLimitRemaining(h http.Header) int {
	n, err := strconv.Atoi(strings.TrimSpace(h.Get("RateLimit-Remaining")))
	if err != nil || n < 0 {
		return -1
	}
	return n
}

func (s *sent) ok() *response {
	if s == nil {
		return nil
	}
	return s.resp
}

func (c *Client) send(ctx context.Context, r request) (*sent, error) {
	rctx, cancel := context.WithCancelCause(ctx)
	req, err := http.NewRequestWithContext(rctx, http.MethodGet, r.url, nil)
	if err != nil {
		cancel(nil)
		return nil, pipeline.Permanent(fmt.Errorf("%s: %w", r.call, err))
	}
	req.Header.Set("Accept", r.accept)
	req.Header.Set("User-Agent", c.opts.UserAgent)
	start := time.Now()
	resp, err := c.http.Do(req)
	if err != nil {
		cancel(nil)
		c.log.DebugContext(ctx, "atlas request failed", "call", r.call, "error", err)
		if ctx.Err() != nil {
			return nil, ctx.Err()
		}
		if te := (*tokenError)(nil); errors.As(err, &te) {
			return nil, fmt.Errorf("%s: %w", r.call, te.err)
		}
		c.observe(r.endpoint, 0)
		return nil, fmt.Errorf("%s: %w", r.call, err)
	}
	c.observe(r.endpoint, resp.StatusCode)
	c.log.DebugContext(ctx, "atlas answered", "call", r.call, "status", resp.StatusCode, "after", time.Since(start))
	left := rateLimitRemaining(resp.Header)
	if resp.StatusCode == http.StatusOK {
		return &sent{status: resp.StatusCode, resp: &response{body: newIdleBody(rctx, cancel, resp.Body, c.bodyTO), contentType: resp.Header.Get("Content-Type")}, left: left}, nil
	}
	defer cancel(nil)
	defer resp.Body.Close()
	e := readAPIError(r.call, resp)
	return &sent{status: resp.StatusCode, err: e, left: left}, nil
}

// classify turns an error answer into the package's error vocabulary.
func (c *Client) classify(g *gate, e *APIError, v verdict, info callInfo) error {
	e.Hint = hint(e, info)
	if v == throttled || (v == retryable && e.RetryAfter > 0) {
		switch {
		case e.RetryAfter > 0:
			g.throttled(e.RetryAfter, e.Status == http.StatusTooManyRequests)
			c.log.Warn("atlas asked to wait", "call", e.Call, "status", e.Status, "retry_after", e.RetryAfter)
		case v == throttled:
			// Atlas may leave Retry-After out, but its bucket refuses
			// every request of the project all the same: hold them all
			// for the first step of the backoff rather than let every
			// worker meet the empty bucket.
			g.throttled(c.cfg.Retry.Initial, true)
			c.log.Warn("atlas refused a request for the project's rate limit without saying how long to wait; holding the project's requests",
				"call", e.Call, "status", e.Status, "wait", c.cfg.Retry.Initial)
		}
		return pipeline.Throttle(e, e.RetryAfter)
	}
	if v == retryable {
		return e
	}
	return pipeline.Permanent(e)
}

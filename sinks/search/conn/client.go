package conn

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"sync"
	"time"

	"github.com/elastic/elastic-transport-go/v8/elastictransport"
	"github.com/elastic/go-elasticsearch/v8/esapi"
)

// UserAgent is sent with every request.
var UserAgent = "aspaudit"

// Client sends requests to one cluster, Elasticsearch or OpenSearch. It is
// an esapi.Transport, so esapi request types run on it:
//
//	res, err := esapi.BulkRequest{Body: body}.Do(ctx, client)
//
// Client is safe for concurrent use. It never retries by itself.
type Client struct {
	tp      *elastictransport.Client
	timeout time.Duration
	log     *slog.Logger

	mu     sync.Mutex
	server *Server // cached by Detect
}

var _ esapi.Transport = (*Client)(nil)

// New builds a client from cfg, whose secrets must already be resolved
// (Config.ResolveSecrets). It does not contact the cluster; call Detect
// for that. With aws.sigv4 it reads the AWS configuration (region,
// profile) but fetches credentials only when the first request is sent.
// log may be nil.
func New(cfg Config, log *slog.Logger) (*Client, error) {
	return newClient(cfg, log, nil)
}

// newClient is New with wrap, when not nil, applied to the HTTP transport
// below the SigV4 signer (tests alter requests after signing with it).
func newClient(cfg Config, log *slog.Logger, wrap func(http.RoundTripper) http.RoundTripper) (*Client, error) {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	urls := make([]*url.URL, 0, len(cfg.URLs))
	for _, raw := range cfg.URLs {
		u, err := parseURL(raw)
		if err != nil {
			return nil, fmt.Errorf("urls: %w", err)
		}
		urls = append(urls, u)
	}
	var rt http.RoundTripper
	rt, err := httpTransport(cfg, log)
	if err != nil {
		return nil, err
	}
	if wrap != nil {
		rt = wrap(rt)
	}
	if cfg.AWS.SigV4 {
		if rt, err = newSigV4Transport(cfg.AWS, urls, rt, "the cluster", log); err != nil {
			return nil, err
		}
	}
	opts := []elastictransport.Option{
		elastictransport.WithURLs(urls...),
		elastictransport.WithTransport(rt),
		elastictransport.WithDisableRetry(),
		elastictransport.WithUserAgent(UserAgent),
	}
	if cfg.APIKey.IsSet() {
		opts = append(opts, elastictransport.WithAPIKey(cfg.APIKey.Value()))
	} else if cfg.Username != "" {
		opts = append(opts, elastictransport.WithBasicAuth(cfg.Username, cfg.Password.Value()))
	}
	tp, err := elastictransport.NewClient(opts...)
	if err != nil {
		return nil, fmt.Errorf("building transport: %w", err)
	}
	return &Client{tp: tp, timeout: cfg.Timeout, log: log}, nil
}

// httpTransport builds the HTTP transport: proxy from the environment
// (HTTP_PROXY, HTTPS_PROXY, NO_PROXY), the CA file, and TLS verification
// unless explicitly turned off.
func httpTransport(cfg Config, log *slog.Logger) (*http.Transport, error) {
	tlsCfg, err := TLSConfig(cfg.CAFile, cfg.TLSInsecureSkipVerify, "the cluster", log)
	if err != nil {
		return nil, err
	}
	return &http.Transport{
		Proxy:                 http.ProxyFromEnvironment,
		DialContext:           (&net.Dialer{Timeout: 30 * time.Second, KeepAlive: 30 * time.Second}).DialContext,
		TLSClientConfig:       tlsCfg,
		ForceAttemptHTTP2:     true,
		MaxIdleConns:          100,
		MaxIdleConnsPerHost:   32,
		IdleConnTimeout:       90 * time.Second,
		TLSHandshakeTimeout:   10 * time.Second,
		ExpectContinueTimeout: time.Second,
		// Answers are small (the bulk sink filters them with filter_path):
		// asking for gzip would only cost the cluster CPU.
		DisableCompression: true,
	}, nil
}

// Perform sends req to one of the cluster's nodes and returns the answer
// whatever its status. The configured timeout covers the request and the
// reading of the answer's body, which the caller must close. An error means
// no answer came (connection refused, timeout, client closed); a server
// certificate that fails verification is a permanent error saying what to set.
func (c *Client) Perform(req *http.Request) (*http.Response, error) {
	if c.timeout <= 0 {
		res, err := c.tp.Perform(req)
		return res, explainTLS(err)
	}
	ctx, cancel := context.WithTimeout(req.Context(), c.timeout)
	res, err := c.tp.Perform(req.WithContext(ctx))
	if err != nil {
		cancel()
		return nil, explainTLS(err)
	}
	res.Body = &cancelOnClose{ReadCloser: res.Body, cancel: cancel}
	return res, nil
}

// cancelOnClose ends a request's context when its body is closed.
type cancelOnClose struct {
	io.ReadCloser
	cancel context.CancelFunc
}

func (b *cancelOnClose) Close() error {
	err := b.ReadCloser.Close()
	b.cancel()
	return err
}

// URLs returns the nodes' URLs as configured.
func (c *Client) URLs() []*url.URL { return c.tp.URLs() }

// Close releases the client. Requests after Close fail. Calling it twice is
// safe.
func (c *Client) Close(ctx context.Context) error {
	err := c.tp.Close(ctx)
	if errors.Is(err, elastictransport.ErrAlreadyClosed) {
		return nil
	}
	return err
}

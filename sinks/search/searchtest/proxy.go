package searchtest

import (
	"bytes"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
)

// Fault is what a Proxy does with one request.
type Fault int

// The faults a Proxy can inject.
const (
	// Pass forwards the request and its answer.
	Pass Fault = iota
	// Unavailable answers 503 without forwarding, like a node going down.
	Unavailable
	// Drop closes the connection without forwarding: the client sees a
	// connection failure, and nothing was stored.
	Drop
	// DropAfter forwards the request, then closes the connection instead
	// of answering: the server did the work but the client cannot know.
	DropAfter
	// TooLarge answers 413 without forwarding.
	TooLarge
	// ThrottleItems forwards a _bulk request, then answers every second
	// item 429 es_rejected_execution_exception, as a busy cluster does
	// (see throttle.go).
	ThrottleItems
	// Forbidden answers 403 security_exception without forwarding, as
	// OpenSearch's security plugin answers a user whose roles lack the
	// request's action (named by forbiddenAction).
	Forbidden
)

// forbiddenAction names the action a Forbidden answer says is missing,
// from the request: what the security plugin would name for it.
func forbiddenAction(r *http.Request) string {
	switch {
	case r.Method == http.MethodPut && strings.HasSuffix(r.URL.Path, "/_mapping"):
		return "indices:admin/mapping/put"
	case strings.HasSuffix(r.URL.Path, "/_bulk"):
		return "indices:data/write/bulk"
	case strings.Contains(r.URL.Path, "/_doc/") && r.Method == http.MethodGet:
		return "indices:data/read/get"
	case strings.Contains(r.URL.Path, "/_doc/"):
		return "indices:data/write/index"
	}
	return "indices:admin/create"
}

// Proxy stands between a client and a real server and injects faults, so
// that tests can see outages without stopping the shared servers.
type Proxy struct {
	// URL is the proxy's address, to give to the client.
	URL string

	target string
	mu     sync.Mutex
	decide func(n int, r *http.Request, body []byte) Fault
	counts map[Fault]int
	seq    int
}

// NewProxy starts a proxy to target that passes everything until Decide
// says otherwise. It stops when the test ends.
func NewProxy(t testing.TB, target string) *Proxy {
	t.Helper()
	p := &Proxy{target: strings.TrimRight(target, "/"), counts: map[Fault]int{}}
	srv := httptest.NewServer(http.HandlerFunc(p.serve))
	t.Cleanup(srv.Close)
	p.URL = srv.URL
	return p
}

// Decide sets the function choosing each request's fault. n counts the
// requests from 1; body is the request body as sent (maybe gzipped).
func (p *Proxy) Decide(f func(n int, r *http.Request, body []byte) Fault) {
	p.mu.Lock()
	p.decide = f
	p.mu.Unlock()
}

// Count returns how many requests got fault f.
func (p *Proxy) Count(f Fault) int {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.counts[f]
}

func (p *Proxy) serve(w http.ResponseWriter, r *http.Request) {
	body, err := io.ReadAll(r.Body)
	if err != nil {
		return
	}
	p.mu.Lock()
	p.seq++
	f := Pass
	if p.decide != nil {
		f = p.decide(p.seq, r, body)
	}
	p.counts[f]++
	p.mu.Unlock()
	switch f {
	case Unavailable:
		http.Error(w, `{"error":{"type":"proxy","reason":"injected 503"},"status":503}`, http.StatusServiceUnavailable)
	case TooLarge:
		http.Error(w, `{"error":{"type":"proxy","reason":"injected 413"},"status":413}`, http.StatusRequestEntityTooLarge)
	case ThrottleItems:
		p.throttleItems(w, r, body)
	case Forbidden:
		reason := fmt.Sprintf("no permissions for [%s] and User [name=aspaudit, backend_roles=[], requestedTenant=null]", forbiddenAction(r))
		w.Header().Set("Content-Type", "application/json; charset=UTF-8")
		w.WriteHeader(http.StatusForbidden)
		fmt.Fprintf(w, `{"error":{"root_cause":[{"type":"security_exception","reason":%q}],"type":"security_exception","reason":%q},"status":403}`, reason, reason)
	case Drop:
		hangUp(w)
	case DropAfter:
		if res, err := p.forward(r, body); err == nil {
			_, _ = io.Copy(io.Discard, res.Body)
			res.Body.Close()
		}
		hangUp(w)
	default:
		p.pass(w, r, body)
	}
}

func (p *Proxy) pass(w http.ResponseWriter, r *http.Request, body []byte) {
	res, err := p.forward(r, body)
	if err != nil {
		http.Error(w, fmt.Sprintf(`{"error":{"type":"proxy","reason":%q},"status":502}`, err.Error()), http.StatusBadGateway)
		return
	}
	defer res.Body.Close()
	for k, vv := range res.Header {
		w.Header()[k] = vv
	}
	w.WriteHeader(res.StatusCode)
	_, _ = io.Copy(w, res.Body)
}

func (p *Proxy) forward(r *http.Request, body []byte) (*http.Response, error) {
	req, err := http.NewRequestWithContext(r.Context(), r.Method, p.target+r.URL.RequestURI(), bytes.NewReader(body))
	if err != nil {
		return nil, err
	}
	for k, vv := range r.Header {
		req.Header[k] = vv
	}
	return client.Do(req)
}

// hangUp closes the client's connection without an answer.
func hangUp(w http.ResponseWriter) {
	hj, ok := w.(http.Hijacker)
	if !ok {
		return
	}
	if c, _, err := hj.Hijack(); err == nil {
		_ = c.Close()
	}
}

package main

import (
	"errors"
	"io"
	"net"
	"sync"
	"testing"
	"time"
)

// proxyMode is what a tcpProxy does with connections.
type proxyMode int

const (
	proxyPass   proxyMode = iota // forward to the target
	proxyDrop                    // accept, then close at once (and close every open connection)
	proxyRefuse                  // stop listening: connecting is refused (open connections closed)
)

// tcpProxy forwards TCP connections to a target and can, on demand, drop
// or refuse them, so that a test sees a sink outage without stopping the
// shared server.
type tcpProxy struct {
	t      testing.TB
	target string
	addr   string

	mu      sync.Mutex
	mode    proxyMode
	ln      net.Listener
	conns   map[net.Conn]struct{}
	passed  int // connections forwarded
	dropped int // connections accepted and closed in proxyDrop
	closed  bool
	wg      sync.WaitGroup
}

func newTCPProxy(t testing.TB, target string) *tcpProxy {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	p := &tcpProxy{t: t, target: target, addr: ln.Addr().String(), conns: map[net.Conn]struct{}{}}
	p.serve(ln)
	t.Cleanup(p.close)
	return p
}

// URL is the proxy's http address.
func (p *tcpProxy) URL() string { return "http://" + p.addr }

func (p *tcpProxy) serve(ln net.Listener) {
	p.ln = ln
	p.wg.Add(1)
	go func() {
		defer p.wg.Done()
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			p.handle(c)
		}
	}()
}

func (p *tcpProxy) handle(c net.Conn) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.mode != proxyPass || p.closed {
		p.dropped++
		_ = c.Close()
		return
	}
	p.passed++
	p.conns[c] = struct{}{}
	p.wg.Add(1)
	go func() {
		defer p.wg.Done()
		p.pipe(c)
	}()
}

// pipe forwards c to a new connection to the target until either side
// closes.
func (p *tcpProxy) pipe(c net.Conn) {
	defer p.forget(c)
	up, err := net.DialTimeout("tcp", p.target, 10*time.Second)
	if err != nil {
		return
	}
	p.mu.Lock()
	if p.mode != proxyPass || p.closed {
		p.mu.Unlock()
		_ = up.Close()
		return
	}
	p.conns[up] = struct{}{}
	p.mu.Unlock()
	defer p.forget(up)
	done := make(chan struct{}, 2)
	go func() { _, _ = io.Copy(up, c); done <- struct{}{} }()
	go func() { _, _ = io.Copy(c, up); done <- struct{}{} }()
	<-done
}

func (p *tcpProxy) forget(c net.Conn) {
	_ = c.Close()
	p.mu.Lock()
	delete(p.conns, c)
	p.mu.Unlock()
}

// set switches the mode: leaving proxyPass closes every open connection;
// proxyRefuse closes the listener, proxyPass listens again on the same
// address.
func (p *tcpProxy) set(m proxyMode) {
	p.mu.Lock()
	defer p.mu.Unlock()
	prev := p.mode
	p.mode = m
	if m != proxyPass {
		for c := range p.conns {
			_ = c.Close()
		}
	}
	switch {
	case m == proxyRefuse && p.ln != nil:
		_ = p.ln.Close()
		p.ln = nil
	case m != proxyRefuse && prev == proxyRefuse:
		var ln net.Listener
		var err error
		for range 50 { // the port was just freed; retry briefly
			if ln, err = net.Listen("tcp", p.addr); err == nil {
				break
			}
			time.Sleep(20 * time.Millisecond)
		}
		if err != nil {
			p.t.Errorf("proxy: listening again on %s: %v", p.addr, err)
			return
		}
		p.serve(ln)
	}
}

// stats returns how many connections were forwarded and dropped.
func (p *tcpProxy) stats() (passed, dropped int) {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.passed, p.dropped
}

func (p *tcpProxy) close() {
	p.mu.Lock()
	p.closed = true
	if p.ln != nil {
		_ = p.ln.Close()
	}
	for c := range p.conns {
		_ = c.Close()
	}
	p.mu.Unlock()
	p.wg.Wait()
}

// connRecorder is a listener that records connection attempts and
// answers nothing: it stands for a sink that must not be contacted.
type connRecorder struct {
	ln net.Listener
	mu sync.Mutex
	n  int
	wg sync.WaitGroup
}

func newConnRecorder(t testing.TB) *connRecorder {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	r := &connRecorder{ln: ln}
	r.wg.Add(1)
	go func() {
		defer r.wg.Done()
		for {
			c, err := ln.Accept()
			if errors.Is(err, net.ErrClosed) {
				return
			}
			if err != nil {
				continue
			}
			r.mu.Lock()
			r.n++
			r.mu.Unlock()
			_ = c.Close()
		}
	}()
	t.Cleanup(func() {
		_ = ln.Close()
		r.wg.Wait()
	})
	return r
}

func (r *connRecorder) URL() string { return "http://" + r.ln.Addr().String() }

func (r *connRecorder) connections() int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.n
}

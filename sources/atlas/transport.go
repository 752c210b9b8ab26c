package atlas

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"sync"
	"time"
)

// errIdle is the cause given to a request whose body went quiet.
var errIdle = errors.New("no data received")

func newTransport(t Timeouts, conns int) *http.Transport {
	d := &net.Dialer{Timeout: t.Connect, KeepAlive: 30 * time.Second}
	return &http.Transport{
		Proxy:                 http.ProxyFromEnvironment,
		DialContext:           d.DialContext,
		ForceAttemptHTTP2:     true,
		TLSHandshakeTimeout:   t.TLSHandshake,
		ResponseHeaderTimeout: t.ResponseHeader,
		ExpectContinueTimeout: time.Second,
		IdleConnTimeout:       90 * time.Second,
		MaxIdleConnsPerHost:   conns,
		// Bodies are gzip already; a transparent Accept-Encoding would only
		// add a layer the server does not use.
		DisableCompression: true,
	}
}

// idleBody fails a Read that waits longer than idle for data, by cancelling
// the request's context. Time the caller spends between reads does not
// count, so a slow consumer never trips it.
type idleBody struct {
	body   io.ReadCloser
	ctx    context.Context
	cancel context.CancelCauseFunc
	idle   time.Duration
	timer  *time.Timer
	once   sync.Once
}

func newIdleBody(ctx context.Context, cancel context.CancelCauseFunc, body io.ReadCloser, idle time.Duration) *idleBody {
	b := &idleBody{body: body, ctx: ctx, cancel: cancel, idle: idle}
	b.timer = time.AfterFunc(time.Hour, func() { cancel(errIdle) })
	b.timer.Stop()
	return b
}

func (b *idleBody) Read(p []byte) (int, error) {
	b.timer.Reset(b.idle)
	n, err := b.body.Read(p)
	b.timer.Stop()
	if err != nil && !errors.Is(err, io.EOF) && errors.Is(context.Cause(b.ctx), errIdle) {
		err = fmt.Errorf("%w for %s: %w", errIdle, b.idle, err)
	}
	return n, err
}

// Close closes the body and ends the request; it is safe to call twice.
func (b *idleBody) Close() error {
	var err error
	b.once.Do(func() {
		b.timer.Stop()
		err = b.body.Close()
		b.cancel(context.Canceled)
	})
	return err
}

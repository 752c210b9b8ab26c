package atlastest

import (
	"context"
	"fmt"
	"net/http"
	"strconv"
	"time"
)

// Faults are random misbehaviours of audit-log downloads (authenticated
// ones only). Each share is a probability between 0 and 1; the first three
// exclude each other, and a request that escaped them may still be cut,
// stalled or slowed.
type Faults struct {
	Throttle     float64 // 429 RATE_LIMITED_TOKEN_BUCKET with Retry-After
	ThrottleBare float64 // 429 RATE_LIMITED without Retry-After
	Unavailable  float64 // 503 SERVICE_UNAVAILABLE
	Cut          float64 // the connection is dropped inside the body
	Stall        float64 // the body stops for StallFor half-way
	// RetryAfter is the wait sent with Throttle; zero means one second.
	// Whole seconds are sent as integers, anything else as a decimal
	// ("0.05"), which clients that read only integers will not parse.
	RetryAfter time.Duration
	// CutAfter is how many body bytes are sent before a cut or a stall;
	// zero means 4 KiB. A shorter body loses its last 8 bytes instead.
	CutAfter int64
	StallFor time.Duration
	// ChunkDelay slows every body: a pause after each 32 KiB written.
	ChunkDelay time.Duration
}

func (fs Faults) withDefaults() Faults {
	if fs.RetryAfter <= 0 {
		fs.RetryAfter = time.Second
	}
	if fs.CutAfter <= 0 {
		fs.CutAfter = 4 << 10
	}
	return fs
}

// fault is the draw for one request.
type fault struct {
	answer string // "throttle", "throttle-bare", "unavailable" or ""
	cut    bool
	stall  bool
	faults Faults
}

func (f *Fake) drawFault() fault {
	f.mu.Lock()
	defer f.mu.Unlock()
	fs := f.cfg.Faults
	d := fault{faults: fs}
	switch u := f.rng.Float64(); {
	case u < fs.Throttle:
		d.answer = "throttle"
	case u < fs.Throttle+fs.ThrottleBare:
		d.answer = "throttle-bare"
	case u < fs.Throttle+fs.ThrottleBare+fs.Unavailable:
		d.answer = "unavailable"
	}
	d.cut = f.rng.Float64() < fs.Cut
	d.stall = f.rng.Float64() < fs.Stall
	return d
}

func (d fault) name() string {
	switch {
	case d.answer != "":
		return d.answer
	case d.cut:
		return "cut"
	case d.stall:
		return "stall"
	case d.faults.ChunkDelay > 0:
		return "slow"
	}
	return ""
}

// writeAnswer answers the throttling or unavailability faults.
func (d fault) writeAnswer(w http.ResponseWriter, project string) int {
	switch d.answer {
	case "throttle":
		secs := d.faults.RetryAfter.Seconds()
		w.Header().Set("Retry-After", strconv.FormatFloat(secs, 'f', -1, 64))
		writeError(w, http.StatusTooManyRequests, "RATE_LIMITED_TOKEN_BUCKET",
			fmt.Sprintf("Rate limit exceeded for group %s. Please retry after %s seconds.", project, strconv.FormatFloat(secs, 'f', -1, 64)))
		return http.StatusTooManyRequests
	case "throttle-bare":
		writeError(w, http.StatusTooManyRequests, "RATE_LIMITED", "Rate limit exceeded.")
		return http.StatusTooManyRequests
	case "unavailable":
		writeError(w, http.StatusServiceUnavailable, "SERVICE_UNAVAILABLE", "The service is temporarily unavailable.")
		return http.StatusServiceUnavailable
	}
	return 0
}

// faultWriter applies cuts, stalls and slowness to a body. It keeps the
// last 8 bytes written back, so that a cut always falls inside the body.
type faultWriter struct {
	ctx     context.Context
	w       http.ResponseWriter
	d       fault
	written int64
	sinceCh int64
	held    []byte
	stalled bool
	aborted bool
}

const heldBack = 8

func (fw *faultWriter) Write(p []byte) (int, error) {
	if fw.aborted {
		return 0, http.ErrAbortHandler
	}
	fw.held = append(fw.held, p...)
	if len(fw.held) <= heldBack {
		return len(p), nil
	}
	out := fw.held[:len(fw.held)-heldBack]
	if err := fw.emit(out); err != nil {
		return 0, err
	}
	fw.held = append(fw.held[:0], fw.held[len(fw.held)-heldBack:]...)
	return len(p), nil
}

func (fw *faultWriter) emit(b []byte) error {
	for len(b) > 0 {
		n := len(b)
		if (fw.d.cut || fw.d.stall && !fw.stalled) && fw.written < fw.d.faults.CutAfter {
			n = int(min(int64(n), fw.d.faults.CutAfter-fw.written))
		}
		if _, err := fw.w.Write(b[:n]); err != nil {
			return err
		}
		fw.written += int64(n)
		fw.sinceCh += int64(n)
		b = b[n:]
		if err := fw.afterWrite(); err != nil {
			return err
		}
	}
	return nil
}

func (fw *faultWriter) afterWrite() error {
	if fw.written < fw.d.faults.CutAfter {
		return fw.pace()
	}
	if fw.d.cut {
		fw.aborted = true
		fw.flush()
		return http.ErrAbortHandler
	}
	if fw.d.stall && !fw.stalled {
		fw.stalled = true
		fw.flush()
		return sleep(fw.ctx, fw.d.faults.StallFor)
	}
	return fw.pace()
}

func (fw *faultWriter) pace() error {
	if fw.d.faults.ChunkDelay <= 0 || fw.sinceCh < 32<<10 {
		return nil
	}
	fw.sinceCh = 0
	fw.flush()
	return sleep(fw.ctx, fw.d.faults.ChunkDelay)
}

// finish sends the held-back bytes, or drops them and the connection when
// the body is to be cut.
func (fw *faultWriter) finish() error {
	if fw.aborted {
		return http.ErrAbortHandler
	}
	if fw.d.cut {
		fw.flush()
		return http.ErrAbortHandler
	}
	err := fw.emit(fw.held)
	fw.held = nil
	return err
}

func (fw *faultWriter) flush() {
	if f, ok := fw.w.(http.Flusher); ok {
		f.Flush()
	}
}

func sleep(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}

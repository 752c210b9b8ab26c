package ingest

import (
	"context"
	"sync"
	"time"
)

// withGrace returns the context that windows in flight work under: it keeps
// ctx's values, ends grace after ctx ends (so work in flight can finish and
// be recorded), and ends at once when release is called.
func withGrace(ctx context.Context, grace time.Duration) (work context.Context, release func()) {
	work, cancel := context.WithCancel(context.WithoutCancel(ctx))
	var mu sync.Mutex
	var timer *time.Timer
	stop := context.AfterFunc(ctx, func() {
		mu.Lock()
		defer mu.Unlock()
		if work.Err() == nil {
			timer = time.AfterFunc(grace, cancel)
		}
	})
	return work, func() {
		stop()
		cancel()
		mu.Lock()
		defer mu.Unlock()
		if timer != nil {
			timer.Stop()
		}
	}
}

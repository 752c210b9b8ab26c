package ingest

import (
	"container/heap"
	"context"
	"sync"
	"time"

	"github.com/aspaudit/aspaudit/pipeline"
)

// task is one window of a run with what its attempts so far left.
type task struct {
	w        pipeline.Window
	attempts int
	first    time.Time // when its first attempt began
	due      time.Time // when its next attempt may begin
	stats    Stats     // of every attempt so far
}

// schedule hands out the windows of one runAll: windows whose retry is
// due first, then fresh ones in order. A failed window waits for its retry
// here, holding neither a slot nor a goroutine, so healthy windows run
// meanwhile. It holds no more than the windows it was given.
type schedule struct {
	mu    sync.Mutex
	fresh []pipeline.Window
	later retryQueue
	busy  int           // tasks handed out and not back yet
	wake  chan struct{} // a task came back
}

func newSchedule(windows []pipeline.Window) *schedule {
	return &schedule{fresh: windows, wake: make(chan struct{}, 1)}
}

// next blocks until a task may start and returns it, or returns false when
// every task has settled or ctx ended.
func (s *schedule) next(ctx context.Context) (*task, bool) {
	for {
		s.mu.Lock()
		now := time.Now()
		var wait <-chan time.Time
		var timer *time.Timer
		switch {
		case len(s.later) > 0 && !s.later[0].due.After(now):
			t := heap.Pop(&s.later).(*task)
			s.busy++
			s.mu.Unlock()
			return t, true
		case len(s.fresh) > 0:
			t := &task{w: s.fresh[0]}
			s.fresh = s.fresh[1:]
			s.busy++
			s.mu.Unlock()
			return t, true
		case len(s.later) > 0:
			timer = time.NewTimer(s.later[0].due.Sub(now))
			wait = timer.C
		case s.busy == 0:
			s.mu.Unlock()
			return nil, false
		}
		s.mu.Unlock()
		select {
		case <-ctx.Done():
			return nil, false
		case <-s.wake:
		case <-wait:
		}
		if timer != nil {
			timer.Stop()
		}
	}
}

// done takes a task back: to retry at t.due when again is set, else
// settled.
func (s *schedule) done(t *task, again bool) {
	s.mu.Lock()
	s.busy--
	if again {
		heap.Push(&s.later, t)
	}
	s.mu.Unlock()
	select {
	case s.wake <- struct{}{}:
	default:
	}
}

// left returns how many windows never settled: not started, or waiting for
// a retry. Called once the run stops.
func (s *schedule) left() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.fresh) + len(s.later)
}

// retryQueue orders tasks by when they are due (container/heap).
type retryQueue []*task

func (q retryQueue) Len() int           { return len(q) }
func (q retryQueue) Less(i, j int) bool { return q[i].due.Before(q[j].due) }
func (q retryQueue) Swap(i, j int)      { q[i], q[j] = q[j], q[i] }
func (q *retryQueue) Push(x any)        { *q = append(*q, x.(*task)) }
func (q *retryQueue) Pop() any {
	old := *q
	t := old[len(old)-1]
	old[len(old)-1] = nil
	*q = old[:len(old)-1]
	return t
}

package search

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"sync/atomic"

	"github.com/aspaudit/aspaudit/pipeline"
	"github.com/aspaudit/aspaudit/sinks/search/conn"
)

// Sink writes events to Elasticsearch or OpenSearch with the _bulk API.
// It is safe for concurrent use: events of concurrent Write calls may share
// a bulk request, and each call returns when its own events are settled.
type Sink struct {
	cfg    Config
	client *conn.Client
	log    *slog.Logger
	queue  *queue

	ctx     context.Context // ends when Close gives up waiting
	cancel  context.CancelFunc
	senders sync.WaitGroup
	// inflight bounds the bulk requests on the wire to cfg.Concurrency.
	// There are twice as many senders, so that some build and compress
	// the next bodies while others wait for the cluster's answers.
	inflight chan struct{}

	prep prepared
	// indices are those checked to have the index template (guard.go).
	indices indexGuard

	closed    atomic.Bool
	closeOnce sync.Once
	closeErr  error
}

var _ pipeline.Sink = (*Sink)(nil)

// New builds a sink from cfg, whose secrets must already be resolved
// (Config.ResolveSecrets). It starts 2 x cfg.Concurrency senders but does not
// contact the cluster: the first Write detects the product and, unless
// templates install is off, installs the index template. log may be nil.
// Close the sink to stop the senders.
func New(cfg Config, log *slog.Logger) (*Sink, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	client, err := conn.New(cfg.Conn, log)
	if err != nil {
		return nil, err
	}
	ctx, cancel := context.WithCancel(context.Background())
	s := &Sink{
		cfg:      cfg,
		client:   client,
		log:      log,
		queue:    newQueue(cfg.BatchSize, cfg.BatchBytes, cfg.Concurrency, cfg.FlushInterval),
		ctx:      ctx,
		cancel:   cancel,
		prep:     newPrepared(),
		inflight: make(chan struct{}, cfg.Concurrency),
	}
	s.senders.Add(2 * cfg.Concurrency)
	for range 2 * cfg.Concurrency {
		go s.send()
	}
	return s, nil
}

// Client returns the sink's connection, for setup and checks. It stays
// usable until Close.
func (s *Sink) Client() *conn.Client { return s.client }

// Write stores batch and returns when every event is settled: stored,
// already stored (a duplicate), or rejected for good with the cluster's
// reason (no id, not a JSON object, a mapping conflict, ...). Items the
// cluster asks to retry are retried inside Write with the retry policy.
// A non-nil error means the outcome of some events is unknown (ctx ended,
// retry budget spent, cluster unreachable, Close): retry the whole batch;
// ids make that safe. Write blocks while the queue of full requests is
// full (backpressure). It reads the documents in place while it runs, so
// they must not change until it returns, and never after it returned.
func (s *Sink) Write(ctx context.Context, batch []pipeline.Event) (pipeline.WriteResult, error) {
	if err := ctx.Err(); err != nil {
		return pipeline.WriteResult{}, fmt.Errorf("writing events: %w", err)
	}
	if s.closed.Load() {
		return pipeline.WriteResult{}, errClosed
	}
	for _, t := range logTypesOf(batch) {
		if err := s.prepare(ctx, t); err != nil {
			return pipeline.WriteResult{}, err
		}
	}
	if err := s.guard(ctx, batch); err != nil {
		return pipeline.WriteResult{}, err
	}
	w := newWriteCall(len(batch))
	items := s.encode(w, batch)
	if err := s.queue.add(ctx, items); err != nil {
		w.abandon()
		return pipeline.WriteResult{}, fmt.Errorf("queueing events: %w", err)
	}
	select {
	case <-w.done:
		return w.result(batch)
	case <-ctx.Done():
		w.abandon()
		return pipeline.WriteResult{}, fmt.Errorf("writing events: %w", ctx.Err())
	}
}

// encode turns batch into items, settling at once the events that cannot
// be sent (see document). The action lines share one buffer and the items
// one slice, so a batch costs a few allocations, not one per event.
func (s *Sink) encode(w *writeCall, batch []pipeline.Event) []*item {
	namer := indexNamer{prefix: s.cfg.IndexPrefix, granularity: s.cfg.IndexGranularity}
	var others map[pipeline.LogType]*indexNamer // the other log types' namers, rarely needed
	all := make([]item, 0, len(batch))
	ends := make([]int, 0, len(batch))
	heads := make([]byte, 0, len(batch)*(len(s.cfg.IndexPrefix)+80))
	for i, ev := range batch {
		doc, err := document(ev)
		if err != nil {
			w.settle(i, outcome{fate: rejected, reason: "invalid_event: " + err.Error()})
			continue
		}
		n := &namer
		if ev.LogType != pipeline.AuditLog {
			if others == nil {
				others = map[pipeline.LogType]*indexNamer{}
			}
			if others[ev.LogType] == nil {
				others[ev.LogType] = &indexNamer{prefix: s.cfg.PrefixOf(ev.LogType), granularity: s.cfg.IndexGranularity}
			}
			n = others[ev.LogType]
		}
		heads = appendAction(heads, n.name(ev.Time), ev.ID)
		ends = append(ends, len(heads))
		all = append(all, item{w: w, idx: i, doc: doc})
	}
	items := make([]*item, len(all))
	start := 0
	for k := range all {
		all[k].head = heads[start:ends[k]:ends[k]]
		start = ends[k]
		items[k] = &all[k]
	}
	return items
}

// send is one sender: it delivers requests until the queue is closed.
func (s *Sink) send() {
	defer s.senders.Done()
	for {
		r, ok := s.queue.take()
		if !ok {
			return
		}
		s.deliver(s.ctx, r.items)
	}
}

// Close sends what is queued, waits for the requests in flight until ctx
// ends, then gives up on them (their Write calls return an error) and
// releases the connection. Calling it twice is safe.
func (s *Sink) Close(ctx context.Context) error {
	s.closeOnce.Do(func() {
		s.closed.Store(true)
		s.queue.close()
		done := make(chan struct{})
		go func() { s.senders.Wait(); close(done) }()
		select {
		case <-done:
		case <-ctx.Done():
			s.cancel()
			<-done
			s.closeErr = fmt.Errorf("closing search sink: gave up on requests in flight: %w", ctx.Err())
		}
		s.cancel()
		s.closeErr = errors.Join(s.closeErr, s.client.Close(ctx))
	})
	return s.closeErr
}

// clusterName names the cluster in errors: its product once detected.
func (s *Sink) clusterName() string {
	if srv, ok := s.client.Server(); ok {
		return srv.String()
	}
	return "the search cluster"
}

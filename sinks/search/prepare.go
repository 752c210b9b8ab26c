package search

import (
	"context"
	"fmt"
	"strings"

	"github.com/aspaudit/aspaudit/pipeline"
	"github.com/aspaudit/aspaudit/sinks/search/conn"
	"github.com/aspaudit/aspaudit/sinks/search/templates"
)

// prepared remembers for which log types the cluster was detected and set
// up. A failed preparation is tried again by the next Write.
type prepared struct {
	lock chan struct{} // a mutex that waiting can give up on
	done map[pipeline.LogType]bool
}

func newPrepared() prepared {
	return prepared{lock: make(chan struct{}, 1), done: map[pipeline.LogType]bool{}}
}

// prepare detects the cluster's product and, when templates install is on,
// installs the index template and retention policy of the log type's
// layout if missing, once per log type (an audit-only run installs what it
// did before log types existed). Concurrent callers wait for the first;
// each gives up when its ctx ends.
func (s *Sink) prepare(ctx context.Context, t pipeline.LogType) error {
	select {
	case s.prep.lock <- struct{}{}:
	case <-ctx.Done():
		return fmt.Errorf("preparing the search cluster: %w", ctx.Err())
	}
	defer func() { <-s.prep.lock }()
	if s.prep.done[t] {
		return nil
	}
	var srv conn.Server
	err := s.cfg.Retry.Do(ctx, func(ctx context.Context) error {
		var err error
		if srv, err = s.client.Detect(ctx); err != nil {
			return err
		}
		rep, installed, err := templates.EnsureInstalled(ctx, s.client, srv, s.LayoutOf(t), s.cfg.Templates)
		if installed {
			s.log.Info("installed the index template on first write; run setup to review", "report", strings.Join(rep.Lines(), "; "))
		}
		return err
	}, nil)
	if err != nil {
		return fmt.Errorf("preparing %s: %w", s.clusterName(), err)
	}
	if len(s.prep.done) == 0 {
		s.log.Info("connected to the search cluster", "server", srv.String())
	}
	s.prep.done[t] = true
	return nil
}

// Layout returns the index layout of the audit log's events, for package
// templates; LayoutOf gives the other log types'.
func (s *Sink) Layout() templates.Layout { return s.LayoutOf(pipeline.AuditLog) }

package main

import (
	"context"
	"log/slog"
	"time"

	"github.com/aspaudit/aspaudit/configs"
	"github.com/aspaudit/aspaudit/sinks/search/templates"
)

// retentionEvery is how often `run` deletes indices past the retention.
const retentionEvery = time.Hour

// applyRetention deletes the indices whose events are all older than
// sink.retention, when the search sink has one configured and has met the
// cluster. Failures are logged: retention is retried at the next chance.
func (o *outputs) applyRetention(ctx context.Context, cfg configs.Config, log *slog.Logger) {
	if o.search == nil || cfg.Sink.Search.Templates.Retention == 0 {
		return
	}
	client := o.search.Client()
	srv, ok := client.Server()
	if !ok {
		var err error
		if srv, err = client.Detect(ctx); err != nil {
			log.Warn("retention skipped: cluster unreachable", "err", err)
			return
		}
	}
	rep, err := templates.ApplyRetention(ctx, client, srv, o.search.Layout(), cfg.Sink.Search.Templates, time.Now())
	if err != nil {
		log.Warn("applying retention failed; retried later", "err", err)
		return
	}
	if len(rep.Deleted) > 0 {
		log.Info("retention: deleted indices past the retention", "retention", cfg.Sink.Search.Templates.Retention, "indices", rep.Deleted)
	}
}

// retainPeriodically applies retention every retentionEvery until ctx ends.
func (o *outputs) retainPeriodically(ctx context.Context, cfg configs.Config, log *slog.Logger) {
	if o.search == nil || cfg.Sink.Search.Templates.Retention == 0 {
		return
	}
	go func() {
		t := time.NewTicker(retentionEvery)
		defer t.Stop()
		for {
			o.applyRetention(ctx, cfg, log)
			select {
			case <-ctx.Done():
				return
			case <-t.C:
			}
		}
	}()
}

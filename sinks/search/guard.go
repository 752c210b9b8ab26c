package search

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"sync"

	"github.com/aspaudit/aspaudit/pipeline"
	"github.com/aspaudit/aspaudit/sinks/search/conn"
	"github.com/aspaudit/aspaudit/sinks/search/templates"
)

// templateCodec is the codec aspaudit's template sets and a cluster's
// default does not: an index without it was created without the template.
const templateCodec = "best_compression"

// indexGuard remembers the indices checked to have aspaudit's template, so
// that each costs one request per process, before its first write.
type indexGuard struct {
	mu      sync.Mutex
	checked map[string]bool
}

// guard checks the indices batch is about to write that were not checked
// yet. A new index (a new period) is created by the write from the index
// template, so the template must be there: when it vanished (a wiped or
// restored cluster) it is reinstalled if sink.<type>.install allows, else the
// write fails. An existing index created without the template is reported
// the same way. Errors of the checks themselves are retryable.
func (s *Sink) guard(ctx context.Context, batch []pipeline.Event) error {
	namers := map[pipeline.LogType]*indexNamer{}
	for _, ev := range batch {
		n := namers[ev.LogType]
		if n == nil {
			n = &indexNamer{prefix: s.cfg.PrefixOf(ev.LogType), granularity: s.cfg.IndexGranularity}
			namers[ev.LogType] = n
		}
		n.name(ev.Time)
	}
	s.indices.mu.Lock()
	defer s.indices.mu.Unlock()
	if s.indices.checked == nil {
		s.indices.checked = map[string]bool{}
	}
	for t, n := range namers {
		if err := s.guardNames(ctx, s.LayoutOf(t), n.names); err != nil {
			return err
		}
	}
	return nil
}

// guardNames checks the names not checked yet, of layout l; the caller
// holds s.indices.mu.
func (s *Sink) guardNames(ctx context.Context, l templates.Layout, names map[int]string) error {
	for _, name := range names {
		if s.indices.checked[name] {
			continue
		}
		if err := s.checkIndex(ctx, l, name); err != nil && !forbidden(err) {
			return err
		} else if err != nil {
			// Credentials that may only write documents cannot read
			// settings or templates: nothing to check with.
			s.log.Info("cannot check that the index template is there before writing an index: the sink's credentials may not read it",
				"index", name, "error", err)
		}
		s.indices.checked[name] = true
	}
	return nil
}

// forbidden reports an error answer refusing the credentials.
func forbidden(err error) bool {
	var se *conn.StatusError
	return errors.As(err, &se) && (se.Status == http.StatusUnauthorized || se.Status == http.StatusForbidden)
}

// checkIndex checks one index: absent, with the template, or without it.
func (s *Sink) checkIndex(ctx context.Context, l templates.Layout, name string) error {
	codec, exists, err := s.indexCodec(ctx, name)
	if err != nil {
		return err
	}
	if exists && codec == templateCodec {
		return nil
	}
	found, err := templates.Exists(ctx, s.client, l)
	if err != nil {
		return fmt.Errorf("checking index template %s before writing %s: %w", l.TemplateName(), name, err)
	}
	if exists {
		// Too late for this index: its fields have the types dynamic
		// mapping guessed. Say so; keep the next periods right.
		s.log.Error("an index was created without aspaudit's index template (default settings, dynamic mappings): "+
			"its fields may have wrong types; reindex it into a new index once the template is back (aspaudit setup)",
			"index", name, "template", l.TemplateName(), "template_present", found)
		if !found && !s.cfg.Templates.Install {
			return s.missingTemplate(l, name, "was created without it")
		}
	}
	if found {
		return nil
	}
	if !s.cfg.Templates.Install {
		return s.missingTemplate(l, name, "would be created without it")
	}
	s.log.Warn("aspaudit's index template vanished from the cluster (wiped or restored?); reinstalling it before creating a new index",
		"template", l.TemplateName(), "index", name)
	srv, err := s.client.Detect(ctx)
	if err == nil {
		_, err = templates.Install(ctx, s.client, srv, l, s.cfg.Templates)
	}
	if err != nil {
		return fmt.Errorf("reinstalling index template %s, which vanished from %s: %w", l.TemplateName(), s.clusterName(), err)
	}
	return nil
}

// missingTemplate is the error of a template that is gone when the sink
// may not install it.
func (s *Sink) missingTemplate(l templates.Layout, index, what string) error {
	return pipeline.Permanent(fmt.Errorf("index template %s is missing from %s (deleted, or the cluster was wiped or restored), "+
		"and index %s %s: default settings and dynamic mappings; run aspaudit setup to install the template again "+
		"(or set sink.<type>.install: true to let aspaudit reinstall it itself)", l.TemplateName(), s.clusterName(), index, what))
}

// indexCodec reads an index's codec; exists is false when there is no
// such index.
func (s *Sink) indexCodec(ctx context.Context, name string) (codec string, exists bool, err error) {
	q := url.Values{"flat_settings": {"true"}, "include_defaults": {"false"}}
	a, err := conn.Call(ctx, s.client, http.MethodGet, "/"+url.PathEscape(name)+"/_settings/index.codec", q, nil, 64<<10)
	if err != nil {
		return "", false, fmt.Errorf("reading the settings of index %s: %w", name, err)
	}
	if a.Status == http.StatusNotFound {
		return "", false, nil
	}
	if err := a.Err(); err != nil {
		return "", false, fmt.Errorf("reading the settings of index %s: %w", name, err)
	}
	var got map[string]struct {
		Settings map[string]string `json:"settings"`
	}
	if err := json.Unmarshal(a.Body, &got); err != nil {
		return "", false, fmt.Errorf("reading the settings of index %s: %w", name, err)
	}
	for idx, v := range got {
		if strings.EqualFold(idx, name) {
			return v.Settings["index.codec"], true, nil
		}
	}
	return "", true, nil
}

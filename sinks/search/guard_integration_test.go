package search_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aspaudit/aspaudit/pipeline"
	"github.com/aspaudit/aspaudit/sinks/search"
	"github.com/aspaudit/aspaudit/sinks/search/searchtest"
)

var (
	nov = time.Date(2026, 11, 5, 10, 0, 0, 0, time.UTC)
	dec = time.Date(2026, 12, 5, 10, 0, 0, 0, time.UTC)
)

func monthEvents(tag string, at time.Time, n int) []pipeline.Event {
	evs := make([]pipeline.Event, n)
	for i := range evs {
		evs[i] = pipeline.Event{ID: fmt.Sprintf("%s-%d", tag, i), Time: at,
			Doc: fmt.Appendf(nil, `{"@timestamp":%q,"event":{"action":"%s-%d"},"source":{"port":"%d"}}`, at.Format(time.RFC3339), tag, i, 1000+i)}
	}
	return evs
}

// lockedLog collects a sink's log lines.
type lockedLog struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedLog) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedLog) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

func loggedSink(t *testing.T, u, prefix string, install bool) (*search.Sink, *lockedLog) {
	t.Helper()
	cfg := search.NewDefaultConfig()
	cfg.Conn.URLs = []string{u}
	cfg.IndexPrefix = prefix
	cfg.Templates.Replicas = "0"
	cfg.Templates.Install = install
	cfg.Retry.Initial, cfg.Retry.Max, cfg.Retry.Budget = 50*time.Millisecond, time.Second, time.Minute
	logs := &lockedLog{}
	s, err := search.New(cfg, slog.New(slog.NewTextHandler(logs, nil)))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = s.Close(context.Background()) })
	return s, logs
}

func deleteTemplateNow(t *testing.T, u, name string) {
	t.Helper()
	searchtest.MustDo(t, http.MethodDelete, u, "/_index_template/"+url.PathEscape(name), "")
}

// indexSettings returns an index's flat settings; nil when it is absent.
func indexSettings(t *testing.T, u, index string) map[string]string {
	t.Helper()
	st, b := searchtest.Do(t, http.MethodGet, u, "/"+url.PathEscape(index)+"/_settings?flat_settings=true", "")
	if st == http.StatusNotFound {
		return nil
	}
	var m map[string]struct {
		Settings map[string]string `json:"settings"`
	}
	if err := json.Unmarshal(b, &m); err != nil || st != http.StatusOK {
		t.Fatalf("settings of %s: status %d: %s", index, st, b)
	}
	return m[index].Settings
}

// The template deleted between two windows, with install on: the
// next period's index is created from the reinstalled template.
func TestTemplateVanishedIsReinstalled(t *testing.T) {
	for _, which := range flavours {
		t.Run(which, func(t *testing.T) {
			u := searchtest.Require(t, which)
			prefix := freshPrefix(t, u)
			s, logs := loggedSink(t, u, prefix, true)
			writeAll(t, s, monthEvents("nov", nov, 3))
			deleteTemplateNow(t, u, prefix)
			res := writeAll(t, s, monthEvents("dec", dec, 3))
			if res.Stored != 3 {
				t.Fatalf("result %+v", res)
			}
			decIndex := search.IndexName(prefix, search.Month, dec)
			set := indexSettings(t, u, decIndex)
			if set["index.codec"] != "best_compression" || set["index.number_of_replicas"] != "0" {
				t.Errorf("%s was created without the template: settings %v", decIndex, set)
			}
			if st, _ := searchtest.Do(t, http.MethodGet, u, "/_index_template/"+prefix, ""); st != http.StatusOK {
				t.Errorf("the template is not back: status %d", st)
			}
			if !strings.Contains(logs.String(), "index template vanished") {
				t.Errorf("the reinstall is not logged:\n%s", logs)
			}
		})
	}
}

// With install off the window fails with a clear error, permanent,
// and no index is created with default settings.
func TestTemplateVanishedFailsWithoutInstall(t *testing.T) {
	for _, which := range flavours {
		t.Run(which, func(t *testing.T) {
			u := searchtest.Require(t, which)
			prefix := freshPrefix(t, u)
			first, _ := loggedSink(t, u, prefix, true) // as setup would
			writeAll(t, first, monthEvents("nov", nov, 3))
			deleteTemplateNow(t, u, prefix)
			s, _ := loggedSink(t, u, prefix, false)
			// The November index has the template's settings: writing it
			// needs no template.
			writeAll(t, s, monthEvents("nov2", nov, 2))
			_, err := s.Write(context.Background(), monthEvents("dec", dec, 3))
			t.Log(err)
			if !pipeline.IsPermanent(err) {
				t.Fatalf("want a permanent error, got %v", err)
			}
			for _, want := range []string{"index template " + prefix + " is missing", "aspaudit setup", "sink.<type>.install"} {
				if err == nil || !strings.Contains(err.Error(), want) {
					t.Errorf("error %v does not say %q", err, want)
				}
			}
			if set := indexSettings(t, u, search.IndexName(prefix, search.Month, dec)); set != nil {
				t.Errorf("the December index was created: %v", set)
			}
		})
	}
}

// An index that exists without the template's settings (created while the
// template was gone) fails the write too when the sink may not reinstall.
func TestIndexWithoutTemplateDetected(t *testing.T) {
	for _, which := range flavours {
		t.Run(which, func(t *testing.T) {
			u := searchtest.Require(t, which)
			prefix := freshPrefix(t, u)
			decIndex := search.IndexName(prefix, search.Month, dec)
			searchtest.MustDo(t, http.MethodPut, u, "/"+decIndex, `{"settings":{"number_of_replicas":0}}`)
			s, logs := loggedSink(t, u, prefix, false)
			_, err := s.Write(context.Background(), monthEvents("dec", dec, 2))
			t.Log(err)
			if !pipeline.IsPermanent(err) || !strings.Contains(err.Error(), "was created without it") {
				t.Fatalf("want a permanent error naming the index created without the template, got %v", err)
			}
			if !strings.Contains(logs.String(), "created without aspaudit's index template") {
				t.Errorf("not logged:\n%s", logs)
			}
		})
	}
}

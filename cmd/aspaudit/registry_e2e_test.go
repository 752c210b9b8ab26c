package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aspaudit/aspaudit/pipeline"
	"github.com/aspaudit/aspaudit/pipeline/pipelinetest"
	"github.com/aspaudit/aspaudit/sinks"
	"github.com/aspaudit/aspaudit/sources/atlas/atlastest"
)

// This file adds a sink type without touching any other file: it
// registers "memtest", whose events, checkpoints and dead letters stay in
// memory, and drives the commands in-process into it. cmd/aspaudit and
// configs know nothing of it; if they branched on sink types, this would
// not work.

const memSinkType = "memtest"

func init() {
	sinks.Register(sinks.Type{Name: memSinkType, NewSection: func() sinks.Section {
		return &memSection{Store: "default"}
	}})
}

// memSection is sink.memtest: Store names the in-memory store, so that
// tests running at once keep apart.
type memSection struct {
	Store string `koanf:"store"`
}

// memStore is what one store holds.
type memStore struct {
	sink *pipelinetest.Recorder
	cp   *pipelinetest.Checkpoints
	dead *pipelinetest.DeadLetters
}

var memStores sync.Map // store name -> *memStore

func memStoreOf(name string) *memStore {
	st, _ := memStores.LoadOrStore(name, &memStore{sink: &pipelinetest.Recorder{}, cp: &pipelinetest.Checkpoints{}, dead: &pipelinetest.DeadLetters{}})
	return st.(*memStore)
}

func (s *memSection) Validate() error {
	if s.Store == "" {
		return errors.New("store: must not be empty")
	}
	return nil
}

func (s *memSection) Open(context.Context, *slog.Logger) (*sinks.Outputs, error) {
	st := memStoreOf(s.Store)
	return &sinks.Outputs{Sink: st.sink, DeadLetter: st.dead, Checkpoints: st.cp, Where: "memory store " + s.Store}, nil
}

func (s *memSection) Check(_ context.Context, r sinks.Reporter, _ []pipeline.LogType) {
	r.OK("memory store %s is ready", s.Store)
}

func (s *memSection) Setup(_ context.Context, req sinks.SetupRequest) (sinks.Installed, error) {
	fmt.Fprintf(req.Out, "sink: memory store %s: nothing to install\n", s.Store)
	return sinks.Installed{}, nil
}

// runWithEnv runs the command in this process, where memtest is
// registered (the built binary does not have it).
func runWithEnv(t *testing.T, e env, args ...string) result {
	t.Helper()
	var out, errw bytes.Buffer
	code := run(context.Background(), args, stdio{in: strings.NewReader(""), out: &out, err: &errw}, e.list(t))
	return result{code: code, stdout: out.String(), stderr: errw.String()}
}

// TestRegisteredSinkBackfill: a sink type registered by a test stores a
// whole backfill (every served line once), keeps its checkpoints (a second
// run fetches nothing), and takes part in check, setup and validation.
func TestRegisteredSinkBackfill(t *testing.T) {
	fake := newFakeAtlas(t, atlastest.Config{})
	to := time.Now().UTC().Add(-time.Hour).Truncate(time.Hour)
	from := to.Add(-12 * time.Hour)
	srv := serveGenerated(fake, 11, from, to, 300)
	store := t.Name()
	e := fake.env(serviceAccountConfigVars).with("ASPAUDIT_SINK__TYPE", memSinkType, "ASPAUDIT_SINK__MEMTEST__STORE", store)
	args := []string{"backfill", "--from", from.Format(time.RFC3339), "--to", to.Format(time.RFC3339)}

	r := runWithEnv(t, e, args...)
	mustExit(t, r, exitOK, "backfill into memtest")
	st := memStoreOf(store)
	want := srv.ids(nil)
	got := map[string]bool{}
	for _, d := range st.sink.Docs() {
		got[d.ID] = true
	}
	if len(got) != len(want) {
		t.Errorf("memtest holds %d documents, want the %d served", len(got), len(want))
	}
	for id := range want {
		if !got[id] {
			t.Fatalf("served line %s is not in memtest", id)
		}
	}
	if st.cp.Marks() == 0 {
		t.Error("no checkpoint reached memtest's store")
	}
	fetched := len(fake.auditRequests())
	r = runWithEnv(t, e, args...)
	mustExit(t, r, exitOK, "second backfill")
	if n := len(fake.auditRequests()) - fetched; n != 0 {
		t.Errorf("the second backfill fetched %d windows; memtest's checkpoints cover them all", n)
	}

	r = runWithEnv(t, e, "check")
	mustExit(t, r, exitOK, "check")
	r = runWithEnv(t, e, "setup")
	if !strings.Contains(r.stderr, "memory store "+store+": nothing to install") {
		t.Errorf("setup did not run memtest's setup:\n%s", r)
	}
	r = runWithEnv(t, e.with("ASPAUDIT_SINK__MEMTEST__STOR", "x"), args...)
	mustExit(t, r, exitUsage, "misspelt memtest key")
	if !strings.Contains(r.stderr, "sink.memtest.stor") {
		t.Errorf("the error does not name sink.memtest.stor:\n%s", r)
	}
	r = runWithEnv(t, e.with("ASPAUDIT_SINK__TYPE", "kafka"), args...)
	mustExit(t, r, exitUsage, "unknown sink type")
	for _, name := range []string{"kafka", "elasticsearch", "file", "memtest", "opensearch"} {
		if !strings.Contains(r.stderr, name) {
			t.Errorf("the unknown-type error does not name %s:\n%s", name, r)
		}
	}
}

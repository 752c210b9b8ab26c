package file

import (
	"context"
	"log/slog"
	"os"
	"path/filepath"
	"testing"

	"github.com/aspaudit/aspaudit/pipeline"
	"github.com/aspaudit/aspaudit/sinks/sinktest"
)

// openSink opens a sink over path and closes it when the test ends.
func openSink(t testing.TB, path string, tweak ...func(*Config)) *Sink {
	t.Helper()
	cfg := NewDefaultConfig()
	cfg.Path = path
	for _, f := range tweak {
		f(&cfg)
	}
	s, err := New(context.Background(), cfg, testLogger(t))
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	t.Cleanup(func() { _ = s.Close(context.Background()) })
	return s
}

func testLogger(t testing.TB) *slog.Logger {
	if testing.Verbose() {
		return slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelDebug}))
	}
	return nil
}

// scanAll reads back every stored event under path.
func scanAll(t testing.TB, path string) []sinktest.Doc {
	t.Helper()
	var out []sinktest.Doc
	err := Scan(context.Background(), path, func(r Record) error {
		out = append(out, sinktest.Doc{ID: r.ID, Source: append([]byte(nil), r.Doc...)})
		return nil
	})
	if err != nil {
		t.Fatalf("Scan: %v", err)
	}
	return out
}

// ndjsonFiles lists the visible segment files under path.
func ndjsonFiles(t testing.TB, path string) []string {
	t.Helper()
	files, err := filepath.Glob(filepath.Join(path, "events", "*", "*.ndjson"))
	if err != nil {
		t.Fatal(err)
	}
	return files
}

func mustWrite(t testing.TB, s pipeline.Sink, batch []pipeline.Event) pipeline.WriteResult {
	t.Helper()
	res, err := s.Write(context.Background(), batch)
	if err != nil {
		t.Fatalf("Write: %v", err)
	}
	return res
}

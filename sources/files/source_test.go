package files

import (
	"bytes"
	"compress/gzip"
	"context"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/aspaudit/aspaudit/pipeline"
	"github.com/aspaudit/aspaudit/sources/archive"
)

func writeGz(t *testing.T, path, content string) {
	t.Helper()
	var buf bytes.Buffer
	zw := gzip.NewWriter(&buf)
	_, _ = zw.Write([]byte(content))
	_ = zw.Close()
	if err := os.WriteFile(path, buf.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
}

func fetchAll(t *testing.T, s *Source, w pipeline.Window) (string, error) {
	t.Helper()
	rc, err := s.Fetch(context.Background(), w)
	if err != nil {
		return "", err
	}
	defer rc.Close()
	b, err := io.ReadAll(rc)
	return string(b), err
}

func TestFindAndFetch(t *testing.T) {
	dir := t.TempDir()
	sub := filepath.Join(dir, "nov")
	if err := os.Mkdir(sub, 0o755); err != nil {
		t.Fatal(err)
	}
	day1 := "ws_2026-11-01T00:00:00Z_2026-11-02T00:00:00Z_audit.log.gz"
	writeGz(t, filepath.Join(dir, day1), "a1\na2\n")
	writeGz(t, filepath.Join(sub, "ws_p1_2026-11-02T00:00:00Z_2026-11-03T00:00:00Z_audit.log.gz"), "p1\n")
	writeGz(t, filepath.Join(sub, "copy-"+day1), "ignored: its name does not start with the workspace")
	if err := os.WriteFile(filepath.Join(dir, "notes.txt"), []byte("not an archive"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(sub, "ws_2026-11-01T00:00:00Z_2026-11-02T00:00:00Z_audit.log"), []byte("a3"), 0o644); err != nil {
		t.Fatal(err)
	}

	_, err := Find(NameRule{ProjectID: project, Workspace: "ws"}, dir)
	if err == nil || !strings.Contains(err.Error(), "copy-ws") {
		t.Fatalf("want an error naming the archive whose name contradicts the workspace, got %v", err)
	}
	if err := os.Remove(filepath.Join(sub, "copy-"+day1)); err != nil {
		t.Fatal(err)
	}
	as, err := Find(NameRule{ProjectID: project, Workspace: "ws"}, dir)
	if err != nil {
		t.Fatal(err)
	}
	if len(as) != 3 {
		t.Fatalf("found %d archives, want 3: %v", len(as), as)
	}
	s := NewSource(as)
	ws := s.Windows()
	if len(ws) != 2 {
		t.Fatalf("got %d windows, want 2: %v", len(ws), ws)
	}
	got, err := fetchAll(t, s, ws[0])
	if err != nil {
		t.Fatal(err)
	}
	// Two archives of the same window in path order; the first ("nov/...",
	// gunzipped) has no final newline, so one is added.
	if got != "a3\na1\na2\n" {
		t.Fatalf("window %v: got %q", ws[0], got)
	}
	if ws[1].Processor != "p1" {
		t.Fatalf("second window %v has no processor", ws[1])
	}
	if got, _ := fetchAll(t, s, ws[1]); got != "p1\n" {
		t.Fatalf("processor window: got %q", got)
	}
}

func TestFetchErrorsArePermanentAndNamed(t *testing.T) {
	dir := t.TempDir()
	good := filepath.Join(dir, "ws_2026-11-01T00:00:00Z_2026-11-02T00:00:00Z_audit.log.gz")
	writeGz(t, good, strings.Repeat("line\n", 1000))
	b, _ := os.ReadFile(good)
	cut := filepath.Join(dir, "cut.gz")
	if err := os.WriteFile(cut, b[:len(b)/2], 0o644); err != nil {
		t.Fatal(err)
	}
	w := pipeline.Window{Series: pipeline.Series{ProjectID: project, Workspace: "ws"}}

	s := NewSource([]Archive{{Path: cut, Window: w}})
	_, err := fetchAll(t, s, w)
	if !pipeline.IsPermanent(err) || !errors.Is(err, archive.ErrCorrupt) || !strings.Contains(err.Error(), cut) || !strings.Contains(err.Error(), "download it again") {
		t.Fatalf("cut archive: %v", err)
	}

	missing := filepath.Join(dir, "gone.gz")
	s = NewSource([]Archive{{Path: missing, Window: w}})
	_, err = fetchAll(t, s, w)
	if !pipeline.IsPermanent(err) || !errors.Is(err, os.ErrNotExist) || !strings.Contains(err.Error(), missing) {
		t.Fatalf("missing archive: %v", err)
	}

	other := w
	other.Workspace = "elsewhere"
	if _, err := s.Fetch(context.Background(), other); !pipeline.IsPermanent(err) {
		t.Fatalf("unknown window: %v", err)
	}

	if _, err := Find(NameRule{ProjectID: project, Workspace: "ws"}, missing); !pipeline.IsPermanent(err) || !strings.Contains(err.Error(), missing) {
		t.Fatalf("find on a missing path: %v", err)
	}
}

func TestFetchUnreadableFile(t *testing.T) {
	if os.Geteuid() == 0 {
		t.Skip("root reads every file")
	}
	path := filepath.Join(t.TempDir(), "x.gz")
	writeGz(t, path, "x\n")
	if err := os.Chmod(path, 0); err != nil {
		t.Fatal(err)
	}
	_, err := Archive{Path: path}.Open()
	if !pipeline.IsPermanent(err) || !strings.Contains(err.Error(), "make the file readable") {
		t.Fatalf("unreadable: %v", err)
	}
}

func TestFetchStopsOnCancelledContext(t *testing.T) {
	dir := t.TempDir()
	w := pipeline.Window{Series: pipeline.Series{ProjectID: project, Workspace: "ws"}}
	var as []Archive
	for _, n := range []string{"a.gz", "b.gz"} {
		writeGz(t, filepath.Join(dir, n), n+"\n")
		as = append(as, Archive{Path: filepath.Join(dir, n), Window: w})
	}
	ctx, cancel := context.WithCancel(context.Background())
	rc, err := NewSource(as).Fetch(ctx, w)
	if err != nil {
		t.Fatal(err)
	}
	defer rc.Close()
	buf := make([]byte, 64)
	n, _ := rc.Read(buf)
	cancel()
	rest, err := io.ReadAll(rc)
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("got %q then %q, %v; want the context's error before the second archive", buf[:n], rest, err)
	}
}

package main

import (
	"context"
	"errors"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/aspaudit/aspaudit/sources/atlas/atlastest"
)

// fullDisk mounts a 1 MiB tmpfs, creates the data directory's layout on
// it and fills what is left; the returned function frees the space. It
// needs root (CAP_SYS_ADMIN): without it the test skips, and the sink and
// engine tests of the same behaviour (sinks/file, pipeline/ingest) run.
func fullDisk(t *testing.T) (dir string, free func()) {
	t.Helper()
	dir = t.TempDir()
	if out, err := exec.Command("mount", "-t", "tmpfs", "-o", "size=1m", "tmpfs", dir).CombinedOutput(); err != nil {
		t.Skipf("cannot mount a small tmpfs (needs root): %v: %s", err, out)
	}
	t.Cleanup(func() {
		if out, err := exec.Command("umount", "-l", dir).CombinedOutput(); err != nil {
			t.Errorf("unmounting %s: %v: %s", dir, err, out)
		}
	})
	fill := filepath.Join(dir, "fill")
	f, err := os.Create(fill)
	if err != nil {
		t.Fatal(err)
	}
	_, err = f.Write(make([]byte, 2<<20))
	_ = f.Close()
	if !errorsIsENOSPC(err) {
		t.Fatalf("filling the tmpfs: %v", err)
	}
	return dir, func() {
		if err := os.Remove(fill); err != nil {
			t.Error(err)
		}
	}
}

func errorsIsENOSPC(err error) bool {
	return errors.Is(err, syscall.ENOSPC)
}

// `import` into a full file system stops each window at its first attempt
// with a message naming the cause and the fix, exits 1, and records
// nothing (the budget is short so that a retrying build fails in seconds).
func TestImportFullDisk(t *testing.T) {
	t.Parallel()
	binary(t)
	dir, _ := fullDisk(t)
	files := sampleArchives(t)
	e := env{"ASPAUDIT_SINK__TYPE": "file", "ASPAUDIT_SINK__FILE__PATH": dir, "ASPAUDIT_PIPELINE__RETRY__BUDGET": "20s"}
	r := aspaudit(t, e, append([]string{"import", "--project", e2eProject, "--report", "json"}, files...)...)
	mustExit(t, r, exitIncomplete, "import into a full disk")
	rep := parseReport(t, r)
	if rep.WindowsDone != 0 || rep.WindowsFailed != len(files) || rep.Retries != 0 {
		t.Errorf("report %+v: want %d windows failed at once, none retried", rep, len(files))
	}
	for _, s := range []string{"THE SINK'S STORAGE IS FULL", "the disk is full", "no space left on device", "free space on it", "after 1 attempts"} {
		if !strings.Contains(r.stderr, s) {
			t.Errorf("stderr does not say %q:\n%s", s, tail(r.stderr, 4<<10))
		}
	}
	if n := strings.Count(r.stderr, "THE SINK'S STORAGE IS FULL"); n != 1 {
		t.Errorf("the full disk is announced %d times, want once", n)
	}
}

// `run` on a full disk keeps retrying, says so once, answers 503 on
// /healthz (/livez stays 200) and sets aspaudit_sink_storage_full; once
// space is freed the windows are stored and /healthz is ok again.
func TestRunFullDisk(t *testing.T) {
	t.Parallel()
	binary(t)
	dir, free := fullDisk(t)
	fake := newFakeAtlas(t, atlastest.Config{})
	now := time.Now().UTC()
	serveGenerated(fake, 7008, now.Add(-3*time.Hour), now.Add(time.Hour), 200)
	e := fake.env(serviceAccountConfigVars).with(
		"ASPAUDIT_SINK__TYPE", "file", "ASPAUDIT_SINK__FILE__PATH", dir,
		"ASPAUDIT_PIPELINE__START", "2h",
		"ASPAUDIT_PIPELINE__LAG", "1m",
		"ASPAUDIT_PIPELINE__POLL_INTERVAL", "1s",
		"ASPAUDIT_PIPELINE__RETRY__INITIAL", "100ms",
		"ASPAUDIT_PIPELINE__RETRY__MAX", "500ms",
		"ASPAUDIT_PIPELINE__SHUTDOWN_TIMEOUT", "1s",
	)
	ctx, cancel := context.WithTimeout(context.Background(), runTimeout)
	defer cancel()
	p := start(t, ctx, e, "run", "--listen", "127.0.0.1:0")
	defer func() { _ = p.cmd.Process.Kill() }()
	var addr string
	eventually(t, time.Minute, "the listener's address in the log", func() bool {
		addr = listenAddr(p.stderr.String())
		return addr != ""
	})
	base := "http://" + addr
	var body string
	eventually(t, 2*time.Minute, "/healthz answering 503 for the full disk", func() bool {
		var st int
		st, body = httpGet(t, base+"/healthz")
		return st == http.StatusServiceUnavailable
	})
	if !strings.Contains(body, "sink storage full") || !strings.Contains(body, "no space left on device") {
		t.Errorf("/healthz says %q", body)
	}
	// Liveness stays: a restart would not free the disk.
	if st, live := httpGet(t, base+"/livez"); st != http.StatusOK {
		t.Errorf("/livez answers %d with the disk full: %s", st, live)
	}
	_, metrics := httpGet(t, base+"/metrics")
	if v := metricValue(metrics, "aspaudit_sink_storage_full"); v != 1 {
		t.Errorf("aspaudit_sink_storage_full is %v, want 1", v)
	}
	if v := metricValue(metrics, `aspaudit_window_failures_total{kind="storage_full"}`); v < 1 {
		t.Errorf(`aspaudit_window_failures_total{kind="storage_full"} is %v`, v)
	}
	// Let it retry a while, then free the space.
	eventually(t, time.Minute, "retries of the full disk", func() bool {
		_, metrics = httpGet(t, base+"/metrics")
		return metricValue(metrics, `aspaudit_window_retries_total{kind="storage_full"}`) >= 3
	})
	free()
	eventually(t, 2*time.Minute, "/healthz ok after space was freed", func() bool {
		st, _ := httpGet(t, base+"/healthz")
		return st == http.StatusOK
	})
	_, metrics = httpGet(t, base+"/metrics")
	if v := metricValue(metrics, "aspaudit_sink_storage_full"); v != 0 {
		t.Errorf("aspaudit_sink_storage_full is %v after space was freed, want 0", v)
	}
	if v := metricValue(metrics, `aspaudit_events_total{outcome="stored"}`); v <= 0 {
		t.Errorf("nothing stored after space was freed: %v", v)
	}
	if err := p.cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	r := p.wait(t)
	mustExit(t, r, exitOK, "run after SIGTERM")
	if n := strings.Count(r.stderr, "THE SINK'S STORAGE IS FULL"); n != 1 {
		t.Errorf("the full disk is announced %d times, want once:\n%s", n, tail(r.stderr, 4<<10))
	}
	if !strings.Contains(r.stderr, "accepts writes again") {
		t.Errorf("no word that space is back:\n%s", tail(r.stderr, 4<<10))
	}
}

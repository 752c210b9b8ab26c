package main

// End-to-end tests: they build the real aspaudit binary once, run it as a
// child process against the Atlas fake (in this test process) and the
// file sink or the real Elasticsearch / OpenSearch test servers, and check
// what ended up stored against what the fake served.
//
// The binary is built without the race detector unless ASPAUDIT_E2E_RACE=1
// (the tests themselves still run under -race); scripts/test.sh, and so CI,
// sets it. Every e2e test is skipped
// with -short; those needing Elasticsearch or OpenSearch skip without
// ASPAUDIT_TEST_ES_URL / ASPAUDIT_TEST_OS_URL (and fail under CI=true). The
// crash test logs the seed of its kill moments; ASPAUDIT_E2E_KILL_SEED
// replays one.

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"sort"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

var e2e struct {
	dir  string // holds the binary
	once sync.Once
	bin  string
	err  error
}

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "aspaudit-e2e-")
	if err != nil {
		fmt.Fprintln(os.Stderr, "creating the binary's directory:", err)
		os.Exit(1)
	}
	e2e.dir = dir
	code := m.Run()
	_ = os.RemoveAll(dir)
	os.Exit(code)
}

// binary builds ./cmd/aspaudit once per test run and returns its path.
func binary(t testing.TB) string {
	t.Helper()
	if testing.Short() {
		t.Skip("end-to-end test: skipped with -short")
	}
	e2e.once.Do(func() {
		bin := filepath.Join(e2e.dir, "aspaudit")
		args := []string{"build", "-o", bin}
		if os.Getenv("ASPAUDIT_E2E_RACE") == "1" {
			args = append(args, "-race")
		}
		args = append(args, ".")
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
		defer cancel()
		cmd := exec.CommandContext(ctx, goTool(), args...)
		out, err := cmd.CombinedOutput()
		if err != nil {
			e2e.err = fmt.Errorf("go build: %w\n%s", err, out)
			return
		}
		e2e.bin = bin
	})
	if e2e.err != nil {
		t.Fatal(e2e.err)
	}
	return e2e.bin
}

func goTool() string {
	// The test binary runs where it was built, so the build's GOROOT holds
	// the go command that is running the tests.
	if p := filepath.Join(runtime.GOROOT(), "bin", "go"); fileExists(p) { //nolint:staticcheck // see above
		return p
	}
	return "go"
}

func fileExists(p string) bool {
	_, err := os.Stat(p)
	return err == nil
}

// env is the environment of one child process, built explicitly: nothing
// is inherited from the test's own environment (no MONGODB_ATLAS_* or
// ASPAUDIT_* set by whoever runs the tests).
type env map[string]string

func (e env) with(kv ...string) env {
	out := make(env, len(e)+len(kv)/2)
	for k, v := range e {
		out[k] = v
	}
	for i := 0; i+1 < len(kv); i += 2 {
		out[kv[i]] = kv[i+1]
	}
	return out
}

func (e env) list(t testing.TB) []string {
	out := []string{"PATH=/usr/bin:/bin", "HOME=" + t.TempDir(), "TZ=UTC"}
	if v := os.Getenv("GORACE"); v != "" {
		out = append(out, "GORACE="+v)
	}
	for k, v := range e {
		out = append(out, k+"="+v)
	}
	sort.Strings(out)
	return out
}

// result is how one run of the binary ended.
type result struct {
	code           int
	stdout, stderr string
	signaled       bool // killed by a signal
}

func (r result) String() string {
	return fmt.Sprintf("exit %d\n--- stdout:\n%s\n--- stderr (last 4 KiB):\n%s", r.code, r.stdout, tail(r.stderr, 4<<10))
}

func tail(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return "…" + s[len(s)-n:]
}

// runTimeout bounds every run of the binary; generous, for a loaded machine.
const runTimeout = 4 * time.Minute

// aspaudit runs the binary to completion with args and returns how it ended.
func aspaudit(t testing.TB, e env, args ...string) result {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), runTimeout)
	defer cancel()
	p := start(t, ctx, e, args...)
	return p.wait(t)
}

// proc is a running aspaudit.
type proc struct {
	cmd            *exec.Cmd
	stdout, stderr *syncBuffer
}

// aspauditIn runs the binary in dir to the end.
func aspauditIn(t testing.TB, dir string, e env, args ...string) result {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), runTimeout)
	defer cancel()
	return startIn(t, ctx, dir, e, args...).wait(t)
}

// start starts the binary in an empty directory; the caller waits for it
// (wait) or kills it.
func start(t testing.TB, ctx context.Context, e env, args ...string) *proc {
	t.Helper()
	return startIn(t, ctx, t.TempDir(), e, args...)
}

func startIn(t testing.TB, ctx context.Context, dir string, e env, args ...string) *proc {
	t.Helper()
	cmd := exec.CommandContext(ctx, binary(t), args...)
	cmd.Env = e.list(t)
	cmd.Dir = dir
	p := &proc{cmd: cmd, stdout: &syncBuffer{}, stderr: &syncBuffer{}}
	cmd.Stdout, cmd.Stderr = p.stdout, p.stderr
	cmd.WaitDelay = 10 * time.Second
	if err := cmd.Start(); err != nil {
		t.Fatalf("starting aspaudit %v: %v", args, err)
	}
	return p
}

func (p *proc) wait(t testing.TB) result {
	t.Helper()
	err := p.cmd.Wait()
	r := result{stdout: p.stdout.String(), stderr: p.stderr.String()}
	var ee *exec.ExitError
	switch {
	case err == nil:
	case errors.As(err, &ee):
		r.code = ee.ExitCode()
		if ws, ok := ee.Sys().(syscall.WaitStatus); ok && ws.Signaled() {
			r.signaled = true
		}
	default:
		// Not Fatal: wait may run on a goroutine of its own.
		t.Errorf("aspaudit %v: %v\n%s", p.cmd.Args[1:], err, r)
		r.code = -1
	}
	return r
}

// syncBuffer is a bytes.Buffer safe for the writes of exec's copying
// goroutines and concurrent reads by the test.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// e2eReport is the --report json object, with the field names issue 6
// documents; decoding it separately from the command's own type catches
// a renamed field.
type e2eReport struct {
	Command         string  `json:"command"`
	WindowsPlanned  int     `json:"windows_planned"`
	WindowsDone     int     `json:"windows_done"`
	WindowsFailed   int     `json:"windows_failed"`
	WindowsCanceled int     `json:"windows_canceled"`
	LinesRead       int64   `json:"lines_read"`
	BlankLines      int64   `json:"blank_lines"`
	Events          int64   `json:"events"`
	EventsStored    int64   `json:"events_stored"`
	Duplicates      int64   `json:"duplicates"`
	ParseFailures   int64   `json:"parse_failures"`
	DeadLettered    int64   `json:"dead_lettered"`
	Retries         int64   `json:"retries"`
	ElapsedSeconds  float64 `json:"elapsed_seconds"`
	Stopped         bool    `json:"stopped"`
	ExitCode        int     `json:"exit_code"`
}

// reportKeys are the figures issue 6 asks --report json for.
var reportKeys = []string{"windows_planned", "windows_done", "windows_failed", "lines_read",
	"events_stored", "duplicates", "parse_failures", "dead_lettered", "retries", "elapsed_seconds"}

// parseReport decodes the one JSON object stdout must hold.
func parseReport(t testing.TB, r result) e2eReport {
	t.Helper()
	out := strings.TrimSpace(r.stdout)
	if strings.Count(out, "\n") != 0 {
		t.Fatalf("stdout holds more than one line; want exactly one JSON object:\n%s", r)
	}
	var keys map[string]json.RawMessage
	if err := json.Unmarshal([]byte(out), &keys); err != nil {
		t.Fatalf("stdout is not a JSON object: %v\n%s", err, r)
	}
	for _, k := range reportKeys {
		if _, ok := keys[k]; !ok {
			t.Errorf("the report lacks %q: %s", k, out)
		}
	}
	var rep e2eReport
	if err := json.Unmarshal([]byte(out), &rep); err != nil {
		t.Fatalf("decoding the report: %v\n%s", err, out)
	}
	if rep.ExitCode != r.code {
		t.Errorf("report says exit_code %d, the process exited %d", rep.ExitCode, r.code)
	}
	return rep
}

// mustExit fails the test unless r ended with code.
func mustExit(t testing.TB, r result, code int, what string) {
	t.Helper()
	if r.code != code || r.signaled {
		t.Fatalf("%s: want exit %d\n%s", what, code, r)
	}
}

// idDiff compares the stored ids (with how many times each is stored)
// with the served ones, and fails the test naming what is missing, extra or
// doubled.
func idDiff(t testing.TB, what string, want map[string]bool, got map[string]int) {
	t.Helper()
	var missing, extra, doubled []string
	for id := range want {
		if got[id] == 0 {
			missing = append(missing, id)
		}
	}
	for id, n := range got {
		if !want[id] {
			extra = append(extra, id)
		}
		if n > 1 {
			doubled = append(doubled, fmt.Sprintf("%s×%d", id, n))
		}
	}
	if len(missing)+len(extra)+len(doubled) == 0 {
		return
	}
	t.Fatalf("%s: stored set differs from the served set (served %d, stored %d distinct): %d missing %v, %d not served %v, %d stored more than once %v",
		what, len(want), len(got), len(missing), firstFew(missing), len(extra), firstFew(extra), len(doubled), firstFew(doubled))
}

func firstFew(s []string) []string {
	slices.Sort(s)
	if len(s) > 5 {
		return append(s[:5:5], "…")
	}
	return s
}

// eventually polls cond every 50ms until it holds or timeout passes.
func eventually(t testing.TB, timeout time.Duration, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(timeout)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out after %s waiting for %s", timeout, what)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

package main

import (
	"bufio"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/aspaudit/aspaudit/sources/atlas/atlastest"
)

// TestRunListenAndSIGTERM: `run --listen 127.0.0.1:0` serves /healthz, /livez and
// Prometheus /metrics with aspaudit's metrics; SIGTERM mid-pass ends it
// with exit 0 in bounded time, and every window it recorded is fully
// stored (windows in flight were completed or not recorded).
func TestRunListenAndSIGTERM(t *testing.T) {
	t.Parallel()
	binary(t)
	tg := fileTarget(t)
	fake := newFakeAtlas(t, atlastest.Config{})
	now := time.Now().UTC()
	srv := serveGenerated(fake, 7007, now.Add(-8*time.Hour), now.Add(time.Hour), 2000)
	fake.setDelay(1500 * time.Millisecond)
	e := fake.env(serviceAccountConfigVars).with(
		"ASPAUDIT_PIPELINE__START", "6h",
		"ASPAUDIT_PIPELINE__LAG", "1m",
		"ASPAUDIT_PIPELINE__WINDOW", "10m",
		"ASPAUDIT_PIPELINE__POLL_INTERVAL", "1s",
		"ASPAUDIT_PIPELINE__SHUTDOWN_TIMEOUT", "1s",
	).with(envPairs(tg.env)...)

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

	for _, path := range []string{"/healthz", "/livez"} {
		if st, body := httpGet(t, base+path); st != http.StatusOK {
			t.Errorf("%s: status %d: %s", path, st, body)
		}
	}
	var metrics string
	eventually(t, 2*time.Minute, "4 windows done in /metrics", func() bool {
		_, metrics = httpGet(t, base+"/metrics")
		return metricValue(metrics, `aspaudit_windows_total{result="done"}`) >= 4
	})
	for _, name := range []string{
		`aspaudit_events_total{outcome="stored"}`,
		`aspaudit_atlas_requests_total{endpoint="auditLogs",status="200"}`,
		`aspaudit_atlas_requests_total{endpoint="streams",status="200"}`,
		`aspaudit_sink_write_duration_seconds_count`,
		`aspaudit_series_lag_seconds{series="` + e2eProject + `/ws-alpha"}`,
		`aspaudit_series_covered_until_timestamp_seconds{series="` + e2eProject + `/ws-beta"}`,
	} {
		if metricValue(metrics, name) < 0 {
			t.Errorf("/metrics has no %s", name)
		}
	}
	if metricValue(metrics, `aspaudit_events_total{outcome="stored"}`) <= 0 {
		t.Errorf("/metrics counts no stored event after 4 windows")
	}

	if err := p.cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	stopped := make(chan result, 1)
	go func() { stopped <- p.wait(t) }()
	var r result
	select {
	case r = <-stopped:
	case <-time.After(time.Minute):
		t.Fatalf("still running a minute after SIGTERM (pipeline.shutdown_timeout is 1s)\n%s", tail(p.stderr.String(), 4<<10))
	}
	mustExit(t, r, exitOK, "run after SIGTERM")
	t.Logf("after SIGTERM: %d windows abandoned", strings.Count(r.stderr, "window abandoned"))

	cov := coverageOf(t, tg.checkpoints(t))
	recorded := srv.ids(covered(cov))
	if len(recorded) == 0 {
		t.Fatalf("nothing recorded before SIGTERM; coverage %v", cov)
	}
	idSubset(t, "after SIGTERM", recorded, srv.ids(nil), tg.stored(t))
}

// idSubset checks that every id of recorded is stored, that every stored
// id was served, and that none is stored twice (stored events of windows
// abandoned before being recorded are allowed).
func idSubset(t testing.TB, what string, recorded, served map[string]bool, got map[string]int) {
	t.Helper()
	var missing, extra, doubled []string
	for id := range recorded {
		if got[id] == 0 {
			missing = append(missing, id)
		}
	}
	for id, n := range got {
		if !served[id] {
			extra = append(extra, id)
		}
		if n > 1 {
			doubled = append(doubled, id)
		}
	}
	if len(missing)+len(extra)+len(doubled) > 0 {
		t.Fatalf("%s: %d events of recorded windows missing %v, %d stored but never served %v, %d stored twice %v",
			what, len(missing), firstFew(missing), len(extra), firstFew(extra), len(doubled), firstFew(doubled))
	}
}

// listenAddr finds the listener's address in the JSON log.
func listenAddr(log string) string {
	sc := bufio.NewScanner(strings.NewReader(log))
	for sc.Scan() {
		var rec struct {
			Msg  string `json:"msg"`
			Addr string `json:"addr"`
		}
		if json.Unmarshal(sc.Bytes(), &rec) == nil && strings.HasPrefix(rec.Msg, "serving /metrics") {
			return rec.Addr
		}
	}
	return ""
}

func httpGet(t testing.TB, u string) (int, string) {
	t.Helper()
	c := &http.Client{Timeout: 30 * time.Second}
	res, err := c.Get(u)
	if err != nil {
		t.Fatalf("GET %s: %v", u, err)
	}
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	if err != nil {
		t.Fatalf("GET %s: %v", u, err)
	}
	return res.StatusCode, string(b)
}

// metricValue returns the value of the sample named exactly name (with
// its labels) in a Prometheus text exposition, or -1 when absent.
func metricValue(text, name string) float64 {
	for _, line := range strings.Split(text, "\n") {
		rest, ok := strings.CutPrefix(line, name+" ")
		if !ok {
			continue
		}
		v, err := strconv.ParseFloat(strings.Fields(rest)[0], 64)
		if err == nil {
			return v
		}
	}
	return -1
}

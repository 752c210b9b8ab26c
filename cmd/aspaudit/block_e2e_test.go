package main

import (
	"context"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/aspaudit/aspaudit/sinks/search/searchtest"
)

func TestHandSetBlockElasticsearch(t *testing.T) {
	t.Parallel()
	testHandSetBlock(t, searchTarget(t, "ES"))
}

func TestHandSetBlockOpenSearch(t *testing.T) {
	t.Parallel()
	testHandSetBlock(t, searchTarget(t, "OS"))
}

// testHandSetBlock: an operator sets index.blocks.write on the test's own
// index (403 cluster_block_exception). backfill fails its windows (exit 1)
// naming the block and how to lift it, and dead-letters nothing; `run`
// retries its windows until the block is lifted, answering 503 on
// /healthz (naming the block) with aspaudit_sink_write_blocked at 1
// meanwhile, then stores every event of its coverage once, with no dead
// letter.
func testHandSetBlock(t *testing.T, tg target) {
	binary(t)
	_, srv, e := continuousEnv(t, tg, serviceAccountConfigVars, 4404)
	e = e.with("ASPAUDIT_PIPELINE__POLL_INTERVAL", "1s", "ASPAUDIT_PIPELINE__SHUTDOWN_TIMEOUT", "5s")
	mustExit(t, aspaudit(t, e, "setup"), exitOK, "setup")
	now := time.Now().UTC()
	// The indices the events go to, made with the template, then blocked.
	var indices []string
	for _, m := range []time.Time{now.Add(-8 * time.Hour), now.Add(time.Hour)} {
		if idx := tg.prefix + "-" + m.Format("2006.01"); len(indices) == 0 || indices[len(indices)-1] != idx {
			indices = append(indices, idx)
			searchtest.MustDo(t, http.MethodPut, tg.url, "/"+idx, "")
		}
	}
	setBlock := func(v string) {
		for _, idx := range indices {
			searchtest.MustDo(t, http.MethodPut, tg.url, "/"+idx+"/_settings", `{"index.blocks.write": `+v+`}`)
		}
	}
	setBlock("true")
	t.Cleanup(func() { setBlock("null") })
	lift := `PUT ` + indices[0] + `/_settings {"index.blocks.write": null}`

	r := aspaudit(t, e, "backfill", "--from", now.Add(-3*time.Hour).Format(time.RFC3339), "--to", now.Add(-2*time.Hour).Format(time.RFC3339), "--report", "json")
	mustExit(t, r, exitIncomplete, "backfill into a blocked index")
	if rep := parseReport(t, r); rep.DeadLettered != 0 || rep.WindowsFailed == 0 {
		t.Errorf("backfill: %+v; want failed windows and nothing dead-lettered", rep)
	}
	if !strings.Contains(r.stderr, "cluster_block_exception") || !strings.Contains(r.stderr, lift) {
		t.Errorf("backfill does not name the block and %s:\n%s", lift, r.stderr)
	}

	ctx, cancel := context.WithTimeout(context.Background(), runTimeout)
	defer cancel()
	first := time.Now()
	p := start(t, ctx, e, "run", "--listen", "127.0.0.1:0")
	defer func() { _ = p.cmd.Process.Kill() }()
	var base string
	eventually(t, time.Minute, "the listener's address in the log", func() bool {
		base = "http://" + listenAddr(p.stderr.String())
		return base != "http://"
	})
	eventually(t, 2*time.Minute, "run retrying the blocked windows", func() bool {
		return strings.Count(p.stderr.String(), "cluster_block_exception") >= 3
	})
	if st, body := httpGet(t, base+"/healthz"); st != http.StatusServiceUnavailable || !strings.Contains(body, "sink writes blocked since") || !strings.Contains(body, lift) {
		t.Errorf("/healthz during the block: %d %q; want 503 naming the block and %s", st, body, lift)
	}
	if st, _ := httpGet(t, base+"/livez"); st != http.StatusOK {
		t.Errorf("/livez during the block: %d, want 200 (a restart would not lift it)", st)
	}
	_, metrics := httpGet(t, base+"/metrics")
	if v := metricValue(metrics, "aspaudit_sink_write_blocked"); v != 1 {
		t.Errorf("aspaudit_sink_write_blocked is %v during the block, want 1", v)
	}
	if v := metricValue(metrics, `aspaudit_window_retries_total{kind="blocked"}`); v < 1 {
		t.Errorf(`aspaudit_window_retries_total{kind="blocked"} is %v during the block`, v)
	}
	setBlock("null")
	eventually(t, 2*time.Minute, "/healthz ok once the block is lifted", func() bool {
		st, _ := httpGet(t, base+"/healthz")
		return st == http.StatusOK
	})
	if _, metrics := httpGet(t, base+"/metrics"); metricValue(metrics, "aspaudit_sink_write_blocked") != 0 {
		t.Errorf("aspaudit_sink_write_blocked is %v after the block was lifted, want 0", metricValue(metrics, "aspaudit_sink_write_blocked"))
	}
	eventually(t, 3*time.Minute, "every workspace covered up to the first pass", func() bool {
		for _, c := range coverageOf(t, tg.checkpoints(t)) {
			if len(c) != 1 || c.Last().Before(first.Add(-2*time.Minute)) {
				return false
			}
		}
		return true
	})
	if err := p.cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	mustExit(t, p.wait(t), exitOK, "run after SIGTERM")
	cov := coverageOf(t, tg.checkpoints(t))
	for ws, c := range cov {
		if c[0].Start.After(first.Add(-runStart + time.Minute)) {
			t.Errorf("%s: coverage %v does not start pipeline.start before the run: the blocked windows were skipped", ws, c)
		}
	}
	idDiff(t, "after the block was lifted", srv.ids(covered(cov)), tg.stored(t))
	dead, _ := filepath.Glob(filepath.Join(tg.dataDir, "dead-letter", "*"))
	for _, f := range dead {
		if st, err := os.Stat(f); err == nil && st.Size() > 0 {
			t.Errorf("dead letters written: %s", f)
		}
	}
}

package main

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"regexp"
	"runtime/debug"
	"strings"
	"testing"
)

func TestProfilesOffByDefault(t *testing.T) {
	var out bytes.Buffer
	if err := serveProfiles(t.Context(), []string{"HOME=/x"}, &out); err != nil || out.Len() > 0 {
		t.Fatalf("without %s: err %v, output %q", profileEnv, err, out.String())
	}
}

func TestProfilesServedWhenAsked(t *testing.T) {
	ctx, cancel := context.WithCancel(t.Context())
	defer cancel()
	var out bytes.Buffer
	if err := serveProfiles(ctx, []string{profileEnv + "=127.0.0.1:0"}, &out); err != nil {
		t.Fatal(err)
	}
	addr := regexp.MustCompile(`http://127\.0\.0\.1:\d+`).FindString(out.String())
	if addr == "" {
		t.Fatalf("no address in %q", out.String())
	}
	res, err := http.Get(addr + "/debug/pprof/heap?debug=1")
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(res.Body)
	res.Body.Close()
	if res.StatusCode != http.StatusOK || !strings.Contains(string(body), "heap profile") {
		t.Errorf("heap profile: status %d, body %.80q", res.StatusCode, body)
	}
	if err := serveProfiles(ctx, []string{profileEnv + "=256.0.0.1:x"}, io.Discard); err == nil {
		t.Error("a bad address was accepted")
	}
}

func TestMemoryLimitWarnsOnBadRatio(t *testing.T) {
	t.Setenv("GOMEMLIMIT", "")
	t.Setenv("AUTOMEMLIMIT", "most")
	before := debug.SetMemoryLimit(-1)
	var out bytes.Buffer
	setMemoryLimit(&out)
	if !strings.Contains(out.String(), "AUTOMEMLIMIT=most ignored") {
		t.Errorf("warning %q", out.String())
	}
	if after := debug.SetMemoryLimit(-1); after != before {
		t.Errorf("limit changed from %d to %d", before, after)
	}
}

func TestGCPercent(t *testing.T) {
	old := debug.SetGCPercent(100)
	defer debug.SetGCPercent(old)
	t.Setenv("GOGC", "")
	setGCPercent()
	if got := debug.SetGCPercent(100); got != gcPercent {
		t.Errorf("GOGC unset: percent %d, want %d", got, gcPercent)
	}
	t.Setenv("GOGC", "200")
	setGCPercent()
	if got := debug.SetGCPercent(100); got != 100 {
		t.Errorf("GOGC set: percent changed to %d", got)
	}
}

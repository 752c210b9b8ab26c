package main

import (
	"context"
	"net"
	"net/http"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/aspaudit/aspaudit/sources/atlas/atlastest"
)

// TestCheckProvesTheDownloadRole: a role that lists workspaces but may not
// download logs fails check (exit 1) with the role hint; the access-list
// codes get the access-list hint instead; each probe asks once.
func TestCheckProvesTheDownloadRole(t *testing.T) {
	t.Parallel()
	binary(t)
	for _, tc := range []struct {
		code, want string
	}{
		{"ACCESS_FORBIDDEN", "needs a role on project " + e2eProject + " that may read stream processing audit logs"},
		{"IP_ADDRESS_NOT_ON_ACCESS_LIST", "add this machine's public IP address to the API access list"},
		{"ORG_REQUIRES_ACCESS_LIST", "the organization requires an API access list"},
	} {
		fake := checkFake(t)
		fake.Inject(atlastest.Rule{Endpoint: "auditLogs", Status: http.StatusForbidden, ErrorCode: tc.code})
		e := fake.env(serviceAccountCLIVars).with("ASPAUDIT_SINK__TYPE", "file", "ASPAUDIT_SINK__FILE__PATH", t.TempDir())
		r := aspaudit(t, e, "check")
		mustExit(t, r, exitIncomplete, "check with a role that may not download ("+tc.code+")")
		if !strings.Contains(r.stderr, "the credentials list workspaces but downloading one second") || !strings.Contains(r.stderr, tc.want) {
			t.Errorf("%s: check does not say the download is refused and what to do:\n%s", tc.code, r.stderr)
		}
		if n := len(fake.auditRequests()); n != 1 {
			t.Errorf("%s: %d download requests, want one", tc.code, n)
		}
	}
	fake := checkFake(t)
	e := fake.env(serviceAccountCLIVars).with("ASPAUDIT_SINK__TYPE", "file", "ASPAUDIT_SINK__FILE__PATH", t.TempDir())
	r := aspaudit(t, e, "check")
	mustExit(t, r, exitOK, "check with a role that downloads")
	if !strings.Contains(r.stderr, "the role may download logs") {
		t.Errorf("check does not say the download works:\n%s", r.stderr)
	}
}

// TestCheckUnreachableAtlasIsQuick: Atlas accepts connections but never
// answers, and the search cluster's address refuses them: check fails
// (exit 1) naming both, each probed once. The time it took is printed.
func TestCheckUnreachableAtlasIsQuick(t *testing.T) {
	t.Parallel()
	binary(t)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	go func() {
		var held []net.Conn // accepted, never answered
		defer func() {
			for _, c := range held {
				_ = c.Close()
			}
		}()
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			held = append(held, c)
		}
	}()
	closed, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	deadURL := "http://" + closed.Addr().String()
	_ = closed.Close()
	e := env{
		"ASPAUDIT_ATLAS__PROJECTS":                 e2eProject,
		"MONGODB_ATLAS_BASE_URL":                   "http://" + ln.Addr().String(),
		"MONGODB_ATLAS_CLIENT_ID":                  e2eClientID,
		"MONGODB_ATLAS_CLIENT_SECRET":              e2eSecret,
		"ASPAUDIT_SINK__TYPE":                      "elasticsearch",
		"ASPAUDIT_SINK__ELASTICSEARCH__URLS":       deadURL,
		"ASPAUDIT_SINK__ELASTICSEARCH__LOCAL_PATH": filepath.Join(t.TempDir(), "data"),
	}
	start := time.Now()
	r := aspaudit(t, e, "check")
	elapsed := time.Since(start)
	t.Logf("check with Atlas not answering and the cluster refusing connections: %s", elapsed.Round(100*time.Millisecond))
	mustExit(t, r, exitIncomplete, "check with nothing reachable")
	if !strings.Contains(r.stderr, "project "+e2eProject+":") || !strings.Contains(r.stderr, "sink: cannot reach") {
		t.Errorf("check does not name both unreachable ends:\n%s", r.stderr)
	}
}

// TestSecondRunOnOneDirectoryRefused: with the file sink, a second `run`
// on the data directory a first one works on is refused at once (exit 2)
// naming the first one's pid, while a `run --once` may still go; once the
// first is killed -9, a run starts.
func TestSecondRunOnOneDirectoryRefused(t *testing.T) {
	t.Parallel()
	binary(t)
	fake := checkFake(t)
	dir := t.TempDir()
	e := fake.env(serviceAccountCLIVars).with("ASPAUDIT_SINK__TYPE", "file", "ASPAUDIT_SINK__FILE__PATH", dir)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	first := start(t, ctx, e, "run")
	eventually(t, 30*time.Second, "the first run to fetch", func() bool { return len(fake.auditRequests()) > 0 })
	r := aspaudit(t, e, "run")
	mustExit(t, r, exitUsage, "a second run on the same directory")
	if !strings.Contains(r.stderr, "another aspaudit run uses this data directory") || !strings.Contains(r.stderr, "pid "+strconv.Itoa(first.cmd.Process.Pid)) {
		t.Errorf("the second run does not say why it stops:\n%s", r.stderr)
	}
	r = aspaudit(t, e, "run", "--once")
	mustExit(t, r, exitOK, "run --once beside a run")
	_ = first.cmd.Process.Kill() // kill -9: the lock goes with the process
	first.wait(t)
	second := start(t, ctx, e, "run")
	n := len(fake.auditRequests())
	eventually(t, 30*time.Second, "a run after the first was killed to fetch", func() bool { return len(fake.auditRequests()) > n })
	cancel()
	if r := second.wait(t); strings.Contains(r.stderr, "another aspaudit run") {
		t.Errorf("a run after the first was killed was refused:\n%s", r)
	}
}

package atlas

import (
	"context"
	"errors"
	"io"
	"strings"
	"testing"

	"github.com/aspaudit/aspaudit/pipeline"
	"github.com/aspaudit/aspaudit/sources/archive"
	"github.com/aspaudit/aspaudit/sources/atlas/atlastest"
)

// A proxy or captive portal answering 200 with an HTML page is named as
// such, with its Content-Type and first line, and is not retried.
func TestFetchHTMLAnswer(t *testing.T) {
	srv := atlastest.NewServer(fakeConfig())
	defer srv.Close()
	srv.AddWorkspace(testProject, "ws", atlastest.GenerateLines(1, day0, day1, 10))
	srv.Inject(atlastest.Rule{Endpoint: "auditLogs", Status: 200, HTML: atlastest.CaptivePortal})
	c := newClient(t, serviceAccount(srv.URL), Options{})
	rc, err := c.Fetch(context.Background(), window("ws", day0, day1))
	if err != nil {
		t.Fatalf("fetch: %v", err)
	}
	defer rc.Close()
	_, err = io.ReadAll(rc)
	t.Log(err)
	var ce *ContentError
	if !errors.As(err, &ce) || !pipeline.IsPermanent(err) {
		t.Fatalf("want a permanent *ContentError, got %v", err)
	}
	for _, s := range []string{"text/html; charset=utf-8", `"<!DOCTYPE html>"`, "atlas.base_url", "proxy", "captive portal"} {
		if !strings.Contains(err.Error(), s) {
			t.Errorf("error %q does not say %q", err, s)
		}
	}
}

// A body that is not gzip under a binary Content-Type keeps the archive's
// own error: only a text label is explained as a page.
func TestExplainBodyOnlyText(t *testing.T) {
	corrupt := errors.New("wrapped")
	for _, tc := range []struct {
		ct   string
		head string
		err  error
		want bool
	}{
		{"text/html", "<html>", errCorrupt(), true},
		{"text/plain", "\n\nAccess denied by policy\nmore", errCorrupt(), true},
		{"application/json", `{"detail":"x"}`, errCorrupt(), true},
		{"application/vnd.atlas.2023-02-01+gzip", "<html>", errCorrupt(), false},
		{"text/html", "<html>", corrupt, false},
		{"", "<html>", errCorrupt(), false},
	} {
		got := explainBody("downloading", tc.ct, []byte(tc.head), tc.err)
		var ce *ContentError
		if errors.As(got, &ce) != tc.want {
			t.Errorf("%s %q: got %v", tc.ct, tc.head, got)
		}
		if tc.ct == "text/plain" && ce != nil && ce.FirstLine != "Access denied by policy" {
			t.Errorf("first line %q", ce.FirstLine)
		}
	}
}

// errCorrupt is the archive reader's error for a body that is not gzip.
func errCorrupt() error {
	_, err := io.ReadAll(archive.NewReader(strings.NewReader("<html>")))
	return err
}

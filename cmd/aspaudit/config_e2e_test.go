package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/aspaudit/aspaudit/sources/atlas/atlastest"
)

// TestConfigMistakes: a configuration file with three mistakes makes
// every command exit 2 naming all three, before anything is contacted:
// the fake Atlas gets no request and the sink (a listener that records
// connections) no connection.
func TestConfigMistakes(t *testing.T) {
	t.Parallel()
	binary(t)
	cases := []struct {
		name string
		yaml string
		keys []string // each must be named on stderr
	}{{
		name: "three sections",
		yaml: `
atlas:
  projects:
    - id: not-a-project-id
pipeline:
  window: 6 hours
sink:
  type: elasticsearch
  elasticsearch:
    urls: [SINK]
    batchsize: 500
`,
		keys: []string{"atlas.projects[0].id", "pipeline.window", "sink.elasticsearch.batchsize"},
	}, {
		// A misspelt key beside a bad value of the same section.
		name: "one section",
		yaml: `
atlas:
  projects:
    - id: 5f1a2b3c4d5e6f7a8b9c0d1e
pipeline:
  window: 6 hours
  polling_interval: 5m
  concurrency: 0
sink:
  type: elasticsearch
  elasticsearch:
    urls: [SINK]
`,
		keys: []string{"pipeline.window", "pipeline.polling_interval", "pipeline.concurrency"},
	}, {
		// A file written before sink options moved under sink.<type>: the
		// error names the new key, the sink is never reached.
		name: "flat sink keys of old files",
		yaml: `
atlas:
  projects:
    - id: 5f1a2b3c4d5e6f7a8b9c0d1e
sink:
  type: elasticsearch
  urls: [SINK]
  path: /var/lib/aspaudit
`,
		keys: []string{"sink.urls", "sink.elasticsearch.urls", "sink.path", "sink.elasticsearch.local_path"},
	}}
	sample := sampleArchives(t)[0]
	commands := [][]string{
		{"backfill", "--from", "2d"},
		{"run", "--once"},
		{"run"},
		{"check"},
		{"setup"},
		{"import", "--project", e2eProject, sample},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			fake := newFakeAtlas(t, atlastest.Config{})
			fake.AddWorkspace(e2eProject, "ws-alpha", nil)
			sink := newConnRecorder(t)
			cfg := filepath.Join(t.TempDir(), "aspaudit.yaml")
			if err := os.WriteFile(cfg, []byte(strings.ReplaceAll(tc.yaml, "SINK", sink.URL())), 0o600); err != nil {
				t.Fatal(err)
			}
			e := fake.env(serviceAccountCLIVars).with("ASPAUDIT_SINK__ELASTICSEARCH__LOCAL_PATH", t.TempDir())
			delete(e, "ASPAUDIT_ATLAS__PROJECTS")
			for _, args := range commands {
				r := aspaudit(t, e, append([]string{args[0], "--config", cfg}, args[1:]...)...)
				if r.code != exitUsage {
					t.Errorf("%v: exit %d, want %d\n%s", args, r.code, exitUsage, r)
					continue
				}
				for _, k := range tc.keys {
					if !strings.Contains(r.stderr, k) {
						t.Errorf("%v: stderr does not name %s:\n%s", args, k, r.stderr)
					}
				}
			}
			if reqs := fake.Requests(); len(reqs) != 0 {
				t.Errorf("the fake Atlas got %d requests (first: %s %s); want none", len(reqs), reqs[0].Method, reqs[0].Path)
			}
			if n := sink.connections(); n != 0 {
				t.Errorf("the sink got %d connections; want none", n)
			}
		})
	}
}

// sampleArchives returns the repository's sample archives.
func sampleArchives(t testing.TB) []string {
	t.Helper()
	files, err := filepath.Glob(filepath.Join("..", "..", "testdata", "sample", "*.gz"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no sample archive under testdata/sample: %v", err)
	}
	for i, f := range files {
		abs, err := filepath.Abs(f)
		if err != nil {
			t.Fatal(err)
		}
		files[i] = abs
	}
	return files
}

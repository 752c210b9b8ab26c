package configs

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/aspaudit/aspaudit/sinks/file"
	"github.com/aspaudit/aspaudit/sinks/search"
)

// searchSection returns the section of a search sink type.
func searchSection(t *testing.T, cfg Config, name string) *search.Section {
	t.Helper()
	s, ok := cfg.Sink.Sections[name].(*search.Section)
	if !ok {
		t.Fatalf("sink.%s is %T, not a search section", name, cfg.Sink.Sections[name])
	}
	return s
}

func writeFile(t *testing.T, body string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), "aspaudit.yaml")
	if err := os.WriteFile(p, []byte(body), 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

func TestDefaultsAreValid(t *testing.T) {
	cfg, err := Load(Sources{})
	if err != nil {
		t.Fatalf("defaults: %v", err)
	}
	f, ok := cfg.Sink.Selected().(*file.Config)
	if cfg.Sink.Type != "file" || !ok || f.Path != "./aspaudit-data" {
		t.Fatalf("default sink = %+v", cfg.Sink)
	}
	if got := searchSection(t, cfg, "elasticsearch").LocalPath; got != f.Path {
		t.Errorf("a search sink's local files go to %s, not beside the file sink's, %s", got, f.Path)
	}
}

func TestPrecedenceFileEnvFlags(t *testing.T) {
	p := writeFile(t, `
atlas:
  projects:
    - id: 32b6e34b3d91647abb20e7b8
      workspaces: [ws-a, ws-b]
sink:
  type: elasticsearch
  elasticsearch:
    urls: [http://file:9200]
    batch_size: 77
pipeline:
  window: 2h
  lag: 15m
`)
	cfg, err := Load(Sources{
		File: p,
		Environ: []string{
			"ASPAUDIT_SINK__ELASTICSEARCH__URLS=http://env1:9200,http://env2:9200",
			"ASPAUDIT_PIPELINE__LAG=20m",
			"UNRELATED=1",
		},
		Overrides: map[string]any{"pipeline.lag": "25m"},
	})
	if err != nil {
		t.Fatal(err)
	}
	es := searchSection(t, cfg, "elasticsearch")
	if got := es.Conn.URLs; len(got) != 2 || got[0] != "http://env1:9200" || got[1] != "http://env2:9200" {
		t.Errorf("urls = %v, want env's two", got)
	}
	if es.BatchSize != 77 || cfg.Pipeline.Window != 2*time.Hour {
		t.Errorf("file values lost: batch_size=%d window=%s", es.BatchSize, cfg.Pipeline.Window)
	}
	if cfg.Pipeline.Lag != 25*time.Minute {
		t.Errorf("lag = %s, want the flag's 25m", cfg.Pipeline.Lag)
	}
	if ps := cfg.Atlas.Projects; len(ps) != 1 || len(ps[0].Workspaces) != 2 {
		t.Errorf("projects = %+v", ps)
	}
	if cfg.Pipeline.Overlap != 30*time.Minute {
		t.Errorf("default overlap lost: %s", cfg.Pipeline.Overlap)
	}
}

func TestProjectsFromEnvironment(t *testing.T) {
	cfg, err := Load(Sources{Environ: []string{"ASPAUDIT_ATLAS__PROJECTS=32b6e34b3d91647abb20e7b8, 42b6e34b3d91647abb20e7b8"}})
	if err != nil {
		t.Fatal(err)
	}
	if ps := cfg.Atlas.Projects; len(ps) != 2 || ps[1].ID != "42b6e34b3d91647abb20e7b8" || len(ps[0].Workspaces) != 0 {
		t.Fatalf("projects = %+v", ps)
	}
}

func TestOrganizationsFromEnvironment(t *testing.T) {
	cfg, err := Load(Sources{Environ: []string{"ASPAUDIT_ATLAS__ORGANIZATIONS=5f1a2b3c4d5e6f7a8b9c0d1e,6f1a2b3c4d5e6f7a8b9c0d1e"}})
	if err != nil {
		t.Fatal(err)
	}
	if os := cfg.Atlas.Organizations; len(os) != 2 || os[0].ID != "5f1a2b3c4d5e6f7a8b9c0d1e" || os[1].ID != "6f1a2b3c4d5e6f7a8b9c0d1e" {
		t.Fatalf("organizations = %+v", os)
	}
}

func TestThreeMistakesAllNamed(t *testing.T) {
	p := writeFile(t, `
atlas:
  projects:
    - id: not-a-project
sink:
  typo_key: 1
pipeline:
  window: soon
`)
	_, err := Load(Sources{File: p})
	if err == nil {
		t.Fatal("no error")
	}
	msg := err.Error()
	for _, want := range []string{"sink.typo_key", "pipeline.window", "atlas.projects[0].id"} {
		if !strings.Contains(msg, want) {
			t.Errorf("error does not name %s:\n%s", want, msg)
		}
	}
}

func TestUnknownSinkTypeAndMissingFile(t *testing.T) {
	_, err := Load(Sources{Environ: []string{"ASPAUDIT_SINK__TYPE=mongodb"}})
	if err == nil || !strings.Contains(err.Error(), "sink.type") {
		t.Fatalf("err = %v", err)
	}
	_, err = Load(Sources{File: filepath.Join(t.TempDir(), "nope.yaml")})
	if err == nil || !strings.Contains(err.Error(), "--config") {
		t.Fatalf("err = %v", err)
	}
}

func TestSecretsNeverInErrors(t *testing.T) {
	p := writeFile(t, `
atlas:
  client_id: mdb_sa_id_123
  client_secret: mdb_sa_sk_SUPERSECRET
  public_key: abcdefgh
  private_key: PRIVATE-SUPERSECRET
`)
	_, err := Load(Sources{File: p})
	if err == nil {
		t.Fatal("both credential kinds: no error")
	}
	if strings.Contains(err.Error(), "SUPERSECRET") {
		t.Fatalf("secret in error: %v", err)
	}
}

func TestAtlasCredentialsWhenNeeded(t *testing.T) {
	if _, err := Load(Sources{NeedAtlas: true}); err == nil || !strings.Contains(err.Error(), "MONGODB_ATLAS_CLIENT_ID") {
		t.Fatalf("no credentials: err = %v", err)
	}
	cfg, err := Load(Sources{NeedAtlas: true, Environ: []string{
		"MONGODB_ATLAS_CLIENT_ID=mdb_sa_id_1", "MONGODB_ATLAS_CLIENT_SECRET=s3cr3t", "MONGODB_ATLAS_BASE_URL=http://127.0.0.1:8080/",
	}})
	if err != nil {
		t.Fatal(err)
	}
	if cfg.Atlas.ClientID != "mdb_sa_id_1" || cfg.Atlas.ClientSecret.Value() != "s3cr3t" || cfg.Atlas.BaseURL != "http://127.0.0.1:8080" {
		t.Fatalf("atlas = %+v", cfg.Atlas)
	}
	// Half a service account is an error even for commands that do not call Atlas.
	if _, err := Load(Sources{Environ: []string{"MONGODB_ATLAS_CLIENT_ID=x"}}); err == nil || !strings.Contains(err.Error(), "client_secret") {
		t.Fatalf("half a credential: err = %v", err)
	}
}

func TestUnknownKeyBesideBadValueInSameSection(t *testing.T) {
	p := writeFile(t, "pipeline:\n  window: 6 hours\n  polling_interval: 5m\n  lagg: 1m\nlistenn: x\n")
	_, err := Load(Sources{File: p})
	if err == nil {
		t.Fatal("no error")
	}
	for _, want := range []string{"pipeline.window", "pipeline.polling_interval: unknown key", "pipeline.lagg: unknown key", "listenn: unknown key"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error lacks %q:\n%v", want, err)
		}
	}
}

// TestSecretFilesOfEverySection: a *_file secret resolves and validates in
// each section that has one (kibana.password_file once failed validation
// because the file key stayed set beside the value read from it).
func TestSecretFilesOfEverySection(t *testing.T) {
	pw := filepath.Join(t.TempDir(), "pw")
	if err := os.WriteFile(pw, []byte("hunter2\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	cfg, err := Load(Sources{Environ: []string{
		"ASPAUDIT_SINK__TYPE=elasticsearch", "ASPAUDIT_SINK__ELASTICSEARCH__USERNAME=u", "ASPAUDIT_SINK__ELASTICSEARCH__PASSWORD_FILE=" + pw,
		"ASPAUDIT_KIBANA__URL=http://k:5601", "ASPAUDIT_KIBANA__USERNAME=u", "ASPAUDIT_KIBANA__PASSWORD_FILE=" + pw,
		"ASPAUDIT_DASHBOARDS__URL=http://d:5601", "ASPAUDIT_DASHBOARDS__API_KEY_FILE=" + pw,
	}})
	if err != nil {
		t.Fatalf("Load: %v", err)
	}
	for name, got := range map[string]string{
		"sink.elasticsearch.password": searchSection(t, cfg, "elasticsearch").Conn.Password.Value(),
		"kibana.password":             cfg.Kibana.Password.Value(),
		"dashboards.api_key":          cfg.Dashboards.APIKey.Value(),
	} {
		if got != "hunter2" {
			t.Errorf("%s = %q, want the file's content", name, got)
		}
	}
}

// TestAWSSigV4Keys checks that the sink's aws keys load from the file and
// the environment and that their errors name the full key.
func TestAWSSigV4Keys(t *testing.T) {
	p := writeFile(t, `
sink:
  type: opensearch
  opensearch:
    urls: [https://search-audit-abc123.eu-west-1.es.amazonaws.com]
    aws:
      sigv4: true
      profile: audit
`)
	cfg, err := Load(Sources{File: p, Environ: []string{"ASPAUDIT_SINK__OPENSEARCH__AWS__REGION=eu-west-1"}})
	if err != nil {
		t.Fatal(err)
	}
	if a := searchSection(t, cfg, "opensearch").Conn.AWS; !a.SigV4 || a.Region != "eu-west-1" || a.Profile != "audit" {
		t.Fatalf("sink.opensearch.aws = %+v", a)
	}
	_, err = Load(Sources{File: p, Environ: []string{"ASPAUDIT_SINK__OPENSEARCH__USERNAME=aspaudit", "ASPAUDIT_SINK__OPENSEARCH__AWS__TYPO=1"}})
	if err == nil {
		t.Fatal("sigv4 with a username: no error")
	}
	for _, want := range []string{"sink.opensearch.aws.sigv4:", "sink.opensearch.aws.typo"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error does not name %s:\n%v", want, err)
		}
	}
}

// TestFlatSinkKeysNameTheirNewPlace: a file written before sink options
// moved under sink.<type> fails, each old key naming its new one.
func TestFlatSinkKeysNameTheirNewPlace(t *testing.T) {
	p := writeFile(t, `
sink:
  type: opensearch
  urls: [http://x:9200]
  path: /var/lib/aspaudit
  compact_segments: 4
`)
	_, err := Load(Sources{File: p, Environ: []string{"ASPAUDIT_SINK__USERNAME=u"}})
	if err == nil {
		t.Fatal("flat sink keys: no error")
	}
	for _, want := range []string{
		"sink.urls: sink options now live under sink.<type>: write sink.opensearch.urls (environment: ASPAUDIT_SINK__OPENSEARCH__URLS)",
		"sink.path: sink options now live under sink.<type>: write sink.opensearch.local_path",
		"sink.username: sink options now live under sink.<type>: write sink.opensearch.username",
		"sink.compact_segments: sink options now live under sink.<type>: write sink.file.compact_segments, for the sink.type in use (now opensearch)",
	} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error lacks %q:\n%v", want, err)
		}
	}
}

// TestUnknownSinkTypeListsTheKnown: the error lists every registered type.
func TestUnknownSinkTypeListsTheKnown(t *testing.T) {
	_, err := Load(Sources{Environ: []string{"ASPAUDIT_SINK__TYPE=splunk"}})
	if err == nil || !strings.Contains(err.Error(), `sink.type: "splunk" is not one of elasticsearch, file, opensearch`) {
		t.Fatalf("err = %v", err)
	}
}

package configs

import (
	"reflect"
	"regexp"
	"strings"
	"testing"
)

// TestExplain: every value says where it came from, with the precedence
// of Load, and secrets never show.
func TestExplain(t *testing.T) {
	pw := writeFile(t, "dashboards-secret\n")
	file := writeFile(t, `
sink:
  type: opensearch
  opensearch:
    urls: [https://admin:url-secret@os:9200]
    batch_size: 10
dashboards:
  url: https://osd:5601
  username: u
  password_file: `+pw+`
atlas:
  projects:
    - id: 5f1a2b3c4d5e6f7a8b9c0d1e
      workspaces: [a, b]
`)
	src := Sources{
		File: file,
		Environ: []string{
			"ASPAUDIT_SINK__OPENSEARCH__BATCH_SIZE=20", "ASPAUDIT_SINK__OPENSEARCH__USERNAME=u", "ASPAUDIT_SINK__OPENSEARCH__PASSWORD=sink-secret",
			"MONGODB_ATLAS_PUBLIC_API_KEY=pub", "MONGODB_ATLAS_PRIVATE_API_KEY=atlas-secret",
		},
		Overrides: map[string]any{"sink.opensearch.batch_size": 30, "log.level": "warn"},
	}
	cfg, err := Load(src)
	if err != nil {
		t.Fatal(err)
	}
	settings, err := Explain(cfg, src)
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]Setting{}
	for _, s := range settings {
		got[s.Key] = s
		if strings.Contains(s.Value, "secret") {
			t.Errorf("%s shows a secret: %q", s.Key, s.Value)
		}
	}
	want := map[string]Setting{
		"sink.opensearch.batch_size":   {Value: "30", Origin: Origin{FromFlag, "(sink.opensearch.batch_size)"}},
		"sink.type":                    {Value: "opensearch", Origin: Origin{FromFile, file}},
		"sink.opensearch.urls":         {Value: "[https://admin:xxxxx@os:9200]", Origin: Origin{FromFile, file}},
		"sink.opensearch.password":     {Value: "[redacted]", Origin: Origin{FromEnvironment, "ASPAUDIT_SINK__OPENSEARCH__PASSWORD"}},
		"sink.opensearch.local_path":   {Value: "./aspaudit-data", Origin: Origin{Kind: FromDefault}},
		"dashboards.password":          {Value: "[redacted]", Origin: Origin{FromFile, file + " (read from the file named by dashboards.password_file)"}},
		"atlas.public_key":             {Value: "pub", Origin: Origin{FromEnvironment, "MONGODB_ATLAS_PUBLIC_API_KEY"}},
		"atlas.private_key":            {Value: "[redacted]", Origin: Origin{FromEnvironment, "MONGODB_ATLAS_PRIVATE_API_KEY"}},
		"atlas.projects[0].workspaces": {Value: "[a, b]", Origin: Origin{FromFile, file}},
		"log.level":                    {Value: "warn", Origin: Origin{FromFlag, "(log.level)"}},
		"pipeline.window":              {Value: "6h0m0s", Origin: Origin{Kind: FromDefault}},
		"atlas.client_secret":          {Value: "", Origin: Origin{Kind: FromDefault}},
	}
	for k, w := range want {
		w.Key = k
		if got[k] != w {
			t.Errorf("%s: got %+v, want %+v", k, got[k], w)
		}
	}
	if len(settings) < len(Keys())-5 {
		t.Errorf("%d settings for %d keys", len(settings), len(Keys()))
	}
}

// keyThenMessage is how every configuration problem starts: its full key
// (or section), a colon, then the sentence; never a key glued to words.
var keyThenMessage = regexp.MustCompile(`^[a-z0-9_]+(\.[a-z0-9_]+|\[\d+\])*: \S`)

// TestProblemsReadAsSentences: every problem line of several bad
// configurations names its key or section and then reads as a sentence
// ("atlas: no Atlas credentials ...", not "atlas.no Atlas credentials").
func TestProblemsReadAsSentences(t *testing.T) {
	cases := []Sources{
		{NeedAtlas: true},
		{NeedAtlas: true, Environ: []string{"MONGODB_ATLAS_CLIENT_ID=x", "MONGODB_ATLAS_PUBLIC_API_KEY=y"}},
		{Environ: []string{"ASPAUDIT_ATLAS__CLIENT_ID=x", "ASPAUDIT_ATLAS__PUBLIC_KEY=y", "ASPAUDIT_ATLAS__PROJECTS=abc,abc",
			"ASPAUDIT_SINK__TYPE=elasticsearch", "ASPAUDIT_SINK__ELASTICSEARCH__URLS=ftp://x", "ASPAUDIT_SINK__ELASTICSEARCH__API_KEY=k", "ASPAUDIT_SINK__ELASTICSEARCH__USERNAME=u",
			"ASPAUDIT_KIBANA__URL=x", "ASPAUDIT_PIPELINE__WINDOW=-1s", "ASPAUDIT_SINK__ELASTICSEARCH__INDEX_PREFIX=A", "ASPAUDIT_LOG__LEVEL=loud",
			"ASPAUDIT_SINK__ELASTICSEARCH__AWS__SIGV4=true", "ASPAUDIT_SINK__URLS=x", "ASPAUDIT_SINK__TYPO=1", "ASPAUDIT_ATLAS__TIMEOUTS__CONNECT=0s", "ASPAUDIT_DASHBOARDS__URL=http://d?q"}},
	}
	for i, src := range cases {
		_, err := Load(src)
		if err == nil {
			t.Fatalf("case %d: no error", i)
		}
		for _, line := range strings.Split(err.Error(), "\n") {
			if !keyThenMessage.MatchString(line) {
				t.Errorf("case %d: %q does not start with its key and a colon", i, line)
			}
		}
	}
	if _, err := Load(Sources{NeedAtlas: true}); err == nil || !strings.HasPrefix(err.Error(), "atlas: no Atlas credentials") {
		t.Errorf("missing credentials: %v", err)
	}
}

// TestWalkSections: sections kept in a map beside the decoded keys (as
// sink.<type>) are listed under their names, in name order.
func TestWalkSections(t *testing.T) {
	type section struct {
		URL  string `koanf:"url"`
		Size int    `koanf:"size"`
	}
	type outer struct {
		Type     string         `koanf:"type"`
		Sections map[string]any `koanf:"-"`
	}
	type root struct {
		Sink outer `koanf:"sink"`
	}
	var out []Setting
	walkValues(reflect.ValueOf(root{Sink: outer{Type: "b", Sections: map[string]any{
		"b": &section{URL: "http://b", Size: 2}, "a": section{URL: "http://a", Size: 1}, "nil": (*section)(nil),
	}}}), "", &out)
	var got []string
	for _, s := range out {
		got = append(got, s.Key+"="+s.Value)
	}
	want := "sink.type=b sink.a.url=http://a sink.a.size=1 sink.b.url=http://b sink.b.size=2"
	if strings.Join(got, " ") != want {
		t.Errorf("got  %s\nwant %s", strings.Join(got, " "), want)
	}
}

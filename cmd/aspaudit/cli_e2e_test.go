package main

import (
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// TestImportFlagsAfterFiles: `import FILE... --project P --report json`
// stores the archives (issue 16.3); `--` still ends the flags, so a file
// named like a flag is taken as a file.
func TestImportFlagsAfterFiles(t *testing.T) {
	t.Parallel()
	binary(t)
	tg := fileTarget(t)
	files := sampleArchives(t)
	args := append(append([]string{"import"}, files...), "--project", e2eProject, "--report", "json")
	r := aspaudit(t, tg.env, args...)
	mustExit(t, r, exitOK, "import FILE... --project P --report json")
	rep := parseReport(t, r)
	if rep.Command != "import" || rep.EventsStored != sampleEvents {
		t.Errorf("report %+v; want %d events stored", rep, sampleEvents)
	}
	idDiff(t, "after import with flags last", archiveIDs(t, files), tg.stored(t))

	r = aspaudit(t, tg.env, "import", "--project", e2eProject, "--", "--report")
	if r.code != exitUsage || !strings.Contains(r.stderr, "--report") {
		t.Errorf("import -- --report: want exit 2 naming the file --report\n%s", r)
	}
}

// TestConfigFileSearch: --config, then ASPAUDIT_CONFIG, then
// ./aspaudit.yaml find the configuration; the commands say which file
// they read, and a working command really uses it.
func TestConfigFileSearch(t *testing.T) {
	t.Parallel()
	binary(t)
	dir := t.TempDir()
	write := func(name, sinkPath string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte("sink:\n  file:\n    path: "+sinkPath+"\n"), 0o600); err != nil {
			t.Fatal(err)
		}
		return p
	}
	local := write("aspaudit.yaml", filepath.Join(dir, "from-search-path"))
	fromEnv := write("env.yaml", filepath.Join(dir, "from-env"))
	fromFlag := write("flag.yaml", filepath.Join(dir, "from-flag"))

	cases := []struct {
		name string
		e    env
		args []string
		file string
		via  string
	}{
		{"search path", env{}, nil, local, "search path"},
		{"environment", env{"ASPAUDIT_CONFIG": fromEnv}, nil, fromEnv, "ASPAUDIT_CONFIG"},
		{"flag", env{"ASPAUDIT_CONFIG": fromEnv}, []string{"--config", fromFlag}, fromFlag, "--config"},
	}
	for _, c := range cases {
		r := aspauditIn(t, dir, c.e, append([]string{"config"}, c.args...)...)
		mustExit(t, r, exitOK, "config, "+c.name)
		want := "# configuration file: " + c.file + " (from " + c.via + ")"
		if !strings.Contains(r.stdout, want) {
			t.Errorf("%s: stdout lacks %q:\n%s", c.name, want, r.stdout)
		}
		if v := settingOf(t, r.stdout, "sink.file.path"); v.from != "file "+c.file {
			t.Errorf("%s: sink.file.path comes from %q, want the file %s", c.name, v.from, c.file)
		}
	}

	r := aspauditIn(t, t.TempDir(), env{"ASPAUDIT_CONFIG": filepath.Join(dir, "missing.yaml")}, "config")
	if r.code != exitUsage || !strings.Contains(r.stderr, "ASPAUDIT_CONFIG="+filepath.Join(dir, "missing.yaml")+": no such file") {
		t.Errorf("ASPAUDIT_CONFIG naming a missing file: want exit 2 naming it\n%s", r)
	}

	sample := sampleArchives(t)[0]
	r = aspauditIn(t, dir, env{"ASPAUDIT_LOG__FORMAT": "json"}, "import", sample, "--project", e2eProject)
	mustExit(t, r, exitOK, "import reading ./aspaudit.yaml")
	if !strings.Contains(r.stderr, local+" (from search path)") {
		t.Errorf("import does not log the configuration file it read:\n%s", r.stderr)
	}
	if _, err := os.Stat(filepath.Join(dir, "from-search-path")); err != nil {
		t.Errorf("import did not write to the sink.file.path of ./aspaudit.yaml: %v", err)
	}
}

// TestConfigCommand: `aspaudit config` prints every key with its value
// and origin, and no secret, wherever the secret came from.
func TestConfigCommand(t *testing.T) {
	t.Parallel()
	binary(t)
	dir := t.TempDir()
	secretFile := filepath.Join(dir, "kibana-password")
	if err := os.WriteFile(secretFile, []byte("kibana-secret-value\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	cfg := filepath.Join(dir, "aspaudit.yaml")
	yaml := "sink:\n  type: elasticsearch\n  elasticsearch:\n    urls: [https://admin:url-secret-value@es.example:9200]\n" +
		"kibana:\n  url: https://kibana.example:5601\n  username: kb\n  password_file: " + secretFile + "\n" +
		"atlas:\n  projects:\n    - id: " + e2eProject + "\n"
	if err := os.WriteFile(cfg, []byte(yaml), 0o600); err != nil {
		t.Fatal(err)
	}
	e := env{
		"ASPAUDIT_SINK__ELASTICSEARCH__USERNAME": "aspaudit",
		"ASPAUDIT_SINK__ELASTICSEARCH__PASSWORD": "sink-secret-value",
		"ASPAUDIT_PIPELINE__LAG":                 "15m",
		"MONGODB_ATLAS_CLIENT_ID":                "mdb_sa_id_0123",
		"MONGODB_ATLAS_CLIENT_SECRET":            "mdb_sa_sk_atlas-secret-value",
	}
	r := aspaudit(t, e, "config", "--log-level", "debug", "--config", cfg)
	mustExit(t, r, exitOK, "config")
	if strings.Contains(r.stdout+r.stderr, "secret-value") {
		t.Fatalf("config printed a secret:\n%s", r)
	}
	want := map[string]setting{
		"sink.type":                   {"elasticsearch", "file " + cfg},
		"sink.elasticsearch.urls":     {"[https://admin:xxxxx@es.example:9200]", "file " + cfg},
		"sink.elasticsearch.username": {"aspaudit", "environment ASPAUDIT_SINK__ELASTICSEARCH__USERNAME"},
		"sink.elasticsearch.password": {"[redacted]", "environment ASPAUDIT_SINK__ELASTICSEARCH__PASSWORD"},
		"kibana.password":             {"[redacted]", "file " + cfg + " (read from the file named by kibana.password_file)"},
		"atlas.client_id":             {"mdb_sa_id_0123", "environment MONGODB_ATLAS_CLIENT_ID"},
		"atlas.client_secret":         {"[redacted]", "environment MONGODB_ATLAS_CLIENT_SECRET"},
		"atlas.projects[0].id":        {e2eProject, "file " + cfg},
		"pipeline.lag":                {"15m0s", "environment ASPAUDIT_PIPELINE__LAG"},
		"pipeline.window":             {"6h0m0s", "default"},
		"log.level":                   {"debug", "flag --log-level"},
	}
	for key, w := range want {
		if got := settingOf(t, r.stdout, key); got != w {
			t.Errorf("%s: got %+v, want %+v", key, got, w)
		}
	}

	// The same as JSON: every row of the table, secrets redacted.
	r = aspaudit(t, e, "config", "--log-level", "debug", "--config", cfg, "--format", "json")
	mustExit(t, r, exitOK, "config --format json")
	if strings.Contains(r.stdout+r.stderr, "secret-value") {
		t.Fatalf("config --format json printed a secret:\n%s", r)
	}
	var got struct {
		File     string `json:"file"`
		Settings []struct {
			Key, Value string
			Origin     struct{ Kind, Detail string }
		} `json:"settings"`
	}
	if err := json.Unmarshal([]byte(r.stdout), &got); err != nil {
		t.Fatalf("config --format json is not one JSON object: %v\n%s", err, r.stdout)
	}
	table := aspaudit(t, e, "config", "--log-level", "debug", "--config", cfg)
	if got.File != cfg || len(got.Settings) != strings.Count(table.stdout, "\n")-2 {
		t.Errorf("JSON names file %q and %d settings; want %s and the table's %d rows", got.File, len(got.Settings), cfg, strings.Count(table.stdout, "\n")-2)
	}
	for _, s := range got.Settings {
		from := strings.TrimSpace(s.Origin.Kind + " " + s.Origin.Detail)
		if w, ok := want[s.Key]; ok && (setting{s.Value, from}) != w {
			t.Errorf("JSON %s: got %q from %q, want %+v", s.Key, s.Value, from, w)
		}
		delete(want, s.Key)
	}
	if len(want) > 0 {
		t.Errorf("JSON lacks %v", want)
	}
	r = aspaudit(t, e, "config", "--config", cfg, "--format", "yaml")
	mustExit(t, r, exitUsage, "config --format yaml")
	if !strings.Contains(r.stderr, "--format") || !strings.Contains(r.stderr, "json") {
		t.Errorf("config --format yaml does not name the formats:\n%s", r.stderr)
	}
}

// setting is one row of `aspaudit config`.
type setting struct{ value, from string }

var columns = regexp.MustCompile(`\s{2,}`)

func settingOf(t *testing.T, out, key string) setting {
	t.Helper()
	for _, line := range strings.Split(out, "\n") {
		if f := columns.Split(strings.TrimSpace(line), 3); len(f) == 3 && f[0] == key {
			return setting{f[1], f[2]}
		}
	}
	t.Errorf("config prints no row for %s:\n%s", key, out)
	return setting{}
}

// TestCompletionScripts: the bash, zsh and fish scripts parse, and bash
// and fish complete commands, flags and flag values through the binary.
func TestCompletionScripts(t *testing.T) {
	t.Parallel()
	bin := binary(t)
	dir := t.TempDir()
	for _, shell := range []string{"bash", "zsh", "fish"} {
		t.Run(shell, func(t *testing.T) {
			r := aspaudit(t, env{}, "completion", shell)
			mustExit(t, r, exitOK, "completion "+shell)
			script := filepath.Join(dir, "aspaudit."+shell)
			if err := os.WriteFile(script, []byte(r.stdout), 0o600); err != nil {
				t.Fatal(err)
			}
			sh, err := exec.LookPath(shell)
			if err != nil {
				if shell == "bash" {
					t.Fatal("bash is not installed")
				}
				t.Skipf("%s is not installed", shell)
			}
			if out, err := exec.Command(sh, "-n", script).CombinedOutput(); err != nil {
				t.Fatalf("%s -n: %v\n%s", shell, err, out)
			}
			if shell == "zsh" {
				return
			}
			if shell == "bash" && !fileExists(bashCompletion) {
				t.Skipf("the script parses; completing needs the bash-completion package (%s), not installed", bashCompletion)
			}
			for line, want := range map[string]string{
				"aspaudit ba":                "backfill",
				"aspaudit backfill --fr":     "--from",
				"aspaudit import --report ":  "json",
				"aspaudit run --log-level w": "warn",
				"aspaudit completion f":      "fish",
			} {
				got := complete(t, sh, shell, script, filepath.Dir(bin), line)
				if !strings.Contains(got, want) {
					t.Errorf("%s completes %q to %q, want %q among them", shell, line, got, want)
				}
			}
		})
	}
}

// bashCompletion is the bash-completion package's library, which bash
// scripts generated by cobra need.
const bashCompletion = "/usr/share/bash-completion/bash_completion"

// complete asks the shell to complete line with the script loaded.
func complete(t *testing.T, sh, shell, script, binDir, line string) string {
	t.Helper()
	var prog string
	switch shell {
	case "bash":
		prog = `source ` + bashCompletion + `; source "$1"; COMP_LINE="$2"; COMP_POINT=${#COMP_LINE}; read -ra COMP_WORDS <<< "$COMP_LINE"
[[ "$COMP_LINE" == *" " ]] && COMP_WORDS+=("")
COMP_CWORD=$((${#COMP_WORDS[@]} - 1)); __start_aspaudit; printf '%s\n' "${COMPREPLY[@]}"`
	case "fish":
		prog = `source $argv[1]; complete -C "$argv[2]"`
	}
	cmd := exec.Command(sh, "-c", prog, "complete", script, line)
	if shell == "fish" {
		cmd = exec.Command(sh, "-c", prog, script, line)
	}
	cmd.Env = []string{"PATH=" + binDir + ":/usr/bin:/bin", "HOME=" + t.TempDir()}
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Errorf("%s completing %q: %v\n%s", shell, line, err, out)
	}
	return string(out)
}

package configs

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestFindFile: --config, then ASPAUDIT_CONFIG, then the first file of
// the search path that exists; none is no file.
func TestFindFile(t *testing.T) {
	dir := t.TempDir()
	first, second := filepath.Join(dir, "first.yaml"), filepath.Join(dir, "second.yaml")
	if err := os.WriteFile(second, []byte("log:\n  level: debug\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	search := []string{first, second}
	env := []string{EnvConfigFile + "=" + second}
	cases := []struct {
		name, flag string
		environ    []string
		search     []string
		want       FileChoice
	}{
		{"flag wins", "flag.yaml", env, search, FileChoice{Path: "flag.yaml", Via: "--config"}},
		{"environment next", "", env, search, FileChoice{Path: second, Via: EnvConfigFile}},
		{"first existing on the search path", "", nil, search, FileChoice{Path: second, Via: "search path"}},
		{"none", "", nil, []string{first}, FileChoice{}},
	}
	for _, c := range cases {
		got, err := FindFile(c.flag, c.environ, c.search)
		if err != nil || got != c.want {
			t.Errorf("%s: got %+v, %v; want %+v", c.name, got, err, c.want)
		}
	}
	if _, err := FindFile("", []string{EnvConfigFile + "=" + first}, search); err == nil || !strings.Contains(err.Error(), EnvConfigFile+"="+first+": no such file") {
		t.Errorf("ASPAUDIT_CONFIG naming a missing file: err = %v", err)
	}
	if !strings.HasPrefix(FileChoice{}.String(), "none (") {
		t.Errorf("no file says %q", FileChoice{})
	}
}

// TestConfigVariableIsNoKey: ASPAUDIT_CONFIG names the file; it is not
// taken for an unknown key "config".
func TestConfigVariableIsNoKey(t *testing.T) {
	if _, err := Load(Sources{Environ: []string{EnvConfigFile + "=/etc/aspaudit/aspaudit.yaml"}}); err != nil {
		t.Fatal(err)
	}
}

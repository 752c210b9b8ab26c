package deploy

import (
	"bufio"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// dockerfile is what these tests read from the Dockerfile: its stages in
// order, with their base, user, exposed ports and default command.
type dockerfile struct {
	order  []string
	stages map[string]*stage
	builds []string // packages built with "go build ... ./cmd/x"
}

type stage struct {
	from, user, workdir string
	expose              []string
	cmd, entrypoint     []string
}

func loadDockerfile(t *testing.T) dockerfile {
	t.Helper()
	f, err := os.Open(filepath.Join(root, "Dockerfile"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	df := dockerfile{stages: map[string]*stage{}}
	var cur *stage
	var line string
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		text := strings.TrimSpace(sc.Text())
		if strings.HasPrefix(text, "#") || text == "" {
			continue
		}
		if cont, ok := strings.CutSuffix(text, "\\"); ok {
			line += cont + " "
			continue
		}
		line += text
		cur = df.apply(t, cur, line)
		line = ""
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	return df
}

// apply interprets one instruction.
func (df *dockerfile) apply(t *testing.T, cur *stage, line string) *stage {
	instr, rest, _ := strings.Cut(line, " ")
	rest = strings.TrimSpace(rest)
	switch strings.ToUpper(instr) {
	case "FROM":
		f := strings.Fields(rest)
		s := &stage{from: f[0]}
		name := f[0]
		if len(f) == 3 && strings.EqualFold(f[1], "AS") {
			name = f[2]
		}
		if base, ok := df.stages[s.from]; ok { // inherit from an earlier stage
			*s = *base
			s.from = f[0]
		}
		df.order = append(df.order, name)
		df.stages[name] = s
		return s
	case "USER":
		cur.user = rest
	case "WORKDIR":
		cur.workdir = rest
	case "EXPOSE":
		cur.expose = append(cur.expose, strings.Fields(rest)...)
	case "CMD", "ENTRYPOINT":
		var args []string
		if err := json.Unmarshal([]byte(rest), &args); err != nil {
			t.Errorf("%s %s: use the exec (JSON) form: %v", instr, rest, err)
		}
		if strings.EqualFold(instr, "CMD") {
			cur.cmd = args
		} else {
			cur.entrypoint = args
		}
	case "RUN":
		for _, f := range strings.Fields(rest) {
			if strings.HasPrefix(f, "./cmd/") {
				df.builds = append(df.builds, strings.TrimPrefix(f, "./"))
			}
		}
	}
	return cur
}

func TestDockerfile(t *testing.T) {
	df := loadDockerfile(t)
	if last := df.order[len(df.order)-1]; last != "aspaudit" {
		t.Errorf("the default (last) stage is %s, want aspaudit", last)
	}
	for _, target := range []string{"aspaudit", "atlas-fake"} {
		s, ok := df.stages[target]
		if !ok {
			t.Errorf("no stage %s", target)
			continue
		}
		if s.user == "" || s.user == "0" || strings.HasPrefix(s.user, "root") || strings.HasPrefix(s.user, "0:") {
			t.Errorf("stage %s runs as %q, want an unprivileged user", target, s.user)
		}
		if len(s.entrypoint) != 1 || filepath.Base(s.entrypoint[0]) != target {
			t.Errorf("stage %s: entrypoint %v, want its binary", target, s.entrypoint)
		}
		if strings.Contains(s.from, "golang") {
			t.Errorf("stage %s is based on the Go toolchain image; want a small runtime image", target)
		}
	}
	if s := df.stages["aspaudit"]; s != nil && s.workdir != "/var/lib/aspaudit" {
		t.Errorf("aspaudit works in %q; the compose volumes are mounted at /var/lib/aspaudit", s.workdir)
	}
	for _, pkg := range df.builds {
		if st, err := os.Stat(filepath.Join(root, pkg)); err != nil || !st.IsDir() {
			t.Errorf("the Dockerfile builds %s, which is not a directory", pkg)
		}
	}
	c := loadCompose(t)
	for name, s := range c.Services {
		if s.Build == nil {
			continue
		}
		if _, ok := df.stages[s.Build.Target]; !ok || s.Build.Context != "." {
			t.Errorf("service %s builds target %q in %q; the Dockerfile has stages %v", name, s.Build.Target, s.Build.Context, df.order)
		}
	}
}

// TestDockerIgnoreKeepsContextSmall: the test-server cache (about a
// gigabyte) and the git history must stay out of the build context.
func TestDockerIgnoreKeepsContextSmall(t *testing.T) {
	b, err := os.ReadFile(filepath.Join(root, ".dockerignore"))
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Fields(string(b))
	for _, want := range []string{".git", ".cache"} {
		if !contains(lines, want) {
			t.Errorf(".dockerignore does not exclude %s", want)
		}
	}
	for _, keep := range []string{"go.mod", "go.sum", "cmd", "configs"} {
		if contains(lines, keep) {
			t.Errorf(".dockerignore excludes %s, which the build needs", keep)
		}
	}
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

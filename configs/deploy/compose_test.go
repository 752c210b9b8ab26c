package deploy

import (
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"go.yaml.in/yaml/v3"
)

var root = filepath.Join("..", "..")

// compose is the part of the Compose file format these tests read. Merge
// keys (<<: *anchor) are resolved by the YAML decoder.
type compose struct {
	Services map[string]service `yaml:"services"`
	Volumes  map[string]any     `yaml:"volumes"`
}

type service struct {
	Image       string                `yaml:"image"`
	Build       *build                `yaml:"build"`
	Command     []string              `yaml:"command"`
	Environment map[string]*string    `yaml:"environment"`
	Ports       []string              `yaml:"ports"`
	Volumes     []string              `yaml:"volumes"`
	Profiles    []string              `yaml:"profiles"`
	DependsOn   map[string]dependency `yaml:"depends_on"`
	Healthcheck *healthcheck          `yaml:"healthcheck"`
	Restart     string                `yaml:"restart"`
}

type build struct {
	Context string `yaml:"context"`
	Target  string `yaml:"target"`
}

type dependency struct {
	Condition string `yaml:"condition"`
	Required  *bool  `yaml:"required"`
}

type healthcheck struct {
	Test []string `yaml:"test"`
}

func loadCompose(t *testing.T) compose {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(root, "docker-compose.yml"))
	if err != nil {
		t.Fatal(err)
	}
	var c compose
	dec := yaml.NewDecoder(strings.NewReader(string(b)))
	dec.KnownFields(false) // x- extension fields and keys not modelled here
	if err := dec.Decode(&c); err != nil {
		t.Fatalf("docker-compose.yml: %v", err)
	}
	return c
}

// active reports whether s runs when the given profiles are enabled.
func (s service) active(profiles ...string) bool {
	if len(s.Profiles) == 0 {
		return true
	}
	for _, p := range s.Profiles {
		if slices.Contains(profiles, p) {
			return true
		}
	}
	return false
}

func (d dependency) required() bool { return d.Required == nil || *d.Required }

// runsAspaudit reports whether a service runs the aspaudit image.
func (s service) runsAspaudit() bool { return s.Build != nil && s.Build.Target == "aspaudit" }

// hostPort returns the host port and container port of a "ip:host:container" mapping.
func hostPort(t *testing.T, mapping string) (ip string, host, container int) {
	parts := strings.Split(mapping, ":")
	if len(parts) != 3 {
		t.Errorf("port %q: want 127.0.0.1:HOST:CONTAINER", mapping)
		return "", 0, 0
	}
	h, err1 := strconv.Atoi(parts[1])
	c, err2 := strconv.Atoi(parts[2])
	if err1 != nil || err2 != nil {
		t.Errorf("port %q: ports must be numbers", mapping)
	}
	return parts[0], h, c
}

// listenPort returns the port of a "--listen :PORT" flag in a command.
func listenPort(cmd []string) (int, bool) {
	for i, a := range cmd {
		if (a == "--listen" || a == "-listen") && i+1 < len(cmd) {
			_, p, ok := strings.Cut(cmd[i+1], ":")
			n, err := strconv.Atoi(p)
			return n, ok && err == nil
		}
	}
	return 0, false
}

// urlPort extracts host and port from the URL in a healthcheck or an
// environment value.
var urlInText = regexp.MustCompile(`https?://[^\s'"]+`)

func hostAndPort(raw string) (string, int) {
	u, err := url.Parse(raw)
	if err != nil {
		return "", 0
	}
	p, _ := strconv.Atoi(u.Port())
	return u.Hostname(), p
}

func describe(name string, s service) string {
	return fmt.Sprintf("service %s (profiles %v)", name, s.Profiles)
}

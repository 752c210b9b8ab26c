package deploy

import (
	"slices"
	"strings"
	"testing"
)

// profileSets are the ways the stack is started.
var profileSets = [][]string{{}, {"opensearch"}, {"demo"}, {"opensearch", "demo"}}

func TestComposeServicesAndProfiles(t *testing.T) {
	c := loadCompose(t)
	want := map[string][]string{
		"elasticsearch": nil, "kibana": nil, "setup": nil, "aspaudit": nil,
		"opensearch": {"opensearch"}, "opensearch-dashboards": {"opensearch"},
		"setup-opensearch": {"opensearch"}, "aspaudit-opensearch": {"opensearch"},
		"atlas-fake": {"demo"},
	}
	for name, profiles := range want {
		s, ok := c.Services[name]
		if !ok {
			t.Errorf("service %s is missing", name)
			continue
		}
		if !slices.Equal(s.Profiles, profiles) {
			t.Errorf("service %s: profiles %v, want %v", name, s.Profiles, profiles)
		}
	}
	for name := range c.Services {
		if _, ok := want[name]; !ok {
			t.Errorf("service %s is not expected by this test: add it here", name)
		}
	}
}

// TestComposeDependencies checks that every dependency names a service,
// uses a valid condition, waits for health only on services that have a
// healthcheck, and that a required dependency runs whenever its dependent
// does (so no profile combination fails to start).
func TestComposeDependencies(t *testing.T) {
	c := loadCompose(t)
	conditions := []string{"service_started", "service_healthy", "service_completed_successfully"}
	for name, s := range c.Services {
		for dep, d := range s.DependsOn {
			target, ok := c.Services[dep]
			if !ok {
				t.Errorf("%s depends on unknown service %s", describe(name, s), dep)
				continue
			}
			if !slices.Contains(conditions, d.Condition) {
				t.Errorf("%s: dependency %s has condition %q", describe(name, s), dep, d.Condition)
			}
			if d.Condition == "service_healthy" && target.Healthcheck == nil {
				t.Errorf("%s waits for %s to be healthy, which has no healthcheck", describe(name, s), dep)
			}
			if d.Condition == "service_completed_successfully" && target.Restart != "no" {
				t.Errorf("%s waits for %s to complete, which must then not restart (restart: \"no\")", name, dep)
			}
			for _, ps := range profileSets {
				if s.active(ps...) && d.required() && !target.active(ps...) {
					t.Errorf("profiles %v: %s requires %s, which does not run", ps, name, dep)
				}
			}
		}
	}
	for name := range c.Services {
		if cycle := findCycle(c, name, nil); cycle != nil {
			t.Errorf("dependency cycle: %s", strings.Join(cycle, " -> "))
		}
	}
}

func findCycle(c compose, name string, path []string) []string {
	if i := slices.Index(path, name); i >= 0 {
		return append(path[i:], name)
	}
	for dep := range c.Services[name].DependsOn {
		if cyc := findCycle(c, dep, append(slices.Clone(path), name)); cyc != nil {
			return cyc
		}
	}
	return nil
}

// TestComposeHealthchecks: every long-running service has a healthcheck
// in a valid form that probes the port the service listens on.
func TestComposeHealthchecks(t *testing.T) {
	c := loadCompose(t)
	for name, s := range c.Services {
		if s.Restart == "no" {
			continue // one-shot
		}
		h := s.Healthcheck
		if h == nil || len(h.Test) < 2 || (h.Test[0] != "CMD" && h.Test[0] != "CMD-SHELL") {
			t.Errorf("%s: want a healthcheck [CMD|CMD-SHELL, ...], got %+v", name, h)
			continue
		}
		probe := urlInText.FindString(strings.Join(h.Test[1:], " "))
		if probe == "" {
			t.Errorf("%s: healthcheck probes no URL", name)
			continue
		}
		host, port := hostAndPort(probe)
		if host != "localhost" && host != "127.0.0.1" {
			t.Errorf("%s: healthcheck probes %s, want the container itself", name, host)
		}
		if !slices.Contains(containerPorts(t, s), port) {
			t.Errorf("%s: healthcheck probes port %d, not one the service publishes %v", name, port, containerPorts(t, s))
		}
		if h.Test[0] == "CMD" && s.runsAspaudit() && h.Test[1] != "wget" {
			t.Errorf("%s: the aspaudit image has busybox wget, not %s", name, h.Test[1])
		}
	}
}

func containerPorts(t *testing.T, s service) []int {
	var out []int
	for _, p := range s.Ports {
		_, _, c := hostPort(t, p)
		out = append(out, c)
	}
	return out
}

// TestComposePorts: published ports are bound to the loopback address,
// unique on the host for every profile combination, and for aspaudit
// match the --listen flag.
func TestComposePorts(t *testing.T) {
	c := loadCompose(t)
	for _, ps := range profileSets {
		used := map[int]string{}
		for name, s := range c.Services {
			if !s.active(ps...) {
				continue
			}
			for _, p := range s.Ports {
				ip, host, _ := hostPort(t, p)
				if ip != "127.0.0.1" {
					t.Errorf("%s: port %s is not bound to 127.0.0.1", name, p)
				}
				if other, dup := used[host]; dup {
					t.Errorf("profiles %v: host port %d used by %s and %s", ps, host, other, name)
				}
				used[host] = name
			}
		}
	}
	for name, s := range c.Services {
		if lp, ok := listenPort(s.Command); ok && !slices.Contains(containerPorts(t, s), lp) {
			t.Errorf("%s listens on %d but publishes %v", name, lp, containerPorts(t, s))
		}
	}
}

// TestComposeWiring: each aspaudit service writes to a search server it
// waits for (directly or through its setup service), imports dashboards
// into the product of the same family, and keeps its state on a volume.
func TestComposeWiring(t *testing.T) {
	c := loadCompose(t)
	wants := map[string]struct{ sink, ui, uiKey string }{
		"setup":               {"elasticsearch", "kibana", "ASPAUDIT_KIBANA__URL"},
		"aspaudit":            {"elasticsearch", "", ""},
		"setup-opensearch":    {"opensearch", "opensearch-dashboards", "ASPAUDIT_DASHBOARDS__URL"},
		"aspaudit-opensearch": {"opensearch", "", ""},
	}
	for name, w := range wants {
		s := c.Services[name]
		if !s.runsAspaudit() {
			t.Errorf("%s: does not run the aspaudit image", name)
			continue
		}
		env := func(k string) string {
			if v := s.Environment[k]; v != nil {
				return *v
			}
			return ""
		}
		urls := "ASPAUDIT_SINK__" + strings.ToUpper(w.sink) + "__URLS"
		if env("ASPAUDIT_SINK__TYPE") != w.sink {
			t.Errorf("%s: sink.type %q, want %s", name, env("ASPAUDIT_SINK__TYPE"), w.sink)
		}
		if host, _ := hostAndPort(env(urls)); host != w.sink || !dependsOn(c, name, w.sink) {
			t.Errorf("%s: sink %q, want %s and a dependency on it", name, env(urls), w.sink)
		}
		if w.ui != "" {
			if host, _ := hostAndPort(env(w.uiKey)); host != w.ui || s.DependsOn[w.ui].Condition != "service_healthy" {
				t.Errorf("%s: %s %q, want %s, healthy before setup runs", name, w.uiKey, env(w.uiKey), w.ui)
			}
		}
		if s.Restart != "no" && !hasVolume(s, "/var/lib/aspaudit") {
			t.Errorf("%s: no volume for its state at /var/lib/aspaudit", name)
		}
		for k, v := range s.Environment {
			if v != nil && strings.Contains(strings.ToUpper(k), "SECRET") {
				t.Errorf("%s: %s has a value in the compose file; secrets pass through from the environment", name, k)
			}
		}
	}
}

// dependsOn reports whether name waits for target, directly or not.
func dependsOn(c compose, name, target string) bool {
	for dep := range c.Services[name].DependsOn {
		if dep == target || dependsOn(c, dep, target) {
			return true
		}
	}
	return false
}

func hasVolume(s service, path string) bool {
	for _, v := range s.Volumes {
		if strings.HasSuffix(v, ":"+path) {
			return true
		}
	}
	return false
}

// TestComposeImages: Kibana matches Elasticsearch's version and
// OpenSearch Dashboards OpenSearch's, as each product requires.
func TestComposeImages(t *testing.T) {
	c := loadCompose(t)
	version := func(svc, repo string) string {
		img := c.Services[svc].Image
		v, ok := strings.CutPrefix(img, repo+":")
		if !ok {
			t.Errorf("%s: image %q, want %s:<version>", svc, img, repo)
		}
		return v
	}
	es := version("elasticsearch", "docker.elastic.co/elasticsearch/elasticsearch")
	if !strings.HasPrefix(es, "8.19.") {
		t.Errorf("elasticsearch %s, want 8.19.x", es)
	}
	if kb := version("kibana", "docker.elastic.co/kibana/kibana"); kb != es {
		t.Errorf("kibana %s differs from elasticsearch %s", kb, es)
	}
	os := version("opensearch", "opensearchproject/opensearch")
	if !strings.HasPrefix(os, "2.") {
		t.Errorf("opensearch %s, want 2.x", os)
	}
	if osd := version("opensearch-dashboards", "opensearchproject/opensearch-dashboards"); osd != os {
		t.Errorf("opensearch-dashboards %s differs from opensearch %s", osd, os)
	}
}

package deploy

import (
	"bufio"
	"os"
	"slices"
	"strings"
	"testing"

	"github.com/aspaudit/aspaudit/configs"
)

// loadEnvFile reads KEY=VALUE lines, skipping comments and blank lines.
func loadEnvFile(t *testing.T, path string) map[string]string {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	env := map[string]string{}
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		k, v, ok := strings.Cut(line, "=")
		if !ok {
			t.Errorf("%s: %q is not KEY=VALUE", path, line)
		}
		env[k] = v
	}
	return env
}

// flagValue returns the value of -name or --name in a command line.
func flagValue(cmd []string, name string) string {
	for i, a := range cmd {
		if (a == "-"+name || a == "--"+name) && i+1 < len(cmd) {
			return cmd[i+1]
		}
	}
	return ""
}

// TestDemoEnvPointsAtTheFake: the demo file turns the demo profile on and
// gives aspaudit the fake's address, project and credentials, and every
// aspaudit service passes those variables through.
func TestDemoEnvPointsAtTheFake(t *testing.T) {
	c := loadCompose(t)
	env := loadEnvFile(t, "demo.env")
	fake := c.Services["atlas-fake"]
	if !slices.Contains(strings.Split(env["COMPOSE_PROFILES"], ","), "demo") {
		t.Errorf("COMPOSE_PROFILES=%q does not enable the demo profile", env["COMPOSE_PROFILES"])
	}
	host, port := hostAndPort(env["ASPAUDIT_ATLAS__BASE_URL"])
	if lp, _ := listenPort(fake.Command); host != "atlas-fake" || port != lp {
		t.Errorf("ASPAUDIT_ATLAS__BASE_URL=%q, want http://atlas-fake:%d", env["ASPAUDIT_ATLAS__BASE_URL"], lp)
	}
	served := strings.Split(flagValue(fake.Command, "projects"), ",")
	for _, p := range strings.Split(env["ASPAUDIT_ATLAS__PROJECTS"], ",") {
		if !slices.Contains(served, p) {
			t.Errorf("project %s is not served by atlas-fake (%v)", p, served)
		}
	}
	if env["MONGODB_ATLAS_CLIENT_ID"] != flagValue(fake.Command, "client-id") ||
		env["MONGODB_ATLAS_CLIENT_SECRET"] != flagValue(fake.Command, "client-secret") {
		t.Error("the demo credentials differ from the fake's -client-id/-client-secret")
	}
	for name, s := range c.Services {
		if !s.runsAspaudit() {
			continue
		}
		for k := range env {
			if k == "COMPOSE_PROFILES" {
				continue
			}
			if v, ok := s.Environment[k]; !ok || v != nil {
				t.Errorf("service %s does not pass %s through from the environment", name, k)
			}
		}
	}
}

// TestComposeEnvironmentIsValidConfig loads each aspaudit service's
// environment (with the demo values for the pass-through variables) with
// aspaudit's own configuration loader: every key must be known and every
// value valid.
func TestComposeEnvironmentIsValidConfig(t *testing.T) {
	c := loadCompose(t)
	demo := loadEnvFile(t, "demo.env")
	for name, s := range c.Services {
		if !s.runsAspaudit() {
			continue
		}
		var environ []string
		for k, v := range s.Environment {
			val, ok := demo[k]
			if v != nil {
				val, ok = *v, true
			}
			if ok {
				environ = append(environ, k+"="+val)
			}
		}
		t.Chdir(t.TempDir())
		if _, err := configs.Load(configs.Sources{Environ: environ}); err != nil {
			t.Errorf("service %s: its environment is not a valid configuration:\n%v", name, err)
		}
	}
}

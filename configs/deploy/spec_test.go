package deploy

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/compose-spec/compose-go/v2/cli"
	"github.com/compose-spec/compose-go/v2/types"
)

// loadSpec loads a compose file as docker compose does (the library the
// docker compose CLI is built on): validated against the Compose
// specification's schema, variables interpolated from envFile, and checked
// for consistency (services, networks and volumes referred to exist).
func loadSpec(t *testing.T, file, envFile string, profiles []string) (*types.Project, error) {
	t.Helper()
	fns := []cli.ProjectOptionsFn{
		cli.WithWorkingDirectory(filepath.Dir(file)),
		cli.WithName("aspaudit"),
		cli.WithProfiles(profiles),
		cli.WithConsistency(true),
		cli.WithInterpolation(true),
	}
	if envFile != "" {
		fns = append(fns, cli.WithEnvFiles(envFile), cli.WithDotEnv)
	}
	opts, err := cli.NewProjectOptions([]string{file}, fns...)
	if err != nil {
		t.Fatal(err)
	}
	return opts.LoadProject(context.Background())
}

// TestComposeFileFollowsTheSpecification loads docker-compose.yml with
// each profile combination, with no variables set (the defaults it
// documents) and with configs/deploy/demo.env, and checks what each
// combination starts.
func TestComposeFileFollowsTheSpecification(t *testing.T) {
	file, err := filepath.Abs(filepath.Join(root, "docker-compose.yml"))
	if err != nil {
		t.Fatal(err)
	}
	demoEnv, err := filepath.Abs(filepath.Join(root, "configs", "deploy", "demo.env"))
	if err != nil {
		t.Fatal(err)
	}
	for _, envFile := range []string{"", demoEnv} {
		for _, profiles := range [][]string{nil, {"opensearch"}, {"demo"}, {"opensearch", "demo"}} {
			name := strings.Join(append([]string{"profiles"}, profiles...), " ")
			if envFile != "" {
				name += " with demo.env"
			}
			t.Run(name, func(t *testing.T) {
				p, err := loadSpec(t, file, envFile, profiles)
				if err != nil {
					t.Fatalf("docker-compose.yml does not load: %v", err)
				}
				if len(p.Services) == 0 {
					t.Fatal("no service enabled")
				}
				for _, s := range p.Services {
					if s.Image == "" && s.Build == nil {
						t.Errorf("service %s has neither image nor build", s.Name)
					}
				}
			})
		}
	}
}

// TestComposeLoaderCatchesMistakes makes sure the loader above really
// validates: the same checks refuse a misspelt key, a dependency on a
// service that does not exist and a wrongly typed value.
func TestComposeLoaderCatchesMistakes(t *testing.T) {
	for name, text := range map[string]string{
		"misspelt key":       "services:\n  a:\n    image: busybox\n    enviroment:\n      X: \"1\"\n", //nolint:misspell // the misspelt key is the case
		"unknown dependency": "services:\n  a:\n    image: busybox\n    depends_on: [b]\n",
		"wrong type":         "services:\n  a:\n    image: busybox\n    ports: 8080\n",
	} {
		file := filepath.Join(t.TempDir(), "compose.yml")
		if err := os.WriteFile(file, []byte(text), 0o600); err != nil {
			t.Fatal(err)
		}
		if _, err := loadSpec(t, file, "", nil); err == nil {
			t.Errorf("%s: loaded without error", name)
		}
	}
}

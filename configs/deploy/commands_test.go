package deploy

import (
	"bytes"
	"context"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"
)

// buildCommand builds one of the repository's commands into a temporary
// directory. A command that does not build is a failure under CI and a
// skip elsewhere (another change may be under way in the tree).
func buildCommand(t *testing.T, pkg string) string {
	t.Helper()
	out := filepath.Join(t.TempDir(), filepath.Base(pkg))
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, "go", "build", "-o", out, "./"+pkg)
	cmd.Dir = root
	if b, err := cmd.CombinedOutput(); err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("building %s: %v\n%s", pkg, err, b)
		}
		t.Skipf("%s does not build yet (%v); under CI this fails", pkg, err)
	}
	return out
}

// help runs "bin args... --help" and returns its output. aspaudit must
// exit 0; atlas-fake (a demo tool) may exit 1 after printing its usage, as
// Go's flag package with ContinueOnError leads it to.
func help(t *testing.T, bin string, args ...string) string {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	var out bytes.Buffer
	cmd := exec.CommandContext(ctx, bin, append(slices.Clone(args), "--help")...)
	cmd.Stdout, cmd.Stderr = &out, &out
	cmd.Env = []string{"HOME=" + t.TempDir(), "PATH=" + os.Getenv("PATH")}
	err := cmd.Run()
	var exit *exec.ExitError
	usagePrinted := errors.As(err, &exit) && exit.ExitCode() == 1 && strings.Contains(out.String(), "flag: help requested")
	if err != nil && !(filepath.Base(bin) == "atlas-fake" && usagePrinted) {
		t.Errorf("%s %s --help: %v\n%s", filepath.Base(bin), strings.Join(args, " "), err, out.String())
	}
	return out.String()
}

// flagsOf returns the flag names ("listen") used in a command line.
func flagsOf(args []string) []string {
	var out []string
	for _, a := range args {
		if strings.HasPrefix(a, "-") {
			name, _, _ := strings.Cut(strings.TrimLeft(a, "-"), "=")
			out = append(out, name)
		}
	}
	return out
}

// TestComposeCommandsExist runs every command the compose file and the
// Dockerfile start with --help, and checks each flag they pass is one the
// command knows.
func TestComposeCommandsExist(t *testing.T) {
	c := loadCompose(t)
	df := loadDockerfile(t)
	bins := map[string]string{
		"aspaudit":   buildCommand(t, "cmd/aspaudit"),
		"atlas-fake": buildCommand(t, "cmd/atlas-fake"),
	}
	check := func(who, target string, args []string) {
		bin := bins[target]
		if bin == "" {
			t.Errorf("%s: runs the image target %q, which builds no known command", who, target)
			return
		}
		var sub []string
		if target == "aspaudit" {
			if len(args) == 0 || strings.HasPrefix(args[0], "-") {
				t.Errorf("%s: runs aspaudit without a subcommand: %v", who, args)
				return
			}
			sub = args[:1]
		}
		out := help(t, bin, sub...)
		for _, f := range flagsOf(args) {
			if !strings.Contains(out, "-"+f) {
				t.Errorf("%s: flag --%s is not in the help of %s %v:\n%s", who, f, target, sub, out)
			}
		}
	}
	for name, s := range c.Services {
		if s.Build == nil {
			continue
		}
		args := s.Command
		if len(args) == 0 {
			args = df.stages[s.Build.Target].cmd
		}
		check("service "+name, s.Build.Target, args)
	}
	check("Dockerfile CMD", "aspaudit", df.stages["aspaudit"].cmd)
}

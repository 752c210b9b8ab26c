package main

import (
	"bytes"
	"context"
	"strings"
	"testing"
)

// runInProcess runs the command line in this process, with an empty
// environment, and returns the exit code, stdout and stderr.
func runInProcess(args ...string) (int, string, string) {
	var out, errw bytes.Buffer
	code := run(context.Background(), args, stdio{in: strings.NewReader(""), out: &out, err: &errw}, nil)
	return code, out.String(), errw.String()
}

// workingCommands are the commands that take flags (not help or
// completion, which cobra provides).
func workingCommands(t *testing.T) []string {
	t.Helper()
	var names []string
	for _, c := range newRoot(&invocation{}).Commands() {
		if c.Name() != "help" && c.Name() != "completion" {
			names = append(names, c.Name())
		}
	}
	if len(names) < 7 {
		t.Fatalf("only %d commands: %v", len(names), names)
	}
	return names
}

// TestFlagsAfterArguments: in every command a flag after a positional
// argument is parsed as a flag (an unknown one is refused as a flag, not
// taken for a file name), and the error exits 2 pointing at --help.
func TestFlagsAfterArguments(t *testing.T) {
	for _, name := range workingCommands(t) {
		code, _, stderr := runInProcess(name, "stray.gz", "--no-such-flag")
		if code != exitUsage {
			t.Errorf("%s: exit %d, want %d", name, code, exitUsage)
		}
		if !strings.Contains(stderr, "unknown flag: --no-such-flag") || !strings.Contains(stderr, "aspaudit "+name+" --help") {
			t.Errorf("%s stray.gz --no-such-flag: the error does not name the flag:\n%s", name, stderr)
		}
	}
}

// TestStrayArguments: commands without positional arguments name the
// stray one instead of ignoring it.
func TestStrayArguments(t *testing.T) {
	for _, name := range workingCommands(t) {
		if name == "import" {
			continue
		}
		code, _, stderr := runInProcess(name, "stray")
		if code != exitUsage || !strings.Contains(stderr, `unexpected argument "stray"`) {
			t.Errorf("%s stray: exit %d\n%s", name, code, stderr)
		}
	}
}

// TestUsageMessages: what a user sees for common mistakes.
func TestUsageMessages(t *testing.T) {
	cases := []struct {
		args []string
		code int
		want string // on stderr
	}{
		{nil, exitUsage, "no command given"},
		{[]string{"frobnicate"}, exitUsage, `unknown command "frobnicate"`},
		{[]string{"backfill", "-config", "x.yaml"}, exitUsage, "long flags take two dashes: --config"},
		{[]string{"backfill", "-from=2d"}, exitUsage, "long flags take two dashes: --from=2d"},
		{[]string{"run", "--once=maybe"}, exitUsage, `invalid argument "maybe" for "--once"`},
		{[]string{"backfill", "--from"}, exitUsage, "flag needs an argument: --from"},
		{[]string{"completion"}, exitUsage, "name a shell: bash, zsh, fish"},
		{[]string{"completion", "tcsh"}, exitUsage, `unknown command "tcsh"`},
	}
	for _, c := range cases {
		code, _, stderr := runInProcess(c.args...)
		if code != c.code || !strings.Contains(stderr, c.want) {
			t.Errorf("%v: exit %d, want %d with %q:\n%s", c.args, code, c.code, c.want, stderr)
		}
	}
}

// TestHelp: help goes to stdout with exit 0 and shows GNU-style flags;
// every working command lists --config and --log-level.
func TestHelp(t *testing.T) {
	for _, args := range [][]string{{"--help"}, {"-h"}, {"help"}} {
		code, stdout, _ := runInProcess(args...)
		if code != exitOK || !strings.Contains(stdout, "Exit status: 0 all stored") || !strings.Contains(stdout, "completion") {
			t.Errorf("%v: exit %d\n%s", args, code, stdout)
		}
	}
	for _, name := range workingCommands(t) {
		if name == "version" {
			continue
		}
		code, stdout, _ := runInProcess(name, "--help")
		if code != exitOK || !strings.Contains(stdout, "--config file") || !strings.Contains(stdout, "--log-level level") {
			t.Errorf("%s --help: exit %d\n%s", name, code, stdout)
		}
		if strings.Contains(stdout, " -config") {
			t.Errorf("%s --help shows a single-dash long flag:\n%s", name, stdout)
		}
	}
}

// TestVersionFlagAgrees: --version and the version command print the
// same line.
func TestVersionFlagAgrees(t *testing.T) {
	c0, shortOut, _ := runInProcess("-v")
	c1, flagOut, _ := runInProcess("--version")
	c2, cmdOut, _ := runInProcess("version")
	if c0 != exitOK || shortOut != cmdOut || c1 != exitOK || c2 != exitOK || flagOut != cmdOut || !strings.HasPrefix(cmdOut, "aspaudit "+version+" ") {
		t.Errorf("--version (exit %d) %q; version (exit %d) %q", c1, flagOut, c2, cmdOut)
	}
}

package main

import (
	"os"
	"regexp"
	"strings"
	"testing"

	"github.com/spf13/pflag"
)

// readmeFlagsExempt are flags README explains once for every command
// instead of on each usage line.
var readmeFlagsExempt = map[string]bool{"help": true, "log-level": true, "report": true}

var flagName = regexp.MustCompile(`--([a-z][a-z-]*)`)

// TestReadmeUsageLines: README's usage lines (the "Commands" section)
// name exactly the flags each command has, and every command has a line.
func TestReadmeUsageLines(t *testing.T) {
	b, err := os.ReadFile("../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	lines := map[string]string{}
	for _, l := range strings.Split(string(b), "\n") {
		if f := strings.Fields(l); strings.HasPrefix(l, "    aspaudit ") && len(f) > 1 {
			lines[f[1]] = l
		}
	}
	root := newRoot(&invocation{})
	for _, cmd := range root.Commands() {
		name := cmd.Name()
		if name == "help" {
			continue
		}
		line, ok := lines[name]
		if !ok {
			t.Errorf("README has no usage line for %s", name)
			continue
		}
		named := map[string]bool{}
		for _, m := range flagName.FindAllStringSubmatch(line, -1) {
			named[m[1]] = true
			if cmd.Flags().Lookup(m[1]) == nil && root.Flags().Lookup(m[1]) == nil {
				t.Errorf("README's %s line names --%s, which %s does not have", name, m[1], name)
			}
		}
		cmd.Flags().VisitAll(func(f *pflag.Flag) {
			if !named[f.Name] && !readmeFlagsExempt[f.Name] {
				t.Errorf("README's %s line does not name --%s", name, f.Name)
			}
		})
	}
}

package file

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestCheckChangesNothing(t *testing.T) {
	root := t.TempDir()
	cfg := NewDefaultConfig()

	cfg.Path = filepath.Join(root, "a", "b")
	msg, err := Check(cfg)
	if err != nil || !strings.Contains(msg, "does not exist yet") {
		t.Errorf("missing directory under a writable one: %q, %v", msg, err)
	}
	if _, err := os.Stat(filepath.Join(root, "a")); !os.IsNotExist(err) {
		t.Error("Check created directories")
	}

	cfg.Path = root
	msg, err = Check(cfg)
	if err != nil || !strings.Contains(msg, "is writable") {
		t.Errorf("existing directory: %q, %v", msg, err)
	}
	if entries, _ := os.ReadDir(root); len(entries) != 0 {
		t.Errorf("Check left %d entries behind", len(entries))
	}
}

func TestCheckReportsUnusablePaths(t *testing.T) {
	root := t.TempDir()
	file := filepath.Join(root, "plain-file")
	if err := os.WriteFile(file, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	cfg := NewDefaultConfig()
	for _, c := range []struct{ path, want string }{
		{file, "is not a directory"},
		{filepath.Join(file, "sub"), "cannot be created"},
	} {
		cfg.Path = c.path
		if _, err := Check(cfg); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("Check(%s): %v; want %q", c.path, err, c.want)
		}
	}
	// events/ being a file is caught too.
	data := filepath.Join(root, "data")
	if err := os.MkdirAll(data, 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(data, "events"), nil, 0o600); err != nil {
		t.Fatal(err)
	}
	cfg.Path = data
	if _, err := Check(cfg); err == nil || !strings.Contains(err.Error(), "events is not a directory") {
		t.Errorf("events/ as a file: %v", err)
	}
	cfg.Path = ""
	if _, err := Check(cfg); err == nil || !strings.Contains(err.Error(), "path: must not be empty") {
		t.Errorf("empty path: %v", err)
	}
}

package secret

import (
	"bytes"
	"encoding/json"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestSecretNeverPrinted(t *testing.T) {
	s := Secret("hunter2-very-secret")
	var logged bytes.Buffer
	slog.New(slog.NewJSONHandler(&logged, nil)).Info("x", "key", s)
	j, _ := json.Marshal(struct{ K Secret }{s})
	outs := []string{
		fmt.Sprint(s), fmt.Sprintf("%v %s %q %#v %+v", s, s, s, s, s),
		fmt.Sprintf("%v", struct{ K Secret }{s}), string(j), logged.String(),
	}
	for _, o := range outs {
		if strings.Contains(o, "hunter2") {
			t.Errorf("secret leaked: %s", o)
		}
		if !strings.Contains(o, redacted) {
			t.Errorf("expected redaction marker in %q", o)
		}
	}
	if s.Value() != "hunter2-very-secret" {
		t.Fatalf("Value() = %q", s.Value())
	}
}

func TestFromFile(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "s")
	if err := os.WriteFile(p, []byte("  abc\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	s, err := FromFile(p)
	if err != nil || s.Value() != "abc" {
		t.Fatalf("FromFile = %q, %v", s.Value(), err)
	}
	if err := os.WriteFile(p, []byte("\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := FromFile(p); err == nil || !strings.Contains(err.Error(), "empty") {
		t.Fatalf("empty file: err = %v", err)
	}
	if _, err := FromFile(filepath.Join(dir, "missing")); err == nil {
		t.Fatal("missing file: no error")
	}
}

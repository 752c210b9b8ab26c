package configs

import (
	"os"
	"reflect"
	"regexp"
	"strings"
	"testing"
)

// TestExampleDocumentsEveryKey keeps example.yaml true: it loads without
// error, its values are the defaults, and every key appears in it.
func TestExampleDocumentsEveryKey(t *testing.T) {
	cfg, err := Load(Sources{File: "example.yaml"})
	if err != nil {
		t.Fatalf("example.yaml does not load: %v", err)
	}
	want := NewDefaultConfig()
	want.Atlas.Projects = cfg.Atlas.Projects
	want.Atlas.BaseURL = cfg.Atlas.BaseURL // resolved
	if !reflect.DeepEqual(cfg, want) {
		t.Errorf("example.yaml's values differ from the defaults:\n got %+v\nwant %+v", cfg, want)
	}
	body, err := os.ReadFile("example.yaml")
	if err != nil {
		t.Fatal(err)
	}
	for _, key := range Keys() {
		parts := strings.Split(strings.ReplaceAll(key, "[]", ""), ".")
		last := parts[len(parts)-1]
		re := regexp.MustCompile(`(?m)^[ #-]*` + regexp.QuoteMeta(last) + `:`)
		if !re.Match(body) {
			t.Errorf("example.yaml does not document %s", key)
		}
	}
}

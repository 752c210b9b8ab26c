package templates

import (
	"strings"
	"testing"
	"time"
)

func TestDefaultConfigIsValid(t *testing.T) {
	if err := NewDefaultConfig().Validate(); err != nil {
		t.Fatalf("default config: %v", err)
	}
}

func TestValidateReportsEveryProblem(t *testing.T) {
	c := Config{Retention: Age(30 * time.Minute), Shards: 0, Replicas: "two"}
	err := c.Validate()
	if err == nil {
		t.Fatal("Validate accepted a bad config")
	}
	for _, key := range []string{"retention:", "shards:", "replicas:"} {
		if !strings.Contains(err.Error(), key) {
			t.Errorf("error does not name %s: %v", key, err)
		}
	}
	if n := len(strings.Split(err.Error(), "\n")); n != 3 {
		t.Errorf("got %d problems, want 3: %v", n, err)
	}
}

func TestReplicasSettings(t *testing.T) {
	auto := settings(NewDefaultConfig())
	if auto["index.auto_expand_replicas"] != "0-1" || auto["index.number_of_replicas"] != nil {
		t.Errorf("auto replicas: settings %v", auto)
	}
	c := NewDefaultConfig()
	c.Replicas, c.Shards = "2", 3
	fixed := settings(c)
	if fixed["index.number_of_replicas"] != 2 || fixed["index.auto_expand_replicas"] != nil || fixed["index.number_of_shards"] != 3 {
		t.Errorf("fixed replicas: settings %v", fixed)
	}
}

package state_test

import (
	"strings"
	"testing"

	"github.com/aspaudit/aspaudit/sinks/search/state"
)

func TestConfigValidate(t *testing.T) {
	if err := state.NewDefaultConfig().Validate(); err != nil {
		t.Fatalf("default config: %v", err)
	}
	bad := state.Config{StateIndex: "Bad Name", DeadLetterIndex: "_dl"}
	err := bad.Validate()
	if err == nil || !strings.Contains(err.Error(), "state_index:") || !strings.Contains(err.Error(), "dead_letter_index:") {
		t.Fatalf("Validate = %v; want both keys named", err)
	}
	same := state.Config{StateIndex: "x", DeadLetterIndex: "x"}
	if err := same.Validate(); err == nil {
		t.Error("the same index for state and dead letters was accepted")
	}
	if _, err := state.NewDeadLetterIndex(nil, state.NewDefaultConfig(), nil); err == nil {
		t.Error("NewDeadLetterIndex without dead_letter_index succeeded")
	}
}

func TestCheckNames(t *testing.T) {
	cfg := state.Config{StateIndex: "audit-state", DeadLetterIndex: "aspaudit-dead-letter"}
	err := cfg.CheckNames("audit")
	if err == nil || !strings.Contains(err.Error(), "state_index") || strings.Contains(err.Error(), "dead_letter_index") {
		t.Errorf("CheckNames = %v; want only state_index named", err)
	}
	if err := state.NewDefaultConfig().CheckNames("atlas-streams-audit"); err != nil {
		t.Errorf("defaults: %v", err)
	}
}

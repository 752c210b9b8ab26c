package pipeline

import (
	"errors"
	"fmt"
	"testing"
)

func TestPrefixErrors(t *testing.T) {
	if PrefixErrors("x.", nil) != nil {
		t.Fatal("nil error prefixed into a non-nil one")
	}
	inner := errors.Join(errors.New("max: too small"), errors.New("budget: negative"))
	err := PrefixErrors("sink.", errors.Join(PrefixErrors("retry.", inner), errors.New("urls: empty"), fmt.Errorf("wrapped: %w", inner)))
	want := "sink.retry.max: too small\nsink.retry.budget: negative\nsink.urls: empty\nsink.wrapped: max: too small\nbudget: negative"
	if err.Error() != want {
		t.Errorf("got\n%s\nwant\n%s", err, want)
	}
	if !errors.Is(err, inner) {
		t.Error("the prefixed error no longer wraps the original")
	}
}

// TestPrefixErrorsSection: a problem of a whole section is named by its
// section, not glued to a key prefix ("atlas.no credentials").
func TestPrefixErrorsSection(t *testing.T) {
	inner := SectionProblem(errors.New("no credentials: set one"))
	err := PrefixErrors("sink.", errors.Join(PrefixErrors("retry.", inner), errors.New("urls: empty")))
	want := "sink.retry: no credentials: set one\nsink.urls: empty"
	if err.Error() != want {
		t.Errorf("got\n%s\nwant\n%s", err, want)
	}
	if got := PrefixErrors("atlas.", inner).Error(); got != "atlas: no credentials: set one" {
		t.Errorf("got %q", got)
	}
	var se *SectionError
	if !errors.As(err, &se) || se.Section != "sink.retry" {
		t.Errorf("the section error is lost: %#v", se)
	}
}

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

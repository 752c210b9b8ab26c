package pipeline

import (
	"errors"
	"fmt"
	"strings"
	"time"
)

// permanentError marks an error that retrying cannot fix.
type permanentError struct{ err error }

func (e *permanentError) Error() string { return e.err.Error() }
func (e *permanentError) Unwrap() error { return e.err }

// Permanent marks err as one that retrying cannot fix (a 400, 401, 403,
// 404, a bad config). Permanent(nil) is nil.
func Permanent(err error) error {
	if err == nil {
		return nil
	}
	return &permanentError{err: err}
}

// IsPermanent reports whether err, or an error it wraps, is permanent.
func IsPermanent(err error) bool {
	var p *permanentError
	return errors.As(err, &p)
}

// ThrottleError is a retryable error for which the server asked to wait.
type ThrottleError struct {
	Err error
	// RetryAfter is the server's wait; zero when it gave none.
	RetryAfter time.Duration
}

func (e *ThrottleError) Error() string { return e.Err.Error() }
func (e *ThrottleError) Unwrap() error { return e.Err }

// Throttle wraps err as a throttling error with the server's wait.
func Throttle(err error, after time.Duration) error {
	if err == nil {
		return nil
	}
	return &ThrottleError{Err: err, RetryAfter: after}
}

// RetryAfter returns the wait the server asked for, if err carries one.
func RetryAfter(err error) (time.Duration, bool) {
	var t *ThrottleError
	if errors.As(err, &t) && t.RetryAfter > 0 {
		return t.RetryAfter, true
	}
	return 0, false
}

// SectionError is a configuration problem of a whole section, not of one
// key ("no Atlas credentials: ..."). PrefixErrors names its section
// instead of gluing a key prefix onto its sentence.
type SectionError struct {
	// Section is the section's full key ("atlas"); empty until prefixed.
	Section string
	Err     error
}

// SectionProblem marks err as a problem of the section it is reported in.
func SectionProblem(err error) error { return &SectionError{Err: err} }

func (e *SectionError) Error() string {
	if e.Section == "" {
		return e.Err.Error()
	}
	return e.Section + ": " + e.Err.Error()
}

func (e *SectionError) Unwrap() error { return e.Err }

// PrefixErrors puts prefix before each of err's joined errors (nested
// joins included), so that every configuration problem names its full
// key: PrefixErrors("retry.", err) turns "max: ..." into "retry.max: ...",
// and a SectionError's "no credentials" into "retry: no credentials".
// PrefixErrors(prefix, nil) is nil.
func PrefixErrors(prefix string, err error) error {
	if err == nil {
		return nil
	}
	if j, ok := err.(interface{ Unwrap() []error }); ok {
		var out []error
		for _, e := range j.Unwrap() {
			out = append(out, PrefixErrors(prefix, e))
		}
		return errors.Join(out...)
	}
	if s, ok := err.(*SectionError); ok { //nolint:errorlint // only a SectionError itself: a wrapped one keeps its wrapper's text, which is prefixed as a key
		return &SectionError{Section: strings.TrimSuffix(prefix+s.Section, "."), Err: s.Err}
	}
	return fmt.Errorf("%s%w", prefix, err)
}

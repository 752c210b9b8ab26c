package retry

import "errors"

// SpentError is what Do and Next give up with once the attempts or the
// budget are spent (or the next wait would pass the deadline): the error
// has been retried at this layer already. Do and Next return an operation's
// SpentError at once, so that an outer loop (a window around a sink write)
// does not retry again what an inner loop gave up on: each error is
// retried at exactly one layer (see the package documentation).
type SpentError struct{ err error }

func (e *SpentError) Error() string { return e.err.Error() }
func (e *SpentError) Unwrap() error { return e.err }

// IsSpent reports whether err, or an error it wraps, is a SpentError.
func IsSpent(err error) bool {
	var s *SpentError
	return errors.As(err, &s)
}

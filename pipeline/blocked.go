package pipeline

import "errors"

// BlockedError is a write refused because an operator blocked writes to
// the place it goes to: an index or cluster write block of a search
// cluster (index.blocks.write, index.blocks.read_only, cluster.blocks.*),
// set by hand or by a tool. It is not a problem of the events (they are
// not dead-lettered) and retrying helps only once someone lifts the block:
// as with StorageFullError, the sink does not retry it, one-shot commands
// stop the window at once and a long-running ingester keeps retrying.
// The error's text names the block and how to lift it.
type BlockedError struct{ Err error }

func (e *BlockedError) Error() string { return e.Err.Error() }
func (e *BlockedError) Unwrap() error { return e.Err }

// Blocked marks err as refused by a write block. Blocked(nil) is nil.
func Blocked(err error) error {
	if err == nil {
		return nil
	}
	return &BlockedError{Err: err}
}

// IsBlocked reports whether err, or an error it wraps, is refused by a
// write block.
func IsBlocked(err error) bool {
	var b *BlockedError
	return errors.As(err, &b)
}

// AwaitsOperator reports whether err is a refusal that only someone's
// action ends (IsStorageFull or IsBlocked): the layer that writes does not
// retry it, the window layer decides.
func AwaitsOperator(err error) bool { return IsStorageFull(err) || IsBlocked(err) }

package pipeline

import "errors"

// StorageFullError is a write refused because the place it goes to has no
// room left: a full file system under the file sink or the dead-letter
// directory, or a search cluster past its flood-stage disk watermark.
// Retrying helps only once someone frees space, so one-shot commands stop
// at once; a long-running ingester keeps retrying and reports it.
// The error's text names the cause and the fix.
type StorageFullError struct{ Err error }

func (e *StorageFullError) Error() string { return e.Err.Error() }
func (e *StorageFullError) Unwrap() error { return e.Err }

// StorageFull marks err as a full-storage refusal. StorageFull(nil) is nil.
func StorageFull(err error) error {
	if err == nil {
		return nil
	}
	return &StorageFullError{Err: err}
}

// IsStorageFull reports whether err, or an error it wraps, is a
// full-storage refusal.
func IsStorageFull(err error) bool {
	var f *StorageFullError
	return errors.As(err, &f)
}

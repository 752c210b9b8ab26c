package pipeline

import (
	"context"
	"io"
)

// Source fetches the audit log of one window.
type Source interface {
	// Fetch returns the decompressed log lines of w as a stream; the
	// caller closes it. The stream is never held whole in memory. Errors
	// from Fetch or from reading the stream are classified with the
	// vocabulary of this package: Permanent errors will fail again,
	// throttling errors carry the server's wait, anything else may be
	// retried. A stream that fails mid-way fails the whole window.
	Fetch(ctx context.Context, w Window) (io.ReadCloser, error)
}

// WorkspaceLister discovers the stream processing workspaces of a project.
type WorkspaceLister interface {
	Workspaces(ctx context.Context, projectID string) ([]string, error)
}

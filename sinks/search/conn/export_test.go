package conn

import (
	"log/slog"
	"net/http"
)

// NewBelowSigner is New with wrap applied to the HTTP transport under the
// SigV4 signer, so that tests can change a request after it was signed.
func NewBelowSigner(cfg Config, log *slog.Logger, wrap func(http.RoundTripper) http.RoundTripper) (*Client, error) {
	return newClient(cfg, log, wrap)
}

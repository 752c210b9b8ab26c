package conn

import (
	"crypto/tls"
	"crypto/x509"
	"fmt"
	"log/slog"
	"os"
)

// TLSConfig returns the TLS settings of a connection to peer: TLS 1.2 or
// later, trusting the certificates of caFile (the system's when empty),
// and verifying the server's certificate unless skipVerify, which logs a
// warning every time it is used. Errors name the ca_file key.
func TLSConfig(caFile string, skipVerify bool, peer string, log *slog.Logger) (*tls.Config, error) {
	cfg := &tls.Config{MinVersion: tls.VersionTLS12}
	if caFile != "" {
		pem, err := os.ReadFile(caFile)
		if err != nil {
			return nil, fmt.Errorf("ca_file: %w", err)
		}
		pool := x509.NewCertPool()
		if !pool.AppendCertsFromPEM(pem) {
			return nil, fmt.Errorf("ca_file: no PEM certificate in %s", caFile)
		}
		cfg.RootCAs = pool
	}
	if skipVerify {
		log.Warn("TLS certificate verification is turned off (tls_insecure_skip_verify): the connection to " + peer + " can be intercepted")
		cfg.InsecureSkipVerify = true
	}
	return cfg, nil
}

package conn

import (
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"

	"github.com/aspaudit/aspaudit/pipeline"
)

// explainTLS turns a failed verification of the server's certificate into
// a permanent error (retrying cannot help) that says what to change. Other
// errors are returned as they are.
func explainTLS(err error) error {
	var (
		unknown  x509.UnknownAuthorityError
		hostname x509.HostnameError
		invalid  x509.CertificateInvalidError
		verify   *tls.CertificateVerificationError
	)
	var hint string
	switch {
	case errors.As(err, &unknown):
		hint = "the server's certificate is signed by a CA not trusted here: set ca_file to that CA's certificate (PEM)"
	case errors.As(err, &hostname):
		hint = "the server's certificate does not hold the host name of the URL: connect by a name it holds"
	case errors.As(err, &invalid):
		hint = "the server's certificate is not valid (expired, not yet valid or not for a server)"
	case errors.As(err, &verify):
		hint = "the server's certificate could not be verified: check ca_file"
	default:
		return err
	}
	return pipeline.Permanent(fmt.Errorf("%w (%s)", err, hint))
}

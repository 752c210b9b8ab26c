// Package secret holds credentials so that printing, logging or marshalling
// them never reveals their value.
package secret

import (
	"fmt"
	"log/slog"
	"os"
	"strings"
)

const redacted = "[redacted]"

// Secret is a credential. Its String, GoString, MarshalText and LogValue
// all redact; only Value returns the real text.
type Secret string

// Value returns the credential itself. Call it only where the value is
// sent to the server it is meant for.
func (s Secret) Value() string { return string(s) }

// IsSet reports whether the secret is non-empty.
func (s Secret) IsSet() bool { return s != "" }

// String redacts.
func (s Secret) String() string {
	if s == "" {
		return ""
	}
	return redacted
}

// GoString redacts, also for %#v.
func (s Secret) GoString() string { return s.String() }

// MarshalText redacts, so JSON and YAML encodings never hold the value.
func (s Secret) MarshalText() ([]byte, error) { return []byte(s.String()), nil }

// LogValue redacts in slog output.
func (s Secret) LogValue() slog.Value { return slog.StringValue(s.String()) }

// Format redacts for every fmt verb.
func (s Secret) Format(f fmt.State, _ rune) { _, _ = f.Write([]byte(s.String())) }

// FromFile reads a secret from path, trimming surrounding white space (a
// trailing newline is the usual case). The error names the file, never its
// content.
func FromFile(path string) (Secret, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return "", fmt.Errorf("reading secret file: %w", err)
	}
	v := strings.TrimSpace(string(b))
	if v == "" {
		return "", fmt.Errorf("secret file %s is empty", path)
	}
	return Secret(v), nil
}

package searchtest

import (
	"bytes"
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/json"
	"io"
	"net/http"
	"os"
	"strings"
	"testing"
	"time"
)

// SecureEnv is the prefix of the variables `scripts/search-servers.sh up
// os-secure` prints: <prefix>URL, CA_FILE, ADMIN_USER, ADMIN_PASSWORD,
// WRITER_USER, WRITER_PASSWORD, SETUP_USER, SETUP_PASSWORD and ROLES_FILE.
const SecureEnv = "ASPAUDIT_TEST_OS_SECURE_"

// Secure is the secured OpenSearch (security plugin, HTTPS with a CA made
// at start, an admin and aspaudit's least-privilege users).
type Secure struct {
	URL       string
	CAFile    string
	Admin     User
	Writer    User   // the role backfill and run need (scripts/os-secure-roles.json)
	Setup     User   // the role setup needs
	RolesFile string // the roles the script created
	client    *http.Client
}

// User is one user of the secured server. Test passwords only: random per
// server start.
type User struct{ Name, Password string }

// RequireSecure returns the secured OpenSearch. Without its variables the
// test is skipped, except under CI (CI=true), where it fails.
func RequireSecure(t testing.TB) *Secure {
	t.Helper()
	get := func(k string) string { return os.Getenv(SecureEnv + k) }
	s := &Secure{
		URL: strings.TrimRight(get("URL"), "/"), CAFile: get("CA_FILE"), RolesFile: get("ROLES_FILE"),
		Admin:  User{get("ADMIN_USER"), get("ADMIN_PASSWORD")},
		Writer: User{get("WRITER_USER"), get("WRITER_PASSWORD")},
		Setup:  User{get("SETUP_USER"), get("SETUP_PASSWORD")},
	}
	if s.URL == "" || s.CAFile == "" || s.Admin.Password == "" || s.Writer.Password == "" || s.Setup.Password == "" || s.RolesFile == "" {
		msg := SecureEnv + "* not set; start the server with scripts/search-servers.sh up os-secure and export what it prints"
		if os.Getenv("CI") == "true" {
			t.Fatal(msg + " (integration tests must not skip under CI)")
		}
		t.Skip(msg)
	}
	pem, err := os.ReadFile(s.CAFile)
	if err != nil {
		t.Fatalf("reading the test CA: %v", err)
	}
	pool := x509.NewCertPool()
	if !pool.AppendCertsFromPEM(pem) {
		t.Fatalf("no certificate in %s", s.CAFile)
	}
	s.client = &http.Client{Timeout: time.Minute, Transport: &http.Transport{
		TLSClientConfig: &tls.Config{RootCAs: pool, MinVersion: tls.VersionTLS12},
	}}
	return s
}

// Do sends a request as u with an optional body (encoded as JSON, unless
// it is a []byte: NDJSON for _bulk, say) and returns the status and body;
// a transport error fails the test.
func (s *Secure) Do(t testing.TB, u User, method, path string, body any) (int, []byte) {
	t.Helper()
	var r io.Reader
	if raw, ok := body.([]byte); ok {
		r = bytes.NewReader(raw)
	} else if body != nil {
		b, err := json.Marshal(body)
		if err != nil {
			t.Fatalf("encoding %s %s: %v", method, path, err)
		}
		r = bytes.NewReader(b)
	}
	// Not t.Context(): Do also runs in cleanups, after it is canceled.
	req, err := http.NewRequestWithContext(context.Background(), method, s.URL+path, r)
	if err != nil {
		t.Fatalf("building %s %s: %v", method, path, err)
	}
	req.SetBasicAuth(u.Name, u.Password)
	req.Header.Set("Content-Type", "application/json")
	res, err := s.client.Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", method, path, err)
	}
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	if err != nil {
		t.Fatalf("reading %s %s: %v", method, path, err)
	}
	return res.StatusCode, b
}

// AdminDo is Do as the admin, failing the test unless the answer is 2xx
// (or one of okAlso).
func (s *Secure) AdminDo(t testing.TB, method, path string, body any, okAlso ...int) []byte {
	t.Helper()
	st, b := s.Do(t, s.Admin, method, path, body)
	if st/100 != 2 && !contains(okAlso, st) {
		t.Fatalf("%s %s as admin: HTTP %d: %.500s", method, path, st, b)
	}
	return b
}

func contains(s []int, v int) bool {
	for _, x := range s {
		if x == v {
			return true
		}
	}
	return false
}

// Roles reads the roles file: role name -> its definition as created.
func (s *Secure) Roles(t testing.TB) map[string]Role {
	t.Helper()
	b, err := os.ReadFile(s.RolesFile)
	if err != nil {
		t.Fatalf("reading the roles file: %v", err)
	}
	var f struct {
		Roles map[string]Role `json:"roles"`
	}
	if err := json.Unmarshal(b, &f); err != nil {
		t.Fatalf("decoding %s: %v", s.RolesFile, err)
	}
	return f.Roles
}

// Role is one OpenSearch security role as the roles API takes it.
type Role struct {
	User             string            `json:"user,omitempty"`
	Env              string            `json:"env,omitempty"`
	ClusterPerms     []string          `json:"cluster_permissions"`
	IndexPermissions []IndexPermission `json:"index_permissions"`
}

// IndexPermission grants actions on index patterns.
type IndexPermission struct {
	Patterns []string `json:"index_patterns"`
	Actions  []string `json:"allowed_actions"`
}

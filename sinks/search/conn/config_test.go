package conn_test

import (
	"context"
	"io"
	"log"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/aspaudit/aspaudit/sinks/search/conn"
)

func TestConfigValidate(t *testing.T) {
	if err := conn.NewDefaultConfig().Validate(); err != nil {
		t.Fatalf("default config: %v", err)
	}
	c := conn.Config{
		URLs:        []string{"http://u:hunter2@", "localhost:9200"},
		Credentials: conn.Credentials{Password: "p", APIKey: "k", APIKeyFile: "/f"},
		Timeout:     -1,
	}
	err := c.Validate()
	if err == nil {
		t.Fatal("Validate accepted a bad config")
	}
	for _, key := range []string{"urls:", "username:", "api_key_file:", "timeout:"} {
		if !strings.Contains(err.Error(), key) {
			t.Errorf("error does not name %s: %v", key, err)
		}
	}
	if strings.Contains(err.Error(), "hunter2") {
		t.Errorf("error reveals a password from a URL: %v", err)
	}
}

// TestCredentialsSent checks that secrets from files reach the server as
// the right header.
func TestCredentialsSent(t *testing.T) {
	var got []string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		got = append(got, r.Header.Get("Authorization"))
		w.Header().Set("X-Elastic-Product", "Elasticsearch")
		_, _ = w.Write([]byte(`{"version":{"number":"8.19.0"}}`))
	}))
	defer srv.Close()
	dir := t.TempDir()
	pw := filepath.Join(dir, "pw")
	key := filepath.Join(dir, "key")
	if err := os.WriteFile(pw, []byte("s3cret\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(key, []byte("a2V5\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	for _, c := range []conn.Config{
		{URLs: []string{srv.URL}, Credentials: conn.Credentials{Username: "elastic", PasswordFile: pw}},
		{URLs: []string{srv.URL}, Credentials: conn.Credentials{APIKeyFile: key}},
	} {
		if err := c.ResolveSecrets(); err != nil {
			t.Fatalf("ResolveSecrets: %v", err)
		}
		cl, err := conn.New(c, nil)
		if err != nil {
			t.Fatalf("New: %v", err)
		}
		if _, err := cl.Detect(context.Background()); err != nil {
			t.Fatalf("Detect: %v", err)
		}
		_ = cl.Close(context.Background())
	}
	want := []string{"Basic ZWxhc3RpYzpzM2NyZXQ=", "APIKey a2V5"}
	if strings.Join(got, "|") != strings.Join(want, "|") {
		t.Fatalf("Authorization headers %q, want %q", got, want)
	}
}

func TestCAFile(t *testing.T) {
	srv := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("X-Elastic-Product", "Elasticsearch")
		_, _ = w.Write([]byte(`{"version":{"number":"8.19.0"}}`))
	}))
	srv.Config.ErrorLog = log.New(io.Discard, "", 0) // the refused handshake is expected
	srv.StartTLS()
	defer srv.Close()
	detect := func(c conn.Config) error {
		cl, err := conn.New(c, nil)
		if err != nil {
			return err
		}
		defer cl.Close(context.Background())
		_, err = cl.Detect(context.Background())
		return err
	}
	if err := detect(conn.Config{URLs: []string{srv.URL}}); err == nil {
		t.Fatal("an unknown certificate authority was trusted")
	}
	if err := detect(conn.Config{URLs: []string{srv.URL}, Credentials: conn.Credentials{TLSInsecureSkipVerify: true}}); err != nil {
		t.Fatalf("tls_insecure_skip_verify: %v", err)
	}
	ca := filepath.Join(t.TempDir(), "ca.pem")
	pemBytes := certPEM(srv.Certificate().Raw)
	if err := os.WriteFile(ca, pemBytes, 0o600); err != nil {
		t.Fatal(err)
	}
	if err := detect(conn.Config{URLs: []string{srv.URL}, Credentials: conn.Credentials{CAFile: ca}}); err != nil {
		t.Fatalf("ca_file: %v", err)
	}
}

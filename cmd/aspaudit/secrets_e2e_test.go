package main

import (
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/aspaudit/aspaudit/sources/atlas/atlastest"
)

// TestSecretsNeverShown runs the commands that touch credentials at debug
// level, with right and wrong secrets of both kinds, and checks that no
// secret appears on stdout, stderr or in any file aspaudit wrote.
func TestSecretsNeverShown(t *testing.T) {
	binary(t)
	fake := newFakeAtlas(t, atlastest.Config{})
	from := time.Date(2026, 10, 1, 0, 0, 0, 0, time.UTC)
	serveGenerated(fake, 7, from, from.Add(24*time.Hour), 50)
	const wrongSecret = "mdb_sa_sk_WRONG-0123456789"
	const wrongPrivate = "WRONG-private-key-0123456789"
	secrets := []string{e2eSecret, e2ePrivKey, wrongSecret, wrongPrivate}
	args := []string{"backfill", "--from", from.Format(time.RFC3339), "--to", from.Add(24 * time.Hour).Format(time.RFC3339), "--report", "json"}
	cases := []struct {
		name string
		env  env
		cmd  []string
		code int
	}{
		{"service account", fake.env(serviceAccountCLIVars), args, exitOK},
		{"api key", fake.env(apiKeyConfigVars), args, exitOK},
		{"wrong client secret", fake.env(serviceAccountCLIVars).with("MONGODB_ATLAS_CLIENT_SECRET", wrongSecret), args, exitIncomplete},
		{"wrong private key", fake.env(apiKeyConfigVars).with("ASPAUDIT_ATLAS__PRIVATE_KEY", wrongPrivate), args, exitIncomplete},
		{"check with wrong secret", fake.env(serviceAccountCLIVars).with("MONGODB_ATLAS_CLIENT_SECRET", wrongSecret), []string{"check"}, exitIncomplete},
		{"both kinds configured", fake.env(serviceAccountConfigVars).with("ASPAUDIT_ATLAS__PUBLIC_KEY", e2ePublicKey, "ASPAUDIT_ATLAS__PRIVATE_KEY", wrongPrivate), []string{"check"}, exitUsage},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			dir := t.TempDir()
			e := c.env.with("ASPAUDIT_LOG__LEVEL", "debug", "ASPAUDIT_SINK__FILE__PATH", dir,
				"ASPAUDIT_ATLAS__RETRY__BUDGET", "2s", "ASPAUDIT_PIPELINE__RETRY__BUDGET", "2s")
			r := aspaudit(t, e, c.cmd...)
			mustExit(t, r, c.code, c.name)
			for _, s := range secrets {
				if strings.Contains(r.stdout, s) || strings.Contains(r.stderr, s) {
					t.Errorf("secret %q shown in the output:\n%s", s, r)
				}
			}
			if strings.Contains(r.stderr, "Bearer ") || strings.Contains(strings.ToLower(r.stderr), "authorization:") {
				t.Errorf("an Authorization header is logged:\n%s", r)
			}
			if c.code != exitOK && c.code != exitUsage && !strings.Contains(r.stderr, "401") {
				t.Errorf("a refused credential is not reported as such:\n%s", r)
			}
			err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
				if err != nil || d.IsDir() {
					return err
				}
				b, err := os.ReadFile(p)
				for _, s := range secrets {
					if strings.Contains(string(b), s) {
						t.Errorf("secret %q written to %s", s, p)
					}
				}
				return err
			})
			if err != nil {
				t.Fatal(err)
			}
		})
	}
}

package dashboards

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestDefaultConfigIsValidAndManual(t *testing.T) {
	c := NewDefaultConfig()
	if err := c.Validate(); err != nil {
		t.Fatal(err)
	}
	if c.URL != "" {
		t.Errorf("default url %q: the default must be a manual import", c.URL)
	}
	if _, err := New(c, Kibana, nil); err == nil || !strings.Contains(err.Error(), "url: needed") {
		t.Errorf("New without url: %v", err)
	}
}

func TestValidateReportsEveryProblem(t *testing.T) {
	c := NewDefaultConfig()
	c.URL = "ftp://kibana"
	c.Password = "pw-value-1"
	c.PasswordFile = "/f"
	c.APIKeyFile = "/k"
	c.Space = "Team A"
	c.Timeout = -1
	c.Retry.Initial = 0
	err := c.Validate()
	for _, want := range []string{"url:", "password_file:", "username: needed", "space:", "timeout:", "retry.initial:"} {
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("error %v does not mention %q", err, want)
		}
	}
	if err != nil && strings.Contains(err.Error(), "pw-value-1") {
		t.Errorf("error reveals a secret: %v", err)
	}
	c = NewDefaultConfig()
	c.Username, c.APIKey = "u", "k"
	if err := c.Validate(); err == nil || !strings.Contains(err.Error(), "api_key: set either") {
		t.Errorf("username and api_key: %v", err)
	}
}

func TestSpaceIsKibanaOnly(t *testing.T) {
	c := NewDefaultConfig()
	c.URL, c.Space = "http://osd:5601", "team"
	if _, err := New(c, OpenSearchDashboards, nil); err == nil || !strings.Contains(err.Error(), "space:") {
		t.Errorf("OSD with a space: %v", err)
	}
	if _, err := New(c, Kibana, nil); err != nil {
		t.Errorf("Kibana with a space: %v", err)
	}
}

func TestResolveSecrets(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "pw")
	if err := os.WriteFile(p, []byte("hunter2\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	c := NewDefaultConfig()
	c.PasswordFile, c.APIKeyFile = p, filepath.Join(dir, "missing")
	err := c.ResolveSecrets()
	if c.Password.Value() != "hunter2" {
		t.Errorf("password %q", c.Password.Value())
	}
	if err == nil || !strings.Contains(err.Error(), "api_key_file:") || strings.Contains(err.Error(), "hunter2") {
		t.Errorf("error %v", err)
	}
}

func TestManualInstructions(t *testing.T) {
	for _, f := range flavors {
		s := ManualInstructions(f, f.ExportPath())
		for _, want := range []string{f.ExportPath(), f.xsrfHeader() + ": true", "_import?overwrite=true", "--form file=@" + f.ExportPath()} {
			if !strings.Contains(s, want) {
				t.Errorf("%s instructions lack %q:\n%s", f, want, s)
			}
		}
	}
	if !strings.Contains(ManualInstructions(Kibana, "x"), "ASPAUDIT_KIBANA__URL") ||
		!strings.Contains(ManualInstructions(OpenSearchDashboards, "x"), "ASPAUDIT_DASHBOARDS__URL") {
		t.Error("instructions do not name the environment variable of the url")
	}
}

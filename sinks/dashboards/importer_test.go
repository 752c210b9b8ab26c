package dashboards

import (
	"bytes"
	"context"
	"encoding/base64"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/aspaudit/aspaudit/pipeline"
)

func testConfig(url string) Config {
	c := NewDefaultConfig()
	c.URL = url
	c.Timeout = 5 * time.Second
	c.Retry.Initial = time.Millisecond
	c.Retry.Max = 5 * time.Millisecond
	c.Retry.Budget = 5 * time.Second
	return c
}

func startFake(t *testing.T, f Flavor) (*fakeServer, *httptest.Server) {
	fake := newFake(t, f)
	srv := httptest.NewServer(fake)
	t.Cleanup(srv.Close)
	return fake, srv
}

func mustImporter(t *testing.T, cfg Config, f Flavor) *Importer {
	t.Helper()
	im, err := New(cfg, f, nil)
	if err != nil {
		t.Fatal(err)
	}
	return im
}

// TestImportSendsDocumentedRequest checks the one request an import makes
// against the documented API: POST {url}/api/saved_objects/_import with
// overwrite=true, the product's xsrf header, basic auth, and a
// multipart/form-data body whose only part is the field "file", named
// *.ndjson, holding the export byte for byte.
func TestImportSendsDocumentedRequest(t *testing.T) {
	for _, f := range flavors {
		fake, srv := startFake(t, f)
		cfg := testConfig(srv.URL + "/")
		cfg.Username, cfg.Password = "elastic", "s3cret"
		res, err := mustImporter(t, cfg, f).Import(context.Background(), f.SavedObjects())
		if err != nil {
			t.Fatalf("%s: %v", f, err)
		}
		objects := len(parsed(t, f).Objects)
		if res.Objects != objects || res.Imported != objects {
			t.Errorf("%s: result %+v, want %d objects imported", f, res, objects)
		}
		reqs := fake.recorded()
		if len(reqs) != 1 {
			t.Fatalf("%s: %d requests, want 1", f, len(reqs))
		}
		r := reqs[0]
		if r.method != http.MethodPost || r.path != "/api/saved_objects/_import" || r.query != "overwrite=true" {
			t.Errorf("%s: request %s %s?%s", f, r.method, r.path, r.query)
		}
		if r.header.Get(f.xsrfHeader()) != "true" {
			t.Errorf("%s: %s header %q", f, f.xsrfHeader(), r.header.Get(f.xsrfHeader()))
		}
		other := map[Flavor]string{Kibana: "osd-xsrf", OpenSearchDashboards: "kbn-xsrf"}[f]
		if r.header.Get(other) != "" {
			t.Errorf("%s: sent the other product's header %s", f, other)
		}
		wantAuth := "Basic " + base64.StdEncoding.EncodeToString([]byte("elastic:s3cret"))
		if r.header.Get("Authorization") != wantAuth {
			t.Errorf("%s: Authorization %q", f, r.header.Get("Authorization"))
		}
		if r.formName != "file" || r.fileName != "aspaudit-saved-objects.ndjson" || r.fileType != "application/ndjson" {
			t.Errorf("%s: part name %q file %q type %q", f, r.formName, r.fileName, r.fileType)
		}
		if !bytes.Equal(r.file, f.SavedObjects()) {
			t.Errorf("%s: uploaded file differs from the export", f)
		}
	}
}

// TestReimportOverwrites runs setup twice: the second import replaces
// every object (no conflict, no copy), so the stored count does not grow.
func TestReimportOverwrites(t *testing.T) {
	for _, f := range flavors {
		fake, srv := startFake(t, f)
		im := mustImporter(t, testConfig(srv.URL), f)
		objects := len(parsed(t, f).Objects)
		for run := 1; run <= 2; run++ {
			res, err := im.Import(context.Background(), f.SavedObjects())
			if err != nil {
				t.Fatalf("%s run %d: %v", f, run, err)
			}
			if res.Imported != objects || fake.count("default") != objects {
				t.Errorf("%s run %d: imported %d, stored %d, want %d", f, run, res.Imported, fake.count("default"), objects)
			}
		}
	}
}

// TestFakeRejectsWithoutOverwrite shows the fake enforces what overwrite
// avoids, so TestReimportOverwrites can fail.
func TestFakeRejectsWithoutOverwrite(t *testing.T) {
	fake := newFake(t, Kibana)
	export := Kibana.SavedObjects()
	if a := fake.importFile("default", export, false); !a.Success {
		t.Fatalf("first import failed: %+v", a.Errors)
	}
	a := fake.importFile("default", export, false)
	if a.Success || len(a.Errors) != len(parsed(t, Kibana).Objects) {
		t.Errorf("second import without overwrite: success %v, %d errors", a.Success, len(a.Errors))
	}
}

func TestImportIntoSpaceWithAPIKey(t *testing.T) {
	fake, srv := startFake(t, Kibana)
	cfg := testConfig(srv.URL + "/base")
	cfg.URL = srv.URL
	cfg.Space = "security-team"
	cfg.APIKey = "aWQ6a2V5"
	if _, err := mustImporter(t, cfg, Kibana).Import(context.Background(), Kibana.SavedObjects()); err != nil {
		t.Fatal(err)
	}
	r := fake.recorded()[0]
	if r.path != "/s/security-team/api/saved_objects/_import" {
		t.Errorf("path %s", r.path)
	}
	if r.header.Get("Authorization") != "ApiKey aWQ6a2V5" {
		t.Errorf("Authorization %q", r.header.Get("Authorization"))
	}
	if fake.count("security-team") == 0 || fake.count("default") != 0 {
		t.Errorf("objects in the wrong space: team %d, default %d", fake.count("security-team"), fake.count("default"))
	}
}

func TestImportKeepsBasePath(t *testing.T) {
	fake, srv := startFake(t, Kibana)
	mux := http.NewServeMux()
	mux.Handle("/kibana/", http.StripPrefix("/kibana", fake))
	srv.Config.Handler = mux
	if _, err := mustImporter(t, testConfig(srv.URL+"/kibana"), Kibana).Import(context.Background(), Kibana.SavedObjects()); err != nil {
		t.Fatal(err)
	}
	if fake.count("default") == 0 {
		t.Error("nothing imported through the base path")
	}
}

// TestImportRetriesWhileStarting: a Kibana still starting answers 503;
// the import waits and succeeds.
func TestImportRetriesWhileStarting(t *testing.T) {
	fake, srv := startFake(t, Kibana)
	fake.failures = []int{503, 503, 429}
	res, err := mustImporter(t, testConfig(srv.URL), Kibana).Import(context.Background(), Kibana.SavedObjects())
	if err != nil {
		t.Fatal(err)
	}
	if n := len(fake.recorded()); n != 4 || res.Imported == 0 {
		t.Errorf("%d requests, %d imported; want 4 requests and the objects imported", n, res.Imported)
	}
}

func TestImportPermanentFailures(t *testing.T) {
	for _, c := range []struct {
		status int
		want   string
	}{
		{401, "check username/password or api_key"},
		{403, "privilege to manage saved objects"},
		{404, "check url, its base path, and space"},
		{400, "400 Bad Request"},
	} {
		fake, srv := startFake(t, Kibana)
		fake.failures = []int{c.status, c.status}
		_, err := mustImporter(t, testConfig(srv.URL), Kibana).Import(context.Background(), Kibana.SavedObjects())
		if err == nil || !pipeline.IsPermanent(err) || !strings.Contains(err.Error(), c.want) {
			t.Errorf("status %d: error %v, want a permanent error containing %q", c.status, err, c.want)
		}
		if n := len(fake.recorded()); n != 1 {
			t.Errorf("status %d: %d requests, want 1 (no retry)", c.status, n)
		}
	}
}

// TestImportReportsEachFailedObject points the Kibana export at an
// OpenSearch Dashboards, which does not know Lens: every Lens object is
// reported with its reason, and so is the dashboard whose panels then
// miss their references.
func TestImportReportsEachFailedObject(t *testing.T) {
	fake, srv := startFake(t, OpenSearchDashboards)
	fake.xsrf = "kbn-xsrf"
	_, err := mustImporter(t, testConfig(srv.URL), Kibana).Import(context.Background(), Kibana.SavedObjects())
	var ie *ImportError
	if !errors.As(err, &ie) || !pipeline.IsPermanent(err) {
		t.Fatalf("error %v, want a permanent *ImportError", err)
	}
	if len(ie.Failed) != 6 || ie.Imported != ie.Objects-6 {
		t.Errorf("%d failed, %d of %d imported; want 6 failed", len(ie.Failed), ie.Imported, ie.Objects)
	}
	msg := err.Error()
	for _, want := range []string{
		`lens "aspaudit-top-users" (aspaudit-top-users): unsupported type`,
		`dashboard "aspaudit-overview" (aspaudit-overview): missing references: lens "aspaudit-events-over-time"`,
	} {
		if !strings.Contains(msg, want) {
			t.Errorf("error does not contain %q:\n%s", want, msg)
		}
	}
}

func TestImportChecksExportBeforeSending(t *testing.T) {
	fake, srv := startFake(t, Kibana)
	broken := []byte(`{"type":"search","id":"s","attributes":{},"references":[{"name":"r","type":"index-pattern","id":"gone"}],"coreMigrationVersion":"8.8.0","typeMigrationVersion":"8.0.0"}`)
	_, err := mustImporter(t, testConfig(srv.URL), Kibana).Import(context.Background(), broken)
	if err == nil || !pipeline.IsPermanent(err) || !strings.Contains(err.Error(), `"gone"`) {
		t.Errorf("error %v", err)
	}
	// The OSD export is not a Kibana export.
	if _, err := mustImporter(t, testConfig(srv.URL), Kibana).Import(context.Background(), OpenSearchDashboards.SavedObjects()); err == nil {
		t.Error("OSD export accepted for Kibana")
	}
	if n := len(fake.recorded()); n != 0 {
		t.Errorf("%d requests sent for exports that fail their check", n)
	}
}

func TestImportStopsWithContext(t *testing.T) {
	fake, srv := startFake(t, Kibana)
	fake.failures = []int{503, 503, 503, 503, 503, 503, 503, 503}
	cfg := testConfig(srv.URL)
	cfg.Retry.Initial, cfg.Retry.Max = time.Second, time.Second
	ctx, cancel := context.WithTimeout(context.Background(), 300*time.Millisecond)
	defer cancel()
	start := time.Now()
	_, err := mustImporter(t, cfg, Kibana).Import(ctx, Kibana.SavedObjects())
	if err == nil || time.Since(start) > 3*time.Second {
		t.Errorf("error %v after %s", err, time.Since(start))
	}
}

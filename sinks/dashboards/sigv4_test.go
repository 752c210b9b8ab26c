package dashboards

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/aspaudit/aspaudit/sinks/search/conn"
	"github.com/aspaudit/aspaudit/sinks/search/conn/sigv4test"
)

const (
	osdAccessKey = "AKIAASPAUDITOSD00001"
	osdSecret    = "osd/SeCrEt+aspaudit/doNotLeak0000000000"
	osdRegion    = "eu-west-3"
)

// signedFake puts fake behind what an IAM-only Amazon OpenSearch Service
// domain checks first: every request must carry a SigV4 signature that
// verifies for the test's key (service "es") over the body received, or it
// is refused with 403 before reaching Dashboards.
func signedFake(t *testing.T, fake *fakeServer) (srv *httptest.Server, refused *atomic.Int32) {
	key := sigv4test.Key{AccessKey: osdAccessKey, Secret: osdSecret, Region: osdRegion, Service: "es"}
	refused = new(atomic.Int32)
	srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, err := io.ReadAll(r.Body)
		if err == nil {
			err = sigv4test.Verify(r, body, key, time.Now())
		}
		if err == nil && r.Header.Get("X-Amz-Content-Sha256") != sigv4test.HexSHA256(body) {
			err = io.ErrUnexpectedEOF
		}
		if err != nil {
			refused.Add(1)
			http.Error(w, `{"message":"The request signature we calculated does not match the signature you provided."}`, http.StatusForbidden)
			return
		}
		r.Body = io.NopCloser(bytes.NewReader(body))
		fake.ServeHTTP(w, r)
	}))
	t.Cleanup(srv.Close)
	return srv, refused
}

// TestImportSignedWithSigV4 imports into the Dashboards of a domain that
// takes only SigV4: the upload (a multipart body) is signed, also when it
// is sent again after a 503, and a wrong secret is refused.
func TestImportSignedWithSigV4(t *testing.T) {
	sigv4test.IsolateEnv(t)
	t.Setenv("AWS_ACCESS_KEY_ID", osdAccessKey)
	t.Setenv("AWS_SECRET_ACCESS_KEY", osdSecret)
	t.Setenv("AWS_REGION", osdRegion)
	f := OpenSearchDashboards
	fake := newFake(t, f)
	fake.failures = []int{http.StatusServiceUnavailable}
	srv, refused := signedFake(t, fake)
	sign := SignWithAWS(conn.AWSConfig{SigV4: true})

	im, err := New(testConfig(srv.URL), f, nil, sign)
	if err != nil {
		t.Fatal(err)
	}
	res, err := im.Import(context.Background(), f.SavedObjects())
	if err != nil {
		t.Fatalf("signed import: %v", err)
	}
	if want := len(parsed(t, f).Objects); res.Imported != want {
		t.Errorf("imported %d of %d objects", res.Imported, want)
	}
	if reqs := fake.recorded(); len(reqs) != 2 || refused.Load() != 0 {
		t.Errorf("%d requests reached Dashboards (want the 503 and the retry), %d refused", len(reqs), refused.Load())
	}

	// Without signing, and with a wrong secret, the domain refuses.
	unsigned, err := New(testConfig(srv.URL), f, nil)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := unsigned.Import(context.Background(), f.SavedObjects()); err == nil {
		t.Error("an unsigned import was accepted")
	}
	t.Setenv("AWS_SECRET_ACCESS_KEY", "osd/WrOnG+aspaudit/0000000000000000000")
	wrong, err := New(testConfig(srv.URL), f, nil, sign)
	if err != nil {
		t.Fatal(err)
	}
	_, err = wrong.Import(context.Background(), f.SavedObjects())
	if err == nil {
		t.Error("an import signed with a wrong secret was accepted")
	} else if strings.Contains(err.Error(), "WrOnG") || strings.Contains(err.Error(), osdSecret) {
		t.Errorf("the error shows a secret: %v", err)
	}
	if refused.Load() < 2 {
		t.Errorf("%d requests refused, want the unsigned and the wrongly signed ones", refused.Load())
	}
}

func TestSigV4OptionChecks(t *testing.T) {
	sigv4test.IsolateEnv(t)
	t.Setenv("AWS_REGION", osdRegion)
	sign := SignWithAWS(conn.AWSConfig{SigV4: true})
	if _, err := New(testConfig("http://127.0.0.1:1"), Kibana, nil, sign); err == nil || !strings.Contains(err.Error(), "not Kibana") {
		t.Errorf("Kibana with sigv4: %v", err)
	}
	cfg := testConfig("http://127.0.0.1:1")
	cfg.Username, cfg.Password = "admin", "pw"
	if _, err := New(cfg, OpenSearchDashboards, nil, sign); err == nil || !strings.Contains(err.Error(), "aws.sigv4") {
		t.Errorf("sigv4 with a username: %v", err)
	}
	osd := NewDefaultOSDConfig()
	osd.URL = "http://127.0.0.1:1"
	osd.AWS.Region = osdRegion
	if err := osd.Validate(); err == nil || !strings.Contains(err.Error(), "aws.region") {
		t.Errorf("dashboards.aws.region without sigv4: %v", err)
	}
}

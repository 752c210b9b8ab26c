package sigv4test

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"
)

// TestVerifierAcceptsAWSSuite checks the verifier itself against requests
// of AWS's published SigV4 test suite (get-vanilla,
// get-vanilla-query-order-key-case, post-x-www-form-urlencoded), and that
// it refuses each of them once changed.
func TestVerifierAcceptsAWSSuite(t *testing.T) {
	key := Key{AccessKey: "AKIDEXAMPLE", Secret: "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY", Region: "us-east-1", Service: "service"}
	at := time.Date(2015, 8, 30, 12, 36, 0, 0, time.UTC)
	const cred = "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, "
	cases := []struct {
		name, method, target, body, contentType, auth string
	}{
		{"get-vanilla", "GET", "/", "", "",
			cred + "SignedHeaders=host;x-amz-date, Signature=5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31"},
		{"get-vanilla-query-order-key-case", "GET", "/?Param2=value2&Param1=value1", "", "",
			cred + "SignedHeaders=host;x-amz-date, Signature=b97d918cfa904a5beff61c982a1b6f458b799221646efd99d3219ec94cdf2500"},
		{"post-x-www-form-urlencoded", "POST", "/", "Param1=value1", "application/x-www-form-urlencoded",
			cred + "SignedHeaders=content-type;host;x-amz-date, Signature=ff11897932ad3f4e8b18135d722051e5ac45fc38421b1da7b9d196a0fe09473a"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			build := func(target, body string) *http.Request {
				r := httptest.NewRequest(tc.method, target, strings.NewReader(body))
				r.Host = "example.amazonaws.com"
				r.Header.Set("X-Amz-Date", "20150830T123600Z")
				r.Header.Set("Authorization", tc.auth)
				if tc.contentType != "" {
					r.Header.Set("Content-Type", tc.contentType)
				}
				return r
			}
			if err := Verify(build(tc.target, tc.body), []byte(tc.body), key, at); err != nil {
				t.Fatalf("the suite's request does not verify: %v", err)
			}
			if err := Verify(build(tc.target+"x", tc.body), []byte(tc.body), key, at); err == nil {
				t.Error("a changed path verified")
			}
			if err := Verify(build(tc.target, tc.body), []byte(tc.body+"x"), key, at); err == nil {
				t.Error("a changed body verified")
			}
			wrong := key
			wrong.Secret = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEZ"
			if err := Verify(build(tc.target, tc.body), []byte(tc.body), wrong, at); err == nil {
				t.Error("a wrong secret verified")
			}
			if err := Verify(build(tc.target, tc.body), []byte(tc.body), key, at.Add(6*time.Minute)); err == nil {
				t.Error("a request 6 minutes old verified")
			}
		})
	}
}

func TestURIEncode(t *testing.T) {
	for in, want := range map[string]string{
		"/idx/_doc/a%3Ab c":  "/idx/_doc/a%253Ab%20c",
		"AZaz09-_.~":         "AZaz09-_.~",
		"nodes.*.version/x+": "nodes.%2A.version/x%2B",
	} {
		if got := uriEncode(in, false); got != want {
			t.Errorf("uriEncode(%q) = %q, want %q", in, got, want)
		}
	}
	if got := uriEncode("a/b", true); got != "a%2Fb" {
		t.Errorf("uriEncode with slashes = %q", got)
	}
}

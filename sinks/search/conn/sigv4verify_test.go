package conn_test

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"sort"
	"strings"
	"testing"
	"time"
)

// This file is an AWS Signature Version 4 verifier written from AWS's
// public description of the algorithm (create a canonical request, create
// the string to sign, derive the signing key by a chain of HMACs,
// calculate the signature), independently of the SDK that signs. The
// tests' fake domain runs it on every request, as the service does.

// sigV4Key is what the verifying side knows: the key pair and the scope
// it expects.
type sigV4Key struct {
	accessKey, secret, region, service string
}

const amzDateLayout = "20060102T150405Z"

// verifySigV4 checks r's Authorization header against key: the credential
// scope, the date (within 5 minutes of now, as AWS allows), and the
// signature over the canonical request built from what was received,
// body being the received body.
func verifySigV4(r *http.Request, body []byte, key sigV4Key, now time.Time) error {
	const algorithm = "AWS4-HMAC-SHA256"
	auth, ok := strings.CutPrefix(r.Header.Get("Authorization"), algorithm+" ")
	if !ok {
		return errors.New("no AWS4-HMAC-SHA256 Authorization header")
	}
	fields := map[string]string{}
	for _, part := range strings.Split(auth, ",") {
		k, v, _ := strings.Cut(strings.TrimSpace(part), "=")
		fields[k] = v
	}
	scope := strings.Split(fields["Credential"], "/")
	if len(scope) != 5 {
		return fmt.Errorf("malformed Credential %q", fields["Credential"])
	}
	amzDate := r.Header.Get("X-Amz-Date")
	t, err := time.Parse(amzDateLayout, amzDate)
	if err != nil {
		return fmt.Errorf("X-Amz-Date %q: %v", amzDate, err)
	}
	if d := now.Sub(t); d > 5*time.Minute || d < -5*time.Minute {
		return fmt.Errorf("X-Amz-Date %s is %s away from now", amzDate, d)
	}
	switch {
	case scope[0] != key.accessKey:
		return fmt.Errorf("unknown access key %q", scope[0])
	case scope[1] != amzDate[:8]:
		return fmt.Errorf("scope date %s is not the date of X-Amz-Date %s", scope[1], amzDate)
	case scope[2] != key.region:
		return fmt.Errorf("scope region %q, want %q", scope[2], key.region)
	case scope[3] != key.service:
		return fmt.Errorf("scope service %q, want %q", scope[3], key.service)
	case scope[4] != "aws4_request":
		return fmt.Errorf("scope ends with %q", scope[4])
	}
	signed := strings.Split(fields["SignedHeaders"], ";")
	if !sort.StringsAreSorted(signed) {
		return fmt.Errorf("SignedHeaders %q are not sorted", fields["SignedHeaders"])
	}
	creq, err := canonicalRequest(r, signed, body)
	if err != nil {
		return err
	}
	credScope := strings.Join(scope[1:], "/")
	stringToSign := algorithm + "\n" + amzDate + "\n" + credScope + "\n" + hexSHA256([]byte(creq))
	want := sigV4Signature(key.secret, scope[1], key.region, key.service, stringToSign)
	if !hmac.Equal([]byte(want), []byte(fields["Signature"])) {
		return fmt.Errorf("signature does not match; canonical request:\n%s", creq)
	}
	return nil
}

// canonicalRequest is method, URI, query, headers, signed header names
// and payload hash, one a line.
func canonicalRequest(r *http.Request, signed []string, body []byte) (string, error) {
	rawPath, rawQuery, _ := strings.Cut(r.RequestURI, "?")
	if rawPath == "" {
		rawPath = "/"
	}
	query, err := canonicalQuery(rawQuery)
	if err != nil {
		return "", err
	}
	var headers strings.Builder
	for _, name := range signed {
		if name != strings.ToLower(name) {
			return "", fmt.Errorf("signed header %q is not lower case", name)
		}
		values := r.Header.Values(name)
		if name == "host" {
			values = []string{r.Host}
		}
		if len(values) == 0 {
			return "", fmt.Errorf("signed header %q was not received", name)
		}
		for i, v := range values {
			values[i] = strings.Join(strings.Fields(v), " ")
		}
		headers.WriteString(name + ":" + strings.Join(values, ",") + "\n")
	}
	// The path as received is encoded once; the canonical URI encodes
	// it again (every service but S3 signs it encoded twice).
	return strings.Join([]string{
		r.Method,
		uriEncode(rawPath, false),
		query,
		headers.String(),
		strings.Join(signed, ";"),
		hexSHA256(body),
	}, "\n"), nil
}

// canonicalQuery encodes each name and value, sorted by name then value.
func canonicalQuery(raw string) (string, error) {
	var pairs [][2]string
	for _, p := range strings.Split(raw, "&") {
		if p == "" {
			continue
		}
		k, v, _ := strings.Cut(p, "=")
		dk, err1 := url.QueryUnescape(k)
		dv, err2 := url.QueryUnescape(v)
		if err1 != nil || err2 != nil {
			return "", fmt.Errorf("bad query pair %q", p)
		}
		pairs = append(pairs, [2]string{uriEncode(dk, true), uriEncode(dv, true)})
	}
	sort.Slice(pairs, func(i, j int) bool {
		if pairs[i][0] != pairs[j][0] {
			return pairs[i][0] < pairs[j][0]
		}
		return pairs[i][1] < pairs[j][1]
	})
	out := make([]string, len(pairs))
	for i, p := range pairs {
		out[i] = p[0] + "=" + p[1]
	}
	return strings.Join(out, "&"), nil
}

// uriEncode percent-encodes every byte but the unreserved ones
// (A-Z a-z 0-9 - _ . ~), with upper-case hex; "/" too when encodeSlash.
func uriEncode(s string, encodeSlash bool) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case 'A' <= c && c <= 'Z', 'a' <= c && c <= 'z', '0' <= c && c <= '9', c == '-', c == '_', c == '.', c == '~':
			b.WriteByte(c)
		case c == '/' && !encodeSlash:
			b.WriteByte(c)
		default:
			fmt.Fprintf(&b, "%%%02X", c)
		}
	}
	return b.String()
}

// sigV4Signature derives the signing key (HMAC chain over date, region,
// service and "aws4_request", keyed first by "AWS4" + secret) and signs.
func sigV4Signature(secret, date, region, service, stringToSign string) string {
	k := hmacSHA256([]byte("AWS4"+secret), date)
	k = hmacSHA256(k, region)
	k = hmacSHA256(k, service)
	k = hmacSHA256(k, "aws4_request")
	return hex.EncodeToString(hmacSHA256(k, stringToSign))
}

func hmacSHA256(key []byte, data string) []byte {
	m := hmac.New(sha256.New, key)
	m.Write([]byte(data))
	return m.Sum(nil)
}

func hexSHA256(b []byte) string {
	s := sha256.Sum256(b)
	return hex.EncodeToString(s[:])
}

// TestVerifierAcceptsAWSSuite checks the verifier itself against requests
// of AWS's published SigV4 test suite (get-vanilla,
// get-vanilla-query-order-key-case, post-x-www-form-urlencoded), and that
// it refuses each of them once changed.
func TestVerifierAcceptsAWSSuite(t *testing.T) {
	key := sigV4Key{"AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY", "us-east-1", "service"}
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
			if err := verifySigV4(build(tc.target, tc.body), []byte(tc.body), key, at); err != nil {
				t.Fatalf("the suite's request does not verify: %v", err)
			}
			if err := verifySigV4(build(tc.target+"x", tc.body), []byte(tc.body), key, at); err == nil {
				t.Error("a changed path verified")
			}
			if err := verifySigV4(build(tc.target, tc.body), []byte(tc.body+"x"), key, at); err == nil {
				t.Error("a changed body verified")
			}
			wrong := key
			wrong.secret = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEZ"
			if err := verifySigV4(build(tc.target, tc.body), []byte(tc.body), wrong, at); err == nil {
				t.Error("a wrong secret verified")
			}
			if err := verifySigV4(build(tc.target, tc.body), []byte(tc.body), key, at.Add(6*time.Minute)); err == nil {
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

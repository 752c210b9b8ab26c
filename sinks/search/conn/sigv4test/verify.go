// Package sigv4test verifies AWS Signature Version 4 signatures, for tests
// of signing clients: a fake AWS endpoint runs Verify on every request, as
// the service does. It is written from AWS's public description of the
// algorithm (create a canonical request, create the string to sign, derive
// the signing key by a chain of HMACs, calculate the signature),
// independently of the SDK that signs, and checked against requests of
// AWS's published test suite.
package sigv4test

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"sort"
	"strings"
	"time"
)

// Key is what the verifying side knows: the key pair and the scope it
// expects.
type Key struct {
	AccessKey, Secret, Region, Service string
}

const amzDateLayout = "20060102T150405Z"

// Verify checks r's Authorization header against key: the credential
// scope, the date (within 5 minutes of now, as AWS allows), and the
// signature over the canonical request built from what was received,
// body being the received body.
func Verify(r *http.Request, body []byte, key Key, now time.Time) error {
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
		return fmt.Errorf("X-Amz-Date %q: %w", amzDate, err)
	}
	if d := now.Sub(t); d > 5*time.Minute || d < -5*time.Minute {
		return fmt.Errorf("X-Amz-Date %s is %s away from now", amzDate, d)
	}
	switch {
	case scope[0] != key.AccessKey:
		return fmt.Errorf("unknown access key %q", scope[0])
	case scope[1] != amzDate[:8]:
		return fmt.Errorf("scope date %s is not the date of X-Amz-Date %s", scope[1], amzDate)
	case scope[2] != key.Region:
		return fmt.Errorf("scope region %q, want %q", scope[2], key.Region)
	case scope[3] != key.Service:
		return fmt.Errorf("scope service %q, want %q", scope[3], key.Service)
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
	stringToSign := algorithm + "\n" + amzDate + "\n" + credScope + "\n" + HexSHA256([]byte(creq))
	want := sigV4Signature(key.Secret, scope[1], key.Region, key.Service, stringToSign)
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
		HexSHA256(body),
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

// HexSHA256 is the hex SHA-256 of b, the form of X-Amz-Content-Sha256.
func HexSHA256(b []byte) string {
	s := sha256.Sum256(b)
	return hex.EncodeToString(s[:])
}

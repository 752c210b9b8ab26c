package atlastest

import (
	"crypto/md5"
	"crypto/rand"
	"crypto/subtle"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"time"
)

const realm = "MMS Public API"

// serveToken is POST /api/oauth/token: client credentials with HTTP Basic
// client authentication (id and secret form-encoded, RFC 6749 2.3.1).
func (f *Fake) serveToken(w http.ResponseWriter, r *http.Request) {
	rec := Request{Time: time.Now(), Method: r.Method, Path: r.URL.EscapedPath(), Query: r.URL.Query(), Endpoint: "token", Auth: "basic"}
	defer func() { f.record(w, rec) }()
	id, sec, ok := r.BasicAuth()
	if !ok {
		rec.Auth, rec.Status = "", http.StatusUnauthorized
		writeOAuthError(w, rec.Status, "invalid_client", "client authentication is required")
		return
	}
	id, _ = url.QueryUnescape(id)
	sec, _ = url.QueryUnescape(sec)
	if f.cfg.ClientID == "" || !equal(id, f.cfg.ClientID) || !equal(sec, f.cfg.ClientSecret) {
		rec.Status = http.StatusUnauthorized
		writeOAuthError(w, rec.Status, "invalid_client", "invalid client credentials")
		return
	}
	rec.Authenticated = true
	if rule := f.matchRule("token", "", ""); rule != nil {
		rec.Status, rec.Fault = rule.Status, "inject"
		writeRule(w, rule)
		return
	}
	if err := r.ParseForm(); err != nil || r.PostForm.Get("grant_type") != "client_credentials" {
		rec.Status = http.StatusBadRequest
		writeOAuthError(w, rec.Status, "unsupported_grant_type", "grant_type must be client_credentials")
		return
	}
	tok := randomHex(24)
	f.mu.Lock()
	f.tokens[tok] = time.Now().Add(f.cfg.TokenTTL)
	f.mu.Unlock()
	rec.Status = http.StatusOK
	w.Header().Set("Content-Type", "application/json")
	_ = json.NewEncoder(w).Encode(map[string]any{
		"access_token": tok, "expires_in": int(f.cfg.TokenTTL / time.Second), "token_type": "Bearer",
	})
}

func writeOAuthError(w http.ResponseWriter, status int, code, desc string) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(map[string]string{"error": code, "error_description": desc})
}

// RevokeTokens makes every issued token invalid, as if they had expired.
func (f *Fake) RevokeTokens() {
	f.mu.Lock()
	defer f.mu.Unlock()
	clear(f.tokens)
}

// authenticate checks the request's credentials; when they fail it answers
// 401 (with a Digest challenge unless a token was sent) and returns false.
func (f *Fake) authenticate(w http.ResponseWriter, r *http.Request, rec *Request) bool {
	h := r.Header.Get("Authorization")
	switch {
	case strings.HasPrefix(h, "Bearer "):
		rec.Auth = "bearer"
		rec.Authenticated = f.validToken(strings.TrimPrefix(h, "Bearer "))
	case strings.HasPrefix(h, "Digest "):
		rec.Auth = "digest"
		rec.Authenticated = f.validDigest(r, strings.TrimPrefix(h, "Digest "))
	}
	if rec.Authenticated {
		return true
	}
	if rec.Auth != "bearer" {
		w.Header().Set("WWW-Authenticate", f.challenge())
	}
	rec.Status = http.StatusUnauthorized
	writeError(w, rec.Status, "UNEXPECTED_ERROR", "You are not authorized for this resource.")
	return false
}

func (f *Fake) validToken(tok string) bool {
	f.mu.Lock()
	defer f.mu.Unlock()
	exp, ok := f.tokens[tok]
	return ok && time.Now().Before(exp)
}

// challenge issues a nonce. The parameters are separated by ", " exactly,
// as Atlas does and as Digest clients parse them.
func (f *Fake) challenge() string {
	nonce := randomHex(16)
	f.mu.Lock()
	f.nonces[nonce] = true
	f.mu.Unlock()
	return fmt.Sprintf(`Digest realm="%s", domain="", nonce="%s", algorithm=MD5, qop="auth", stale=false`, realm, nonce)
}

// validDigest verifies a Digest response (RFC 7616, MD5, qop=auth).
func (f *Fake) validDigest(r *http.Request, params string) bool {
	p := parseDigest(params)
	f.mu.Lock()
	known := f.nonces[p["nonce"]]
	f.mu.Unlock()
	if f.cfg.PublicKey == "" || !known || p["username"] != f.cfg.PublicKey || p["realm"] != realm ||
		p["uri"] != r.RequestURI || p["qop"] != "auth" || (p["algorithm"] != "" && p["algorithm"] != "MD5") {
		return false
	}
	ha1 := md5hex(p["username"] + ":" + realm + ":" + f.cfg.PrivateKey)
	ha2 := md5hex(r.Method + ":" + p["uri"])
	want := md5hex(strings.Join([]string{ha1, p["nonce"], p["nc"], p["cnonce"], p["qop"], ha2}, ":"))
	return equal(p["response"], want)
}

// parseDigest splits `k=v, k="v, with comma"` into a map.
func parseDigest(s string) map[string]string {
	out := map[string]string{}
	for s = strings.TrimSpace(s); s != ""; s = strings.TrimLeft(s, " ,") {
		k, rest, ok := strings.Cut(s, "=")
		if !ok {
			break
		}
		var v string
		if strings.HasPrefix(rest, `"`) {
			end := strings.IndexByte(rest[1:], '"')
			if end < 0 {
				break
			}
			v, s = rest[1:end+1], rest[end+2:]
		} else {
			v, s, _ = strings.Cut(rest, ",")
		}
		out[strings.TrimSpace(k)] = strings.TrimSpace(v)
	}
	return out
}

func md5hex(s string) string {
	sum := md5.Sum([]byte(s))
	return hex.EncodeToString(sum[:])
}

func randomHex(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

func equal(a, b string) bool { return subtle.ConstantTimeCompare([]byte(a), []byte(b)) == 1 }

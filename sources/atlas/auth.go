package atlas

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"time"

	"github.com/mongodb-forks/digest"
	"golang.org/x/oauth2"
	"golang.org/x/oauth2/clientcredentials"

	"github.com/aspaudit/aspaudit/pipeline"
)

// renewBefore renews a service account token this long before it expires,
// so that a request never leaves with a token about to die.
const renewBefore = time.Minute

// tokenCache holds the service account's current token. Requests share it;
// one of them renews it when it nears expiry or after Atlas refused it.
type tokenCache struct {
	cfg    clientcredentials.Config
	client *http.Client // for the token endpoint, with the client's timeouts
	lock   chan struct{}
	tok    *oauth2.Token
	now    func() time.Time
	// onResponse observes the token endpoint's answers.
	onResponse func(status int)
}

func newTokenCache(base, id, sec string, client *http.Client, onResponse func(int)) *tokenCache {
	return &tokenCache{
		cfg: clientcredentials.Config{
			ClientID: id, ClientSecret: sec,
			TokenURL:  base + "/api/oauth/token",
			AuthStyle: oauth2.AuthStyleInHeader,
		},
		client:     client,
		lock:       make(chan struct{}, 1),
		now:        time.Now,
		onResponse: onResponse,
	}
}

// token returns a token valid for at least renewBefore, fetching a new one
// when needed. Concurrent callers wait for a single renewal.
func (tc *tokenCache) token(ctx context.Context) (*oauth2.Token, error) {
	select {
	case tc.lock <- struct{}{}:
	case <-ctx.Done():
		return nil, ctx.Err()
	}
	defer func() { <-tc.lock }()
	if tc.tok != nil && (tc.tok.Expiry.IsZero() || tc.now().Add(renewBefore).Before(tc.tok.Expiry)) {
		return tc.tok, nil
	}
	tok, err := tc.cfg.Token(context.WithValue(ctx, oauth2.HTTPClient, tc.client))
	if err != nil {
		return nil, tc.classify(err)
	}
	tc.tok = tok
	return tok, nil
}

// invalidate drops tok if it is still the current token, so that the next
// call to token fetches a new one.
func (tc *tokenCache) invalidate(tok *oauth2.Token) {
	tc.lock <- struct{}{}
	defer func() { <-tc.lock }()
	if tc.tok == tok {
		tc.tok = nil
	}
}

// classify sorts token endpoint failures with the package's status table;
// a refused client is permanent.
func (tc *tokenCache) classify(err error) error {
	var re *oauth2.RetrieveError
	if !errors.As(err, &re) || re.Response == nil {
		if tc.onResponse != nil {
			tc.onResponse(0)
		}
		return fmt.Errorf("getting a service account token: %w", err)
	}
	status := re.Response.StatusCode
	if tc.onResponse != nil {
		tc.onResponse(status)
	}
	e := &APIError{Call: "getting a service account token", Status: status, ErrorCode: re.ErrorCode, Detail: oneLine(re.ErrorDescription, 200)}
	if e.Detail == "" {
		e.Detail = oneLine(string(re.Body), 200)
	}
	switch verdictFor(status) {
	case permanent, renewAuth:
		e.Hint = fmt.Sprintf("Atlas refused the service account %s: check client_id and client_secret, and that the secret has not expired", tc.cfg.ClientID)
		return pipeline.Permanent(e)
	case throttled:
		e.RetryAfter = parseRetryAfter(re.Response.Header.Get("Retry-After"), time.Now())
		return pipeline.Throttle(e, e.RetryAfter)
	}
	return e
}

// bearer adds the service account's token to requests.
type bearer struct {
	tokens *tokenCache
	next   http.RoundTripper
}

func (b *bearer) RoundTrip(req *http.Request) (*http.Response, error) {
	tok, err := b.tokens.token(req.Context())
	if err != nil {
		return nil, &tokenError{err}
	}
	r := req.Clone(req.Context())
	r.Header.Set("Authorization", "Bearer "+tok.AccessToken)
	resp, err := b.next.RoundTrip(r)
	if err == nil && resp.StatusCode == http.StatusUnauthorized {
		b.tokens.invalidate(tok)
	}
	return resp, err
}

// authTransport returns the round tripper that authenticates with the
// configured kind of credential.
func authTransport(c Config, base http.RoundTripper, onToken func(int)) http.RoundTripper {
	if c.CredentialKind() == APIKey {
		return digest.NewTransportWithHTTPRoundTripper(c.PublicKey, c.PrivateKey.Value(), base)
	}
	tc := newTokenCache(c.BaseURL, c.ClientID, c.ClientSecret.Value(), &http.Client{Transport: base}, onToken)
	return &bearer{tokens: tc, next: base}
}

// tokenError marks a failure to get a token, so that the API request that
// needed it, never sent, is not counted as one.
type tokenError struct{ err error }

func (e *tokenError) Error() string { return e.err.Error() }
func (e *tokenError) Unwrap() error { return e.err }

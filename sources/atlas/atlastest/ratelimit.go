package atlastest

import (
	"fmt"
	"net/http"
	"strconv"
	"time"
)

// RateLimit is the token bucket Atlas keeps per project for the Streams
// endpoint set: the workspace list and the audit-log download draw from the
// same bucket. The zero value turns it off, as does any field that is not
// positive.
//
// A bucket starts full when its project is first asked for, and from then
// on receives Refill tokens (never beyond Capacity) every Every, in steps,
// as Atlas documents it ("refilled by 500 every 60 s"), not continuously:
// an empty bucket stays empty until the next step. Every authenticated
// request naming a well-formed project id takes one token, whatever its
// answer (a 404 for an unknown workspace costs a token too); requests
// refused by authentication (401, Digest challenge legs included) and the
// token endpoint take none, nor do the 429s of an empty bucket. Scripted
// rules and random faults apply only to requests that got a token.
//
// Answers that took a token carry RateLimit-Limit (Capacity) and
// RateLimit-Remaining; the 429 of an empty bucket adds Retry-After, the
// whole seconds until the next step rounded up (at least 1), so that a
// client waiting as told finds tokens, and Atlas's detail text and
// parameters ("Rate limit exceeded for api/atlas/v2/groups/{id}/streams.
// Please retry after 55 seconds. Request capacity: 1200. Refill rate: 500
// per 60 seconds.").
type RateLimit struct {
	Capacity int           // tokens in a full bucket
	Refill   int           // tokens added at each step
	Every    time.Duration // time between steps
	// NoHeaders leaves out Retry-After and the RateLimit-Limit and
	// RateLimit-Remaining headers, which Atlas does not always send.
	NoHeaders bool
	// Code is the errorCode of the 429; empty means
	// RATE_LIMITED_TOKEN_BUCKET (older Atlas answered RATE_LIMITED).
	Code string
	// Now is the bucket's clock; nil means time.Now. Tests that do not
	// talk to a real client may step it by hand.
	Now func() time.Time
}

// AtlasRateLimit returns the Streams limit Atlas documents: 1200 tokens per
// project, refilled by 500 every 60 seconds.
func AtlasRateLimit() RateLimit {
	return RateLimit{Capacity: 1200, Refill: 500, Every: time.Minute}
}

func (rl RateLimit) enabled() bool {
	return rl.Capacity > 0 && rl.Refill > 0 && rl.Every > 0
}

func (rl RateLimit) now() time.Time {
	if rl.Now != nil {
		return rl.Now()
	}
	return time.Now()
}

// bucket is one project's token bucket.
type bucket struct {
	tokens int
	next   time.Time // the next refill step
}

// refill adds the steps that passed by now.
func (rl RateLimit) refill(b *bucket, now time.Time) {
	if now.Before(b.next) {
		return
	}
	steps := int64(now.Sub(b.next)/rl.Every) + 1
	b.next = b.next.Add(time.Duration(steps) * rl.Every)
	if space := rl.Capacity - b.tokens; steps > int64(space/rl.Refill) {
		b.tokens = rl.Capacity
	} else {
		b.tokens += int(steps) * rl.Refill
	}
}

// bucketLocked returns the project's bucket, refilled up to now. The
// caller holds f.mu.
func (f *Fake) bucketLocked(project string, now time.Time) *bucket {
	rl := f.cfg.RateLimit
	b, ok := f.buckets[project]
	if !ok {
		b = &bucket{tokens: rl.Capacity, next: now.Add(rl.Every)}
		f.buckets[project] = b
		return b
	}
	rl.refill(b, now)
	return b
}

// take removes up to n tokens from the project's bucket and returns how
// many it removed, the tokens left and the time until the next refill.
func (f *Fake) take(project string, n int) (taken, left int, wait time.Duration) {
	f.mu.Lock()
	defer f.mu.Unlock()
	now := f.cfg.RateLimit.now()
	b := f.bucketLocked(project, now)
	taken = min(max(n, 0), b.tokens)
	b.tokens -= taken
	return taken, b.tokens, b.next.Sub(now)
}

// TakeTokens removes up to n tokens from the project's bucket, as another
// client of the project would, and returns how many it removed: fewer than
// n when the bucket held fewer, 0 when the rate limit is off. A project not
// asked for yet starts with a full bucket. Safe for concurrent use; it does
// not block.
func (f *Fake) TakeTokens(project string, n int) int {
	if !f.cfg.RateLimit.enabled() {
		return 0
	}
	taken, _, _ := f.take(project, n)
	return taken
}

// admit takes a token for an authenticated Streams request. When none is
// left it answers 429 and returns false. Answers that took a token carry
// RateLimit-Limit and RateLimit-Remaining, as Atlas's answers do.
func (f *Fake) admit(w http.ResponseWriter, rec *Request) bool {
	rl := f.cfg.RateLimit
	if !rl.enabled() || !groupID.MatchString(rec.Project) {
		return true
	}
	taken, left, wait := f.take(rec.Project, 1)
	if !rl.NoHeaders {
		w.Header().Set("RateLimit-Limit", strconv.Itoa(rl.Capacity))
		w.Header().Set("RateLimit-Remaining", strconv.Itoa(left))
	}
	if taken == 1 {
		return true
	}
	secs := retryAfterSeconds(wait)
	if !rl.NoHeaders {
		w.Header().Set("Retry-After", strconv.FormatInt(secs, 10))
	}
	code := rl.Code
	if code == "" {
		code = "RATE_LIMITED_TOKEN_BUCKET"
	}
	set := "api/atlas/v2/groups/" + rec.Project + "/streams"
	every := strconv.FormatFloat(rl.Every.Seconds(), 'f', -1, 64)
	rec.Status, rec.Fault = http.StatusTooManyRequests, "rate-limit"
	writeErrorParams(w, rec.Status, code,
		fmt.Sprintf("Rate limit exceeded for %s. Please retry after %d seconds. Request capacity: %d. Refill rate: %d per %s seconds.", set, secs, rl.Capacity, rl.Refill, every),
		[]any{set, secs, rl.Capacity, rl.Refill, rl.Every.Seconds()})
	return false
}

// retryAfterSeconds rounds the wait for the next refill up to whole
// seconds, at least one, so that a client waiting as told finds the bucket
// refilled.
func retryAfterSeconds(wait time.Duration) int64 {
	return max(1, int64((wait+time.Second-1)/time.Second))
}

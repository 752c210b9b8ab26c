package atlas

import (
	"errors"
	"fmt"
	"time"
)

// Bucket is Atlas's rate limit for the Streams endpoints of one project, as
// documented: a token bucket of Capacity requests that receives Refill more
// every Every, in steps. Every Streams call of the project (listing
// workspaces, downloading logs, and whatever other clients of the project
// do) takes a token. Atlas for Government or a future change of the limit
// only needs other values here.
type Bucket struct {
	Capacity int           `koanf:"capacity"`
	Refill   int           `koanf:"refill"`
	Every    time.Duration `koanf:"every"`
	// Share is the part of the refill rate this client aims at, between 0
	// and 1; lower it to leave room for other clients of the projects.
	Share float64 `koanf:"share"`
}

// DocumentedBucket returns the documented Streams limit: 1200 requests per
// project, refilled by 500 every 60 seconds, all of it for this client.
func DocumentedBucket() Bucket {
	return Bucket{Capacity: 1200, Refill: 500, Every: time.Minute, Share: 1}
}

// Rate is the sustained requests per second the client aims at: the refill
// rate times Share, less a 2 % margin for clocks and network delays.
func (b Bucket) Rate() float64 {
	return float64(b.Refill) / b.Every.Seconds() * b.Share * 0.98
}

// start is the number of requests the client may send at once to a project
// it has not talked to yet (or after a quiet spell): a full bucket less one
// refill step. Atlas refills in steps while the client paces continuously;
// staying one step behind keeps the client's count below Atlas's at every
// moment, so a client alone on a project is never answered 429.
func (b Bucket) start() float64 {
	return max(1, float64(b.Capacity-b.Refill)*b.Share)
}

func (b Bucket) validate() error {
	var errs []error
	if b.Capacity < 1 {
		errs = append(errs, errors.New("bucket.capacity: must be at least 1"))
	}
	if b.Refill < 1 {
		errs = append(errs, errors.New("bucket.refill: must be at least 1"))
	}
	if b.Refill > b.Capacity && b.Capacity >= 1 {
		errs = append(errs, fmt.Errorf("bucket.refill: %d is more than the capacity %d", b.Refill, b.Capacity))
	}
	if b.Every < time.Second {
		errs = append(errs, errors.New("bucket.every: must be at least 1s"))
	}
	if b.Share <= 0 || b.Share > 1 {
		errs = append(errs, errors.New("bucket.share: must be greater than 0 and at most 1"))
	}
	return errors.Join(errs...)
}

// Estimate returns how long requests more to one project take at the
// bucket's pace, counting the requests the client may send at once when
// it starts. It ignores the time each request takes and the concurrency
// bound, so it is a lower bound.
func (b Bucket) Estimate(requests int) time.Duration {
	left := float64(requests) - b.start()
	if left <= 0 {
		return 0
	}
	return time.Duration(left / b.Rate() * float64(time.Second))
}

package pipeline

import (
	"context"
	"errors"
	"time"
)

// LeaseStore keeps the leases by which several `run` replicas share the
// projects: one lease per project, naming the replica that follows it and
// until when, and one record of the replicas alive. Every write is
// conditional on the version read (compare and swap): a write against a
// version that changed meanwhile fails with ErrLeaseConflict and changes
// nothing, so two replicas never both win the same lease. Reads see every
// acknowledged write (real time). The store keeps no clock of its own:
// times are the callers'. Implementations are safe for concurrent use.
type LeaseStore interface {
	// Lease reads the lease of project; one never written has an empty
	// Version.
	Lease(ctx context.Context, project string) (Lease, error)
	// WriteLease stores l if the stored lease still has l.Version (an
	// empty Version: if none is stored yet) and returns it with its new
	// Version; otherwise it returns ErrLeaseConflict.
	WriteLease(ctx context.Context, l Lease) (Lease, error)
	// Members reads the replicas' record (empty Version: none yet).
	Members(ctx context.Context) (Members, error)
	// WriteMembers stores m if the stored record still has m.Version,
	// like WriteLease.
	WriteMembers(ctx context.Context, m Members) (Members, error)
}

// Lease is one project's lease as stored.
type Lease struct {
	Project string
	// Holder is the replica id following the project; empty once
	// released.
	Holder string
	// Expires is when others may take the lease (the holder's wall clock
	// at its last renewal plus the lease TTL).
	Expires time.Time
	// Renewed is when the holder last wrote it.
	Renewed time.Time
	// Version identifies the stored write, opaque to callers; empty when
	// none is stored.
	Version string
}

// Members records which replicas are alive: each one's id and until when
// it counts as alive (renewed with its leases).
type Members struct {
	Expires map[string]time.Time
	Version string
}

// ErrLeaseConflict is a conditional write that lost: another replica
// wrote the lease (or the members' record) since it was read.
var ErrLeaseConflict = errors.New("changed since it was read (another replica wrote it)")

package pipelinetest

import (
	"context"
	"fmt"
	"maps"
	"strconv"
	"sync"
	"sync/atomic"

	"github.com/aspaudit/aspaudit/pipeline"
)

var _ pipeline.LeaseStore = (*Leases)(nil)

// Leases is an in-memory LeaseStore with the compare-and-swap semantics of
// the real one: every write names the version it read, a write against a
// changed version fails with pipeline.ErrLeaseConflict. Like the real
// store it has no clock. The zero value is ready and safe for concurrent
// use; Reads counts the reads, Writes the writes that succeeded.
type Leases struct {
	mu      sync.Mutex
	leases  map[string]pipeline.Lease
	members pipeline.Members
	seq     int64

	Reads  atomic.Int64
	Writes atomic.Int64
}

// Lease returns the stored lease of project.
func (s *Leases) Lease(ctx context.Context, project string) (pipeline.Lease, error) {
	if err := ctx.Err(); err != nil {
		return pipeline.Lease{}, fmt.Errorf("reading the lease of %s: %w", project, err)
	}
	s.Reads.Add(1)
	s.mu.Lock()
	defer s.mu.Unlock()
	l, ok := s.leases[project]
	if !ok {
		return pipeline.Lease{Project: project}, nil
	}
	return l, nil
}

// WriteLease stores l if the stored version is l.Version.
func (s *Leases) WriteLease(ctx context.Context, l pipeline.Lease) (pipeline.Lease, error) {
	if err := ctx.Err(); err != nil {
		return pipeline.Lease{}, fmt.Errorf("writing the lease of %s: %w", l.Project, err)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.leases[l.Project].Version != l.Version {
		return pipeline.Lease{}, fmt.Errorf("writing the lease of %s: %w", l.Project, pipeline.ErrLeaseConflict)
	}
	l.Version = s.nextVersion()
	if s.leases == nil {
		s.leases = map[string]pipeline.Lease{}
	}
	s.leases[l.Project] = l
	s.Writes.Add(1)
	return l, nil
}

// Members returns the stored members' record.
func (s *Leases) Members(ctx context.Context) (pipeline.Members, error) {
	if err := ctx.Err(); err != nil {
		return pipeline.Members{}, fmt.Errorf("reading the replicas: %w", err)
	}
	s.Reads.Add(1)
	s.mu.Lock()
	defer s.mu.Unlock()
	m := s.members
	m.Expires = maps.Clone(m.Expires)
	return m, nil
}

// WriteMembers stores m if the stored version is m.Version.
func (s *Leases) WriteMembers(ctx context.Context, m pipeline.Members) (pipeline.Members, error) {
	if err := ctx.Err(); err != nil {
		return pipeline.Members{}, fmt.Errorf("writing the replicas: %w", err)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.members.Version != m.Version {
		return pipeline.Members{}, fmt.Errorf("writing the replicas: %w", pipeline.ErrLeaseConflict)
	}
	m.Expires = maps.Clone(m.Expires)
	m.Version = s.nextVersion()
	s.members = m
	s.Writes.Add(1)
	return m, nil
}

// Holders returns each leased project's holder (empty when released).
func (s *Leases) Holders() map[string]string {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := map[string]string{}
	for p, l := range s.leases {
		out[p] = l.Holder
	}
	return out
}

func (s *Leases) nextVersion() string {
	s.seq++
	return strconv.FormatInt(s.seq, 10)
}

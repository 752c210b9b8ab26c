package state

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/elastic/go-elasticsearch/v8/esapi"

	"github.com/aspaudit/aspaudit/pipeline"
)

// LeaseStore keeps the leases of `run` replicas in the state index: one
// document per project (id "lease-" and a hash of the project id) and one
// document listing the replicas alive (id "members"). Writes are
// conditional on the version read (if_seq_no and if_primary_term, or
// op_type=create for a document not written yet); reads by id are
// real-time. It is safe for concurrent use.
type LeaseStore struct {
	tp    esapi.Transport
	index indexCreator
	// mapped: the lease fields were added to the index's mapping by this
	// process (an index created before leases lacks them).
	mu     sync.Mutex
	mapped bool
}

var _ pipeline.LeaseStore = (*LeaseStore)(nil)

// membersID is the id of the replicas' record.
const membersID = "members"

// leaseMapping is what leases add to the state index's mapping.
var leaseMapping = map[string]any{
	"lease": map[string]any{"properties": map[string]any{
		"project_id": map[string]any{"type": "keyword"},
		"holder":     map[string]any{"type": "keyword"},
		"expires":    map[string]any{"type": "date"},
		"renewed":    map[string]any{"type": "date"},
	}},
	// replica id -> expiry, read back by id only.
	"members": map[string]any{"type": "object", "enabled": false},
}

// NewLeaseStore returns the store in cfg.StateIndex, reached through tp
// (a *conn.Client). It does not contact the cluster: EnsureIndex does.
func NewLeaseStore(tp esapi.Transport, cfg Config) (*LeaseStore, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	return &LeaseStore{tp: tp, index: indexCreator{name: cfg.StateIndex, body: indexBody(stateMapping, true)}}, nil
}

// EnsureIndex creates the state index unless it exists, and adds the
// lease fields to its mapping (an index created by an older version lacks
// them; adding fields is idempotent). It needs the privilege to update
// the index's mapping (indices:admin/mapping/put, or "index" on
// Elasticsearch).
func (s *LeaseStore) EnsureIndex(ctx context.Context) error {
	if err := s.index.ensure(ctx, s.tp); err != nil {
		return err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.mapped {
		return nil
	}
	path := "/" + url.PathEscape(s.index.name) + "/_mapping"
	a, err := call(ctx, s.tp, http.MethodPut, path, nil, map[string]any{"properties": leaseMapping})
	if err == nil {
		err = a.Err()
	}
	if err != nil {
		return fmt.Errorf("adding the lease fields to the mapping of %s: %w", s.index.name, err)
	}
	s.mapped = true
	return nil
}

// leaseID names a project's lease document.
func leaseID(project string) string {
	sum := sha256.Sum256([]byte(project))
	return "lease-" + hex.EncodeToString(sum[:16])
}

// leaseDoc is a lease as stored.
type leaseDoc struct {
	Lease struct {
		ProjectID string    `json:"project_id"`
		Holder    string    `json:"holder"`
		Expires   time.Time `json:"expires"`
		Renewed   time.Time `json:"renewed"`
	} `json:"lease"`
}

// membersDoc is the replicas' record as stored.
type membersDoc struct {
	Members struct {
		Replicas map[string]time.Time `json:"replicas"`
	} `json:"members"`
}

// Lease reads the lease of project (an empty Version when none is stored).
func (s *LeaseStore) Lease(ctx context.Context, project string) (pipeline.Lease, error) {
	var d leaseDoc
	version, err := s.get(ctx, leaseID(project), &d)
	if err != nil {
		return pipeline.Lease{}, fmt.Errorf("reading the lease of %s: %w", project, err)
	}
	if version != "" && d.Lease.ProjectID != project {
		return pipeline.Lease{}, pipeline.Permanent(fmt.Errorf("reading the lease of %s: document %s belongs to %s", project, leaseID(project), d.Lease.ProjectID))
	}
	return pipeline.Lease{Project: project, Holder: d.Lease.Holder, Expires: d.Lease.Expires, Renewed: d.Lease.Renewed, Version: version}, nil
}

// WriteLease stores l if the stored version is still l.Version.
func (s *LeaseStore) WriteLease(ctx context.Context, l pipeline.Lease) (pipeline.Lease, error) {
	var d leaseDoc
	d.Lease.ProjectID, d.Lease.Holder = l.Project, l.Holder
	d.Lease.Expires, d.Lease.Renewed = l.Expires.UTC(), l.Renewed.UTC()
	version, err := s.put(ctx, leaseID(l.Project), l.Version, d)
	if err != nil {
		return pipeline.Lease{}, fmt.Errorf("writing the lease of %s: %w", l.Project, err)
	}
	l.Version = version
	return l, nil
}

// Members reads the replicas' record.
func (s *LeaseStore) Members(ctx context.Context) (pipeline.Members, error) {
	var d membersDoc
	version, err := s.get(ctx, membersID, &d)
	if err != nil {
		return pipeline.Members{}, fmt.Errorf("reading the replicas alive: %w", err)
	}
	return pipeline.Members{Expires: d.Members.Replicas, Version: version}, nil
}

// WriteMembers stores m if the stored version is still m.Version.
func (s *LeaseStore) WriteMembers(ctx context.Context, m pipeline.Members) (pipeline.Members, error) {
	var d membersDoc
	d.Members.Replicas = map[string]time.Time{}
	for id, t := range m.Expires {
		d.Members.Replicas[id] = t.UTC()
	}
	version, err := s.put(ctx, membersID, m.Version, d)
	if err != nil {
		return pipeline.Members{}, fmt.Errorf("recording the replicas alive: %w", err)
	}
	m.Version = version
	return m, nil
}

// get reads document id into v and returns its version ("" when neither
// it nor the index exists).
func (s *LeaseStore) get(ctx context.Context, id string, v any) (string, error) {
	a, err := call(ctx, s.tp, http.MethodGet, "/"+url.PathEscape(s.index.name)+"/_doc/"+id, nil, nil)
	if err != nil {
		return "", err
	}
	if a.Status == http.StatusNotFound {
		return "", nil
	}
	if err := a.Err(); err != nil {
		return "", err
	}
	var got struct {
		SeqNo       int64           `json:"_seq_no"`
		PrimaryTerm int64           `json:"_primary_term"`
		Source      json.RawMessage `json:"_source"`
	}
	if err := json.Unmarshal(a.Body, &got); err != nil {
		return "", fmt.Errorf("decoding: %w", err)
	}
	if err := json.Unmarshal(got.Source, v); err != nil {
		return "", fmt.Errorf("decoding %s: %w", id, err)
	}
	return formatVersion(got.SeqNo, got.PrimaryTerm), nil
}

// put writes doc as id if its version is still version (create when
// empty) and returns the new version; a lost race is
// pipeline.ErrLeaseConflict.
func (s *LeaseStore) put(ctx context.Context, id, version string, doc any) (string, error) {
	if err := s.EnsureIndex(ctx); err != nil {
		return "", err
	}
	q := url.Values{"op_type": {"create"}}
	if version != "" {
		seq, term, err := parseVersion(version)
		if err != nil {
			return "", err
		}
		q = url.Values{"if_seq_no": {strconv.FormatInt(seq, 10)}, "if_primary_term": {strconv.FormatInt(term, 10)}}
	}
	a, err := call(ctx, s.tp, http.MethodPut, "/"+url.PathEscape(s.index.name)+"/_doc/"+id, q, doc)
	if err != nil {
		return "", err
	}
	if a.Status == http.StatusConflict {
		return "", pipeline.ErrLeaseConflict
	}
	if err := a.Err(); err != nil {
		return "", err
	}
	var got struct {
		SeqNo       int64 `json:"_seq_no"`
		PrimaryTerm int64 `json:"_primary_term"`
	}
	if err := json.Unmarshal(a.Body, &got); err != nil {
		return "", fmt.Errorf("decoding the answer: %w", err)
	}
	return formatVersion(got.SeqNo, got.PrimaryTerm), nil
}

func formatVersion(seq, term int64) string {
	return strconv.FormatInt(seq, 10) + ":" + strconv.FormatInt(term, 10)
}

func parseVersion(v string) (seq, term int64, err error) {
	a, b, ok := strings.Cut(v, ":")
	if ok {
		seq, err = strconv.ParseInt(a, 10, 64)
		if err == nil {
			term, err = strconv.ParseInt(b, 10, 64)
		}
	}
	if !ok || err != nil {
		return 0, 0, fmt.Errorf("version %q is not seq_no:primary_term", v)
	}
	return seq, term, nil
}

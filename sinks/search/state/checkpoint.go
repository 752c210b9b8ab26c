package state

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"strconv"
	"time"

	"github.com/elastic/go-elasticsearch/v8/esapi"

	"github.com/aspaudit/aspaudit/pipeline"
	"github.com/aspaudit/aspaudit/pipeline/retry"
)

// CheckpointStore records coverage in the state index, one document per
// series. It is safe for concurrent use, also by several processes on the
// same index: writes are conditional on the version read, and retried
// after a conflict.
type CheckpointStore struct {
	tp     esapi.Transport
	index  indexCreator
	policy retry.Policy
	log    *slog.Logger
	now    func() time.Time
}

var _ pipeline.CheckpointStore = (*CheckpointStore)(nil)

// NewCheckpointStore returns a store in cfg.StateIndex, reached through
// tp (a *conn.Client). It does not contact the cluster: the index is
// created on the first MarkStored, or by EnsureIndex. log may be nil.
func NewCheckpointStore(tp esapi.Transport, cfg Config, log *slog.Logger) (*CheckpointStore, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	return &CheckpointStore{
		tp:     tp,
		index:  indexCreator{name: cfg.StateIndex, body: indexBody(stateMapping, true)},
		policy: conflictPolicy,
		log:    log,
		now:    time.Now,
	}, nil
}

// conflictPolicy retries conflicts and transient failures quickly: a
// conflict only means another writer was faster.
var conflictPolicy = retry.Policy{Initial: 20 * time.Millisecond, Max: time.Second, Multiplier: 2, Budget: time.Minute}

// EnsureIndex creates the state index with its mapping unless it exists.
func (s *CheckpointStore) EnsureIndex(ctx context.Context) error {
	return s.index.ensure(ctx, s.tp)
}

// Index returns the state index's name.
func (s *CheckpointStore) Index() string { return s.index.name }

// seriesDoc is the stored form of one series' coverage.
type seriesDoc struct {
	Series struct {
		ProjectID string `json:"project_id"`
		Workspace string `json:"workspace"`
		Processor string `json:"processor,omitempty"`
	} `json:"series"`
	Ranges       []pipeline.Range `json:"ranges"`
	CoveredUntil *time.Time       `json:"covered_until,omitempty"`
	Updated      time.Time        `json:"updated"`
}

// versionedCoverage is a series document as read, with the version to
// write against.
type versionedCoverage struct {
	found       bool
	seqNo       int64
	primaryTerm int64
	coverage    pipeline.Coverage
}

// docID names a series' document: a hash, so any workspace or processor
// name makes a valid id. Fields are separated by a byte names cannot hold.
// The audit log's series hash no log type, so documents written before log
// types existed keep their ids; the document itself does not name the log
// type (the state index's mapping is strict, and indices created before
// log types existed would refuse the field), the id alone tells them apart.
func docID(s pipeline.Series) string {
	key := s.ProjectID + "\x00" + s.Workspace + "\x00" + s.Processor
	if s.LogType != pipeline.AuditLog {
		key += "\x00" + string(s.LogType)
	}
	sum := sha256.Sum256([]byte(key))
	return hex.EncodeToString(sum[:16])
}

// Coverage returns what is recorded for series (empty when nothing is).
// The read is real-time: it sees every acknowledged MarkStored.
func (s *CheckpointStore) Coverage(ctx context.Context, series pipeline.Series) (pipeline.Coverage, error) {
	st, err := s.read(ctx, series)
	if err != nil {
		return nil, err
	}
	return st.coverage, nil
}

// MarkStored adds r to the coverage of series. It returns once the merged
// coverage is durably written, or is already covered. Conflicting writers
// are retried for up to a minute, a full or write-blocked state index not at
// all; errors are classified for pipeline/retry.
func (s *CheckpointStore) MarkStored(ctx context.Context, series pipeline.Series, r pipeline.Range) error {
	if r.Empty() {
		return nil
	}
	if err := s.EnsureIndex(ctx); err != nil {
		return err
	}
	var awaits error
	err := s.policy.Do(ctx, func(ctx context.Context) error {
		err := s.markOnce(ctx, series, r)
		if pipeline.AwaitsOperator(err) {
			// A full cluster or a write block: not retried here, the
			// window layer decides (pipeline/retry).
			awaits = err
			return nil
		}
		return err
	}, func(attempt int, err error, wait time.Duration) {
		s.log.Debug("checkpoint write retried", "series", series.String(), "attempt", attempt, "error", err)
	})
	if err == nil {
		err = awaits
	}
	if err != nil {
		return fmt.Errorf("recording %s %s/%s in %s: %w", series, r.Start.UTC().Format(time.RFC3339), r.End.UTC().Format(time.RFC3339), s.index.name, err)
	}
	return nil
}

// errConflict is a write that lost against another writer.
var errConflict = errors.New("another writer updated the checkpoint first")

// markOnce reads, merges and writes conditionally once.
func (s *CheckpointStore) markOnce(ctx context.Context, series pipeline.Series, r pipeline.Range) error {
	st, err := s.read(ctx, series)
	if err != nil {
		return err
	}
	if st.coverage.Covers(r) {
		return nil
	}
	doc := s.newDoc(series, st.coverage.Add(r))
	path := "/" + url.PathEscape(s.index.name) + "/_doc/" + docID(series)
	q := url.Values{"op_type": {"create"}}
	if st.found {
		q = url.Values{
			"if_seq_no":       {strconv.FormatInt(st.seqNo, 10)},
			"if_primary_term": {strconv.FormatInt(st.primaryTerm, 10)},
		}
	}
	a, err := call(ctx, s.tp, http.MethodPut, path, q, doc)
	if err != nil {
		return err
	}
	if a.Status == http.StatusConflict {
		return errConflict
	}
	return a.Err()
}

func (s *CheckpointStore) newDoc(series pipeline.Series, c pipeline.Coverage) seriesDoc {
	var d seriesDoc
	d.Series.ProjectID, d.Series.Workspace, d.Series.Processor = series.ProjectID, series.Workspace, series.Processor
	d.Ranges = c
	if last := c.Last(); !last.IsZero() {
		d.CoveredUntil = &last
	}
	d.Updated = s.now().UTC()
	return d
}

// read fetches a series' document; a missing document or index is empty
// coverage.
func (s *CheckpointStore) read(ctx context.Context, series pipeline.Series) (versionedCoverage, error) {
	path := "/" + url.PathEscape(s.index.name) + "/_doc/" + docID(series)
	a, err := call(ctx, s.tp, http.MethodGet, path, nil, nil)
	if err != nil {
		return versionedCoverage{}, fmt.Errorf("reading the checkpoint of %s: %w", series, err)
	}
	if a.Status == http.StatusNotFound {
		return versionedCoverage{}, nil
	}
	if err := a.Err(); err != nil {
		return versionedCoverage{}, fmt.Errorf("reading the checkpoint of %s: %w", series, err)
	}
	var got struct {
		Found       bool      `json:"found"`
		SeqNo       int64     `json:"_seq_no"`
		PrimaryTerm int64     `json:"_primary_term"`
		Source      seriesDoc `json:"_source"`
	}
	if err := json.Unmarshal(a.Body, &got); err != nil {
		return versionedCoverage{}, fmt.Errorf("reading the checkpoint of %s: decoding: %w", series, err)
	}
	if src := got.Source.Series; src.ProjectID != series.ProjectID || src.Workspace != series.Workspace || src.Processor != series.Processor {
		return versionedCoverage{}, pipeline.Permanent(fmt.Errorf("reading the checkpoint of %s: document %s belongs to %s/%s/%s", series, docID(series), src.ProjectID, src.Workspace, src.Processor))
	}
	return versionedCoverage{found: true, seqNo: got.SeqNo, primaryTerm: got.PrimaryTerm, coverage: pipeline.Normalize(got.Source.Ranges)}, nil
}

// Close does nothing: the store holds no resource of its own (the sink's
// client is the sink's to close).
func (s *CheckpointStore) Close(context.Context) error { return nil }

package file

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"

	"github.com/aspaudit/aspaudit/pipeline"
)

var _ pipeline.CheckpointStore = (*CheckpointStore)(nil)

const (
	stateDir      = "state"
	coverageFile  = "coverage.json"
	coverageLock  = "coverage.lock"
	stateVersion  = 1
	corruptAdvice = "move it aside to start again with no coverage (windows are then fetched again; event ids keep them from being stored twice), or restore it from a backup"
)

// CheckpointStore keeps coverage in <path>/state/coverage.json. Every
// MarkStored reads the file, merges and replaces it atomically (temp file,
// fsync, rename; mode 0600) under an exclusive lock on
// state/coverage.lock, so processes sharing the directory never lose
// each other's ranges. Coverage reads without the lock: a rename is
// atomic. It is safe for concurrent use.
type CheckpointStore struct {
	dir string
	mu  sync.Mutex // one read-merge-write at a time within the process
}

// NewCheckpointStore opens the state under the data directory path,
// creating the directory when missing.
func NewCheckpointStore(path string) (*CheckpointStore, error) {
	dir := filepath.Join(path, stateDir)
	if err := os.MkdirAll(dir, dirMode); err != nil {
		return nil, fmt.Errorf("creating checkpoint directory: %w", err)
	}
	return &CheckpointStore{dir: dir}, nil
}

// File returns the path of the state file.
func (c *CheckpointStore) File() string { return filepath.Join(c.dir, coverageFile) }

// Coverage returns the coverage recorded for s. A state file that does not
// parse is a permanent error naming the file and what to do about it.
func (c *CheckpointStore) Coverage(ctx context.Context, s pipeline.Series) (pipeline.Coverage, error) {
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("reading coverage of %s: %w", s, err)
	}
	st, err := c.read()
	if err != nil {
		return nil, err
	}
	return st.find(s), nil
}

// MarkStored adds r to the coverage of s. An empty r changes nothing.
func (c *CheckpointStore) MarkStored(ctx context.Context, s pipeline.Series, r pipeline.Range) error {
	if r.Empty() {
		return nil
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	lf, err := os.OpenFile(filepath.Join(c.dir, coverageLock), os.O_RDWR|os.O_CREATE, 0o600)
	if err != nil {
		return fmt.Errorf("opening checkpoint lock: %w", err)
	}
	defer lf.Close() // releases the lock too
	if err := flock(ctx, lf, lockExclusive); err != nil {
		return fmt.Errorf("recording coverage of %s: %w", s, err)
	}
	st, err := c.read()
	if err != nil {
		return err
	}
	st.add(s, r)
	err = writeAtomic(c.dir, coverageFile, true, func(w io.Writer) error {
		enc := json.NewEncoder(w)
		enc.SetIndent("", "  ")
		return enc.Encode(st)
	})
	if err != nil {
		return diskFull(c.dir, fmt.Errorf("recording coverage of %s: %w", s, err))
	}
	return nil
}

// state is the content of coverage.json.
type state struct {
	Version int           `json:"version"`
	Series  []seriesState `json:"series"`
}

type seriesState struct {
	ProjectID string `json:"project_id"`
	Workspace string `json:"workspace"`
	Processor string `json:"processor,omitempty"`
	// LogType is empty for the audit log, so files written before log
	// types existed read as the audit log's coverage.
	LogType string           `json:"log_type,omitempty"`
	Covered []pipeline.Range `json:"covered"`
}

func (c *CheckpointStore) read() (*state, error) {
	path := c.File()
	b, err := os.ReadFile(path)
	if errors.Is(err, os.ErrNotExist) {
		return &state{Version: stateVersion}, nil
	}
	if err != nil {
		return nil, fmt.Errorf("reading checkpoint state %s: %w", path, err)
	}
	var st state
	if err := json.Unmarshal(b, &st); err != nil {
		return nil, pipeline.Permanent(fmt.Errorf("checkpoint state %s is corrupt (%w): %s", path, err, corruptAdvice))
	}
	if st.Version != stateVersion {
		return nil, pipeline.Permanent(fmt.Errorf("checkpoint state %s has version %d; this aspaudit reads version %d (was it written by a newer aspaudit?)", path, st.Version, stateVersion))
	}
	return &st, nil
}

func sameSeries(x seriesState, s pipeline.Series) bool {
	return x.ProjectID == s.ProjectID && x.Workspace == s.Workspace && x.Processor == s.Processor && x.LogType == string(s.LogType)
}

func (st *state) find(s pipeline.Series) pipeline.Coverage {
	for _, x := range st.Series {
		if sameSeries(x, s) {
			return pipeline.Normalize(x.Covered)
		}
	}
	return nil
}

// add merges r into the coverage of s, keeping series sorted for stable
// files.
func (st *state) add(s pipeline.Series, r pipeline.Range) {
	r = pipeline.Range{Start: r.Start.UTC(), End: r.End.UTC()}
	for i, x := range st.Series {
		if sameSeries(x, s) {
			st.Series[i].Covered = pipeline.Normalize(x.Covered).Add(r)
			return
		}
	}
	st.Series = append(st.Series, seriesState{ProjectID: s.ProjectID, Workspace: s.Workspace, Processor: s.Processor, LogType: string(s.LogType), Covered: []pipeline.Range{r}})
	slices.SortFunc(st.Series, func(a, b seriesState) int {
		return strings.Compare(a.ProjectID+"\x00"+a.Workspace+"\x00"+a.Processor+"\x00"+a.LogType, b.ProjectID+"\x00"+b.Workspace+"\x00"+b.Processor+"\x00"+b.LogType)
	})
}

// Close does nothing: each write opens and releases the state file.
func (c *CheckpointStore) Close(context.Context) error { return nil }

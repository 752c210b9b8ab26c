package file

import (
	"bufio"
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
//
// The file last read or written is kept parsed, with what identifies
// that version of it (see sameVersion): a read whose file is still that
// version costs a stat, not a parse. With a thousand series the file is
// about 200 KB, and a continuous run reads it for every series' pass.
type CheckpointStore struct {
	dir string
	mu  sync.Mutex // one read-merge-write at a time within the process

	cacheMu sync.Mutex
	cached  *state      // never changed once cached: add works on a copy
	version os.FileInfo // of the file cached holds; nil when none
}

// sameVersion reports whether a and b are one version of the state file:
// every write renames a new file over it, so a change shows as another
// inode, size or modification time.
func sameVersion(a, b os.FileInfo) bool {
	return a != nil && os.SameFile(a, b) && a.Size() == b.Size() && a.ModTime().Equal(b.ModTime())
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
	next := st.add(s, r)
	err = writeAtomic(c.dir, coverageFile, true, next.encode)
	if err != nil {
		return diskFull(c.dir, fmt.Errorf("recording coverage of %s: %w", s, err))
	}
	// Under the lock no other process writes: what is there now is next.
	if info, err := os.Stat(c.File()); err == nil {
		c.remember(next, info)
	}
	return nil
}

// state is the content of coverage.json.
type state struct {
	Version int           `json:"version"`
	Series  []seriesState `json:"series"`
	// lines holds Series[i] encoded, or nil where it is not yet: a
	// write encodes only the series that changed since the last one.
	lines [][]byte
}

// encode writes st as JSON with one series a line, encoding only the
// series whose line is not kept yet (and keeping it).
func (st *state) encode(w io.Writer) error {
	if len(st.lines) != len(st.Series) {
		st.lines = make([][]byte, len(st.Series))
	}
	bw := bufio.NewWriter(w)
	fmt.Fprintf(bw, "{\n  \"version\": %d,\n  \"series\": [", st.Version)
	for i, x := range st.Series {
		if st.lines[i] == nil {
			b, err := json.Marshal(x)
			if err != nil {
				return err
			}
			st.lines[i] = b
		}
		if i > 0 {
			_ = bw.WriteByte(',')
		}
		_, _ = bw.WriteString("\n    ")
		_, _ = bw.Write(st.lines[i])
	}
	if len(st.Series) > 0 {
		_, _ = bw.WriteString("\n  ")
	}
	_, _ = bw.WriteString("]\n}\n")
	return bw.Flush() // the first write error, if any (bufio keeps it)
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

// read returns the state file's content, parsed; the caller must not
// change it (see add).
func (c *CheckpointStore) read() (*state, error) {
	path := c.File()
	info, err := os.Stat(path)
	if errors.Is(err, os.ErrNotExist) {
		return &state{Version: stateVersion}, nil
	}
	if err != nil {
		return nil, fmt.Errorf("reading checkpoint state %s: %w", path, err)
	}
	c.cacheMu.Lock()
	if sameVersion(c.version, info) {
		st := c.cached
		c.cacheMu.Unlock()
		return st, nil
	}
	c.cacheMu.Unlock()
	f, err := os.Open(path)
	if errors.Is(err, os.ErrNotExist) { // replaced and gone since the stat: read again
		return c.read()
	}
	if err != nil {
		return nil, fmt.Errorf("reading checkpoint state %s: %w", path, err)
	}
	defer f.Close()
	// The version is the open file's: the content read is that one's
	// even if another process renames a new file over it meanwhile.
	if info, err = f.Stat(); err != nil {
		return nil, fmt.Errorf("reading checkpoint state %s: %w", path, err)
	}
	b, err := io.ReadAll(f)
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
	c.remember(&st, info)
	return &st, nil
}

// remember caches st as the content of the file version info.
func (c *CheckpointStore) remember(st *state, info os.FileInfo) {
	c.cacheMu.Lock()
	defer c.cacheMu.Unlock()
	c.cached, c.version = st, info
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

// add returns st with r merged into the coverage of s, keeping series
// sorted for stable files. st is not changed: it may be the cached
// content that other goroutines read.
func (st *state) add(s pipeline.Series, r pipeline.Range) *state {
	r = pipeline.Range{Start: r.Start.UTC(), End: r.End.UTC()}
	next := &state{Version: st.Version, Series: slices.Clone(st.Series)}
	for i, x := range next.Series {
		if sameSeries(x, s) {
			next.Series[i].Covered = pipeline.Normalize(x.Covered).Add(r)
			if len(st.lines) == len(st.Series) {
				next.lines = slices.Clone(st.lines)
				next.lines[i] = nil
			}
			return next
		}
	}
	next.Series = append(next.Series, seriesState{ProjectID: s.ProjectID, Workspace: s.Workspace, Processor: s.Processor, LogType: string(s.LogType), Covered: []pipeline.Range{r}})
	slices.SortFunc(next.Series, func(a, b seriesState) int {
		return strings.Compare(a.ProjectID+"\x00"+a.Workspace+"\x00"+a.Processor+"\x00"+a.LogType, b.ProjectID+"\x00"+b.Workspace+"\x00"+b.Processor+"\x00"+b.LogType)
	})
	return next
}

// Close does nothing: each write opens and releases the state file.
func (c *CheckpointStore) Close(context.Context) error { return nil }

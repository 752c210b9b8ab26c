package files

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/aspaudit/aspaudit/pipeline"
	"github.com/aspaudit/aspaudit/sources/archive"
)

// Archive is one downloaded audit-log file and the window it holds.
type Archive struct {
	Path   string
	Window pipeline.Window
	// ModTime is the file's modification time, a hint of when it was
	// downloaded for archives whose window has no time range.
	ModTime time.Time
}

// Find lists the archives at paths: files are taken whatever their name,
// directories are searched recursively for names ending in ".gz" or ".log".
// Every path that cannot be named or read is reported, all at once; the
// archives are sorted by path.
func Find(rule NameRule, paths ...string) ([]Archive, error) {
	var out []Archive
	var errs []error
	add := func(path string, info fs.FileInfo) {
		w, err := rule.Window(path)
		if err != nil {
			errs = append(errs, err)
			return
		}
		out = append(out, Archive{Path: path, Window: w, ModTime: info.ModTime()})
	}
	for _, p := range paths {
		info, err := os.Stat(p)
		if err != nil {
			errs = append(errs, openError(p, err))
			continue
		}
		if !info.IsDir() {
			add(p, info)
			continue
		}
		errs = append(errs, walk(p, add))
	}
	slices.SortFunc(out, func(a, b Archive) int { return strings.Compare(a.Path, b.Path) })
	return out, errors.Join(errs...)
}

func walk(dir string, add func(string, fs.FileInfo)) error {
	var errs []error
	err := filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			errs = append(errs, openError(path, err))
			return nil
		}
		if d.IsDir() || !(strings.HasSuffix(d.Name(), ".gz") || strings.HasSuffix(d.Name(), ".log")) {
			return nil
		}
		info, err := d.Info()
		if err != nil {
			errs = append(errs, openError(path, err))
			return nil
		}
		add(path, info)
		return nil
	})
	return errors.Join(append(errs, err)...)
}

// Open returns the archive's decompressed content. A file that does not
// start like gzip and whose name does not end in ".gz" is read as an
// already decompressed log. Errors, from Open or from reading, are
// permanent and name the file.
func (a Archive) Open() (io.ReadCloser, error) {
	f, err := os.Open(a.Path)
	if err != nil {
		return nil, openError(a.Path, err)
	}
	br := bufio.NewReader(f)
	head, _ := br.Peek(2)
	var r io.Reader = br
	if strings.HasSuffix(a.Path, ".gz") || (len(head) == 2 && head[0] == 0x1f && head[1] == 0x8b) {
		r = archive.NewReader(br)
	}
	return &fileReader{path: a.Path, r: r, f: f}, nil
}

func openError(path string, err error) error {
	hint := "check the path"
	if errors.Is(err, fs.ErrPermission) {
		hint = "make the file readable by the user running aspaudit"
	}
	return pipeline.Permanent(fmt.Errorf("opening archive %s: %w (%s)", path, err, hint))
}

// fileReader marks read errors permanent and names the file.
type fileReader struct {
	path string
	r    io.Reader
	f    *os.File
}

func (fr *fileReader) Read(p []byte) (int, error) {
	n, err := fr.r.Read(p)
	if err == nil || err == io.EOF {
		return n, err
	}
	hint := "the file could not be read"
	if errors.Is(err, archive.ErrCorrupt) {
		hint = "the file is truncated or corrupt: download it again"
	}
	return n, pipeline.Permanent(fmt.Errorf("reading archive %s: %w (%s)", fr.path, err, hint))
}

func (fr *fileReader) Close() error { return fr.f.Close() }

package file

import (
	"bufio"
	"bytes"
	"cmp"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
)

// A segment is a committed NDJSON file of a partition, named
// "<first>-<last>.ndjson" after the sequence numbers it holds: a new
// segment has first == last; a compacted one spans those it replaced, so
// a segment whose span lies inside another's is a leftover of a compaction
// interrupted before it removed its inputs.
type segment struct {
	first, last uint64
	size        int64
}

const (
	segmentExt = ".ndjson"
	idsExt     = ".ids"
	lockName   = ".lock"
	seqDigits  = 10
)

func (s segment) stem() string {
	return fmt.Sprintf("%0*d-%0*d", seqDigits, s.first, seqDigits, s.last)
}
func (s segment) name() string            { return s.stem() + segmentExt }
func (s segment) sameSpan(o segment) bool { return s.first == o.first && s.last == o.last }
func (s segment) idsName() string         { return s.stem() + idsExt }

// parseStem parses "<first>-<last>" with both parts of seqDigits digits.
func parseStem(stem string) (segment, bool) {
	a, b, ok := strings.Cut(stem, "-")
	if !ok || len(a) != seqDigits || len(b) != seqDigits {
		return segment{}, false
	}
	first, err1 := strconv.ParseUint(a, 10, 64)
	last, err2 := strconv.ParseUint(b, 10, 64)
	if err1 != nil || err2 != nil || first > last {
		return segment{}, false
	}
	return segment{first: first, last: last}, true
}

// listing is what a partition directory holds.
type listing struct {
	live []segment // committed segments, sorted by sequence
	dead []string  // temp files, leftover segments and orphan ids files
}

// listPartition reads dir. Only a holder of the partition's exclusive lock
// may remove the dead files: others' temp files are in use.
func listPartition(dir string) (listing, error) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return listing{}, fmt.Errorf("listing %s: %w", dir, err)
	}
	var all []segment
	var ids, dead []string
	for _, e := range entries {
		name := e.Name()
		stem, isSeg := strings.CutSuffix(name, segmentExt)
		seg, ok := parseStem(stem)
		switch {
		case isTemp(name):
			dead = append(dead, name)
		case isSeg && ok:
			if info, err := e.Info(); err == nil {
				seg.size = info.Size()
			}
			all = append(all, seg)
		case strings.HasSuffix(name, idsExt):
			ids = append(ids, name)
		}
	}
	l := splitLeftovers(all)
	l.dead = append(l.dead, dead...)
	for _, n := range ids {
		if s, ok := parseStem(strings.TrimSuffix(n, idsExt)); !ok || !slices.ContainsFunc(l.live, s.sameSpan) {
			l.dead = append(l.dead, n)
		}
	}
	return l, nil
}

// splitLeftovers separates the segments contained in another one.
func splitLeftovers(segs []segment) listing {
	slices.SortFunc(segs, func(a, b segment) int {
		if a.first != b.first {
			return cmp.Compare(a.first, b.first)
		}
		return cmp.Compare(b.last, a.last) // the widest first
	})
	var l listing
	var reach uint64
	for i, s := range segs {
		if i > 0 && s.last <= reach {
			l.dead = append(l.dead, s.name(), s.idsName())
			continue
		}
		reach = s.last
		l.live = append(l.live, s)
	}
	return l
}

// maxLine bounds one stored event line.
const maxLine = 64 << 20

// eachLine calls fn with every line of a committed file, without its
// newline; line is only valid during the call and fn may modify it. A
// last line without a newline means the file was not written by
// writeAtomic, and is an error.
func eachLine(path string, fn func(line []byte) error) error {
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	r := bufio.NewReaderSize(f, 256<<10)
	for n := 1; ; n++ {
		line, err := readLine(r)
		if errors.Is(err, errNoLine) {
			return nil
		}
		if err != nil {
			return fmt.Errorf("%s line %d: %w", path, n, err)
		}
		if err := fn(line); err != nil {
			return fmt.Errorf("%s line %d: %w", path, n, err)
		}
	}
}

var errNoLine = errors.New("no more lines")

func readLine(r *bufio.Reader) ([]byte, error) {
	line, err := r.ReadSlice('\n')
	if errors.Is(err, bufio.ErrBufferFull) {
		buf := bytes.NewBuffer(slices.Clone(line))
		for errors.Is(err, bufio.ErrBufferFull) && buf.Len() <= maxLine {
			line, err = r.ReadSlice('\n')
			buf.Write(line)
		}
		if errors.Is(err, bufio.ErrBufferFull) {
			return nil, fmt.Errorf("line longer than %d bytes", maxLine)
		}
		line = buf.Bytes()
	}
	switch {
	case err == nil:
		return line[:len(line)-1], nil
	case errors.Is(err, io.EOF) && len(line) == 0:
		return nil, errNoLine
	case errors.Is(err, io.EOF):
		return nil, errors.New("torn last line (no newline)")
	}
	return nil, err
}

// segmentIDs returns the id hashes of a committed segment, from its ids
// file or, when that is missing or damaged, from the segment itself
// (writing the ids file again).
func segmentIDs(dir string, s segment) ([]idHash, error) {
	hashes, err := readIDs(dir, s.idsName())
	if err == nil {
		return hashes, nil
	}
	if !errors.Is(err, os.ErrNotExist) && !errors.Is(err, errBadIDs) {
		return nil, fmt.Errorf("reading ids of %s: %w", filepath.Join(dir, s.name()), err)
	}
	hashes = hashes[:0]
	err = eachLine(filepath.Join(dir, s.name()), func(line []byte) error {
		id, _, err := splitLine(line)
		hashes = append(hashes, hashID(id))
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("reading committed segment (damaged outside aspaudit?): %w", err)
	}
	_ = writeIDs(dir, s.idsName(), hashes) // a cache: the next load rebuilds it again if this failed
	return hashes, nil
}

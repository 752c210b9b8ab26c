package archive

import (
	"archive/tar"
	"bufio"
	"errors"
	"fmt"
	"io"
)

var errTar = errors.New("broken tar archive")

// segments reads a decompressed stream that is either plain content, or tar
// archives one after another (the zero padding between them skipped),
// possibly followed by plain content. Tar regular files are concatenated;
// when a file does not end with a newline one is added, so that its last
// line does not run into the next file's first.
type segments struct {
	br       *bufio.Reader
	cur      io.Reader   // the current plain segment or tar file
	tr       *tar.Reader // non-nil inside a tar archive
	afterTar bool        // an archive just ended: skip its zero padding
	last     byte        // last byte handed out
	produced bool        // whether any byte was handed out
	pendNL   bool        // a newline is owed before the current file's bytes
}

func newSegments(r io.Reader) *segments {
	return &segments{br: bufio.NewReaderSize(r, bufSize)}
}

func (s *segments) Read(p []byte) (int, error) {
	if len(p) == 0 {
		return 0, nil
	}
	for s.cur == nil {
		if err := s.advance(); err != nil {
			return 0, err
		}
	}
	if s.pendNL {
		s.pendNL = false
		p = p[:1]
		p[0] = '\n'
		s.last = '\n'
		return 1, nil
	}
	n, err := s.cur.Read(p)
	if n > 0 {
		s.last, s.produced = p[n-1], true
	}
	if err == io.EOF {
		s.cur, err = nil, nil
	}
	return n, err
}

// advance moves to the next tar file or the next segment. It returns io.EOF
// at the end of the stream; on success either s.cur is set or another call
// is needed.
func (s *segments) advance() error {
	if s.tr != nil {
		return s.nextFile()
	}
	if s.afterTar {
		if err := s.skipZeros(); err != nil {
			return err
		}
		s.afterTar = false
	}
	head, err := s.br.Peek(tarBlock)
	if len(head) == 0 {
		if err == nil {
			err = io.EOF
		}
		return err
	}
	if err != nil && !errors.Is(err, io.EOF) {
		return err
	}
	if len(head) == tarBlock && isTarHeader(head) {
		s.tr = tar.NewReader(s.br)
		return nil
	}
	s.startFile(s.br)
	return nil
}

func (s *segments) nextFile() error {
	for {
		hdr, err := s.tr.Next()
		if err == io.EOF {
			s.tr, s.afterTar = nil, true
			return nil
		}
		if err != nil {
			return tarError(err)
		}
		if hdr.Typeflag == tar.TypeReg || hdr.Typeflag == 0 {
			s.startFile(tarFile{s.tr})
			return nil
		}
	}
}

func (s *segments) startFile(r io.Reader) {
	s.cur = r
	s.pendNL = s.produced && s.last != '\n'
}

// skipZeros discards zero bytes; it returns io.EOF when nothing else
// follows.
func (s *segments) skipZeros() error {
	for {
		b, err := s.br.ReadByte()
		if err != nil {
			return err
		}
		if b != 0 {
			return s.br.UnreadByte()
		}
	}
}

// tarFile reads one file's content, marking tar's format errors.
type tarFile struct{ tr *tar.Reader }

func (f tarFile) Read(p []byte) (int, error) {
	n, err := f.tr.Read(p)
	if err != nil && !errors.Is(err, io.EOF) {
		err = tarError(err)
	}
	return n, err
}

func tarError(err error) error {
	if errors.Is(err, tar.ErrHeader) || errors.Is(err, tar.ErrFieldTooLong) {
		return fmt.Errorf("%w: %w", errTar, err)
	}
	return err
}

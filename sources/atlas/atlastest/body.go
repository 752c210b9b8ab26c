package atlastest

import (
	"archive/tar"
	"compress/gzip"
	"encoding/hex"
	"fmt"
	"io"
	"math"
)

// Shape is how a non-empty body is packed.
type Shape int

// The body shapes.
const (
	Single  Shape = iota // one gzip member
	Members              // several concatenated gzip members
	Tar                  // a tar archive inside one gzip member
)

// Empty is how an empty window is answered.
type Empty int

// The empty body forms.
const (
	EmptyMember Empty = iota // the 23-byte empty gzip member the audit-log endpoint sends
	ZeroBytes                // a 0-byte body, as the sibling cluster-log endpoint sends
)

// Body says how the fake packs audit-log bodies.
type Body struct {
	Shape Shape
	// LinesPerMember is the number of lines per gzip member in the Members
	// shape; zero means 2.
	LinesPerMember int
	// LinesPerFile splits the Tar shape into files of this many lines;
	// zero means one file.
	LinesPerFile int
	Empty        Empty
	// CRLF ends lines with "\r\n" instead of "\n".
	CRLF bool
	// Level is the gzip level; zero means gzip.BestSpeed.
	Level int
}

// EmptyGzipMember is the 23-byte body Atlas answers for an empty window.
var EmptyGzipMember, _ = hex.DecodeString("1f8b08000000000000ff010000ffff0000000000000000")

func (b Body) eol() []byte {
	if b.CRLF {
		return []byte("\r\n")
	}
	return []byte("\n")
}

func (b Body) level() int {
	if b.Level == 0 {
		return gzip.BestSpeed
	}
	return b.Level
}

// write packs the lines of q into w and returns how many lines it wrote.
func (b Body) write(w io.Writer, src LogFunc, q Query) (int, error) {
	switch b.Shape {
	case Members:
		return b.writeMembers(w, src, q)
	case Tar:
		return b.writeTar(w, src, q)
	}
	return b.writeMembersOf(w, src, q, -1)
}

func (b Body) writeEmpty(w io.Writer) error {
	if b.Empty == ZeroBytes {
		return nil
	}
	_, err := w.Write(EmptyGzipMember)
	return err
}

func (b Body) writeMembers(w io.Writer, src LogFunc, q Query) (int, error) {
	per := b.LinesPerMember
	if per <= 0 {
		per = 2
	}
	return b.writeMembersOf(w, src, q, per)
}

// writeMembersOf starts a new gzip member every per lines (never when per
// is negative).
func (b Body) writeMembersOf(w io.Writer, src LogFunc, q Query, per int) (int, error) {
	var zw *gzip.Writer
	var n int
	var err error
	eol := b.eol()
	src(q, func(line []byte) bool {
		if zw == nil {
			if zw, err = gzip.NewWriterLevel(w, b.level()); err != nil {
				return false
			}
		}
		if _, err = zw.Write(line); err == nil {
			_, err = zw.Write(eol)
		}
		n++
		if err == nil && per > 0 && n%per == 0 {
			err = zw.Close()
			zw = nil
		}
		return err == nil
	})
	if err != nil {
		return n, err
	}
	if zw != nil {
		return n, zw.Close()
	}
	if n == 0 {
		return 0, b.writeEmpty(w)
	}
	return n, nil
}

// writeTar reads the lines twice: once for the files' sizes, once to write.
func (b Body) writeTar(w io.Writer, src LogFunc, q Query) (int, error) {
	sizes := b.tarSizes(src, q)
	if len(sizes) == 0 {
		return 0, b.writeEmpty(w)
	}
	zw, err := gzip.NewWriterLevel(w, b.level())
	if err != nil {
		return 0, err
	}
	tw := tar.NewWriter(zw)
	per, eol, n := b.linesPerFile(), b.eol(), 0
	src(q, func(line []byte) bool {
		if n%per == 0 {
			file := n / per
			err = tw.WriteHeader(&tar.Header{Name: fmt.Sprintf("audit_%d.log", file), Mode: 0o644, Size: sizes[file], Typeflag: tar.TypeReg})
		}
		if err == nil {
			if _, err = tw.Write(line); err == nil {
				_, err = tw.Write(eol)
			}
		}
		n++
		return err == nil
	})
	if err == nil {
		err = tw.Close()
	}
	if err == nil {
		err = zw.Close()
	}
	return n, err
}

// tarSizes returns the size of each file of the archive; none for an empty
// window.
func (b Body) tarSizes(src LogFunc, q Query) []int64 {
	per, eol := b.linesPerFile(), b.eol()
	var sizes []int64
	n := 0
	src(q, func(line []byte) bool {
		if n%per == 0 {
			sizes = append(sizes, 0)
		}
		sizes[len(sizes)-1] += int64(len(line) + len(eol))
		n++
		return true
	})
	return sizes
}

func (b Body) linesPerFile() int {
	if b.LinesPerFile <= 0 {
		return math.MaxInt
	}
	return b.LinesPerFile
}

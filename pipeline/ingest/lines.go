package ingest

import (
	"bufio"
	"errors"
	"io"
	"sync"
)

const (
	readBufferSize = 64 << 10
	// A chunk is handed to a parser once it holds this many bytes or
	// lines: large enough to amortise the hand-over, small enough that the
	// chunks in flight stay a few megabytes.
	chunkBytes = 128 << 10
	chunkLines = 512
	// Chunks that grew far beyond chunkBytes (a huge line) are not pooled.
	maxPooledChunk = 4 * chunkBytes
)

// chunk holds consecutive non-blank lines, without their line endings,
// back to back in data; line i is data[ends[i-1]:ends[i]].
type chunk struct {
	data []byte
	ends []int
}

var chunkPool = sync.Pool{New: func() any {
	return &chunk{data: make([]byte, 0, chunkBytes+readBufferSize), ends: make([]int, 0, chunkLines)}
}}

func getChunk() *chunk { return chunkPool.Get().(*chunk) }

func putChunk(c *chunk) {
	if cap(c.data) > maxPooledChunk {
		return
	}
	c.data, c.ends = c.data[:0], c.ends[:0]
	chunkPool.Put(c)
}

func (c *chunk) full() bool { return len(c.data) >= chunkBytes || len(c.ends) >= chunkLines }

// lineReader cuts a byte stream into lines of any length. It counts every
// line, blank ones included; a last line without a newline counts too.
type lineReader struct {
	br    *bufio.Reader
	lines int64
	blank int64
	bytes int64
}

func newLineReader(r io.Reader) *lineReader {
	return &lineReader{br: bufio.NewReaderSize(r, readBufferSize)}
}

// next appends the next non-blank line to c, skipping (and counting) blank
// ones. more is false once the stream has ended; a last line without a
// newline is still appended. A read error ends the stream and the line it
// cut short is not appended.
func (lr *lineReader) next(c *chunk) (more bool, err error) {
	for {
		start := len(c.data)
		n, eof, err := lr.appendLine(c)
		if err != nil {
			c.data = c.data[:start]
			return false, err
		}
		if n == 0 && eof {
			return false, nil
		}
		lr.lines++
		line := trimEOL(c.data[start:])
		if isBlank(line) {
			c.data = c.data[:start]
			lr.blank++
			if eof {
				return false, nil
			}
			continue
		}
		c.data = c.data[:start+len(line)]
		c.ends = append(c.ends, len(c.data))
		return !eof, nil
	}
}

// appendLine appends the bytes up to and including the next newline to
// c.data, growing it as far as the line needs. eof reports that the stream
// ended cleanly before a newline.
func (lr *lineReader) appendLine(c *chunk) (n int, eof bool, err error) {
	for {
		frag, err := lr.br.ReadSlice('\n')
		n += len(frag)
		lr.bytes += int64(len(frag))
		c.data = append(c.data, frag...)
		switch {
		case err == nil:
			return n, false, nil
		case errors.Is(err, bufio.ErrBufferFull):
			continue
		case err == io.EOF:
			return n, true, nil
		default:
			return n, false, err
		}
	}
}

// trimEOL drops a trailing "\n", "\r\n" or "\r".
func trimEOL(b []byte) []byte {
	if n := len(b); n > 0 && b[n-1] == '\n' {
		b = b[:n-1]
	}
	if n := len(b); n > 0 && b[n-1] == '\r' {
		b = b[:n-1]
	}
	return b
}

// isBlank reports whether b holds only spaces and tabs (or nothing).
func isBlank(b []byte) bool {
	for _, c := range b {
		if c != ' ' && c != '\t' && c != '\r' {
			return false
		}
	}
	return true
}

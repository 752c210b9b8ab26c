package archive

import (
	"bufio"
	"compress/flate"
	"compress/gzip"
	"errors"
	"fmt"
	"io"
)

// ErrCorrupt is wrapped by every error that says the body itself is damaged:
// cut short (then io.ErrUnexpectedEOF is wrapped too), not gzip, failing its
// checksum, or holding a broken tar archive. A caller that read the body from
// the network retries the window; one that read a local file can treat it as
// permanent.
var ErrCorrupt = errors.New("corrupt or truncated archive")

var gzipMagic = [2]byte{0x1f, 0x8b}

const bufSize = 64 << 10

// Reader streams the decompressed content of one audit-log body. The zero
// value is not usable; create one with NewReader. A Reader is not safe for
// concurrent use.
type Reader struct {
	src     *sourceReader
	content io.Reader // nil until the first Read
	gz      *gzip.Reader
	err     error // sticky: io.EOF or the first failure
}

// NewReader returns a Reader over body. Nothing is read until the first
// call to Read, so NewReader never blocks. Close closes body when it is an
// io.Closer.
func NewReader(body io.Reader) *Reader {
	return &Reader{src: &sourceReader{r: body}}
}

// Read reads decompressed bytes. It returns io.EOF only after the whole body
// was read and verified (gzip checksums and lengths included). Any other
// error is sticky; errors caused by the body's content wrap ErrCorrupt, and
// errors of the underlying reader are returned wrapped as they are.
func (r *Reader) Read(p []byte) (int, error) {
	if r.err != nil {
		return 0, r.err
	}
	if r.content == nil {
		if err := r.open(); err != nil {
			r.err = err
			return 0, err
		}
	}
	n, err := r.content.Read(p)
	if err != nil {
		r.err = r.classify(err)
		return n, r.err
	}
	return n, nil
}

// Close releases the decompressor and closes the body when it is an
// io.Closer. Reads after Close fail.
func (r *Reader) Close() error {
	if r.err == nil || errors.Is(r.err, io.EOF) {
		r.err = errors.New("archive: read after close")
	}
	if r.gz != nil {
		_ = r.gz.Close()
	}
	if c, ok := r.src.r.(io.Closer); ok {
		return c.Close()
	}
	return nil
}

// open detects the body's shape: empty, or gzip whose decompressed stream
// may hold tar archives.
func (r *Reader) open() error {
	br := bufio.NewReaderSize(r.src, bufSize)
	head, err := br.Peek(2)
	switch {
	case len(head) == 0 && errors.Is(err, io.EOF):
		r.content = eofReader{}
		return nil
	case len(head) < 2:
		return r.classify(unexpected(err))
	case head[0] != gzipMagic[0] || head[1] != gzipMagic[1]:
		return fmt.Errorf("decompressing audit log: %w: the body is not gzip (it starts with %q)", ErrCorrupt, head)
	}
	gz, err := gzip.NewReader(br)
	if err != nil {
		return r.classify(unexpected(err))
	}
	r.gz = gz
	r.content = newSegments(gz)
	return nil
}

// classify wraps err: EOF passes, failures of the underlying reader are
// kept as they are, and anything the decoders said about the content is
// ErrCorrupt.
func (r *Reader) classify(err error) error {
	switch {
	case errors.Is(err, io.EOF):
		return io.EOF
	case r.src.err != nil && errors.Is(err, r.src.err):
		return fmt.Errorf("reading audit log body: %w", err)
	case isFormatError(err):
		return fmt.Errorf("decompressing audit log: %w: %w", ErrCorrupt, err)
	default:
		return fmt.Errorf("decompressing audit log: %w", err)
	}
}

func isFormatError(err error) bool {
	var ce flate.CorruptInputError
	return errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, gzip.ErrHeader) ||
		errors.Is(err, gzip.ErrChecksum) || errors.As(err, &ce) || errors.Is(err, errTar)
}

// unexpected turns an EOF met while more bytes were needed into
// io.ErrUnexpectedEOF.
func unexpected(err error) error {
	if errors.Is(err, io.EOF) {
		return io.ErrUnexpectedEOF
	}
	return err
}

// sourceReader remembers the underlying reader's last failure so that it is
// told apart from a decoding failure.
type sourceReader struct {
	r   io.Reader
	err error
}

func (s *sourceReader) Read(p []byte) (int, error) {
	n, err := s.r.Read(p)
	if err != nil && err != io.EOF {
		s.err = err
	}
	return n, err
}

type eofReader struct{}

func (eofReader) Read([]byte) (int, error) { return 0, io.EOF }

var _ io.ReadCloser = (*Reader)(nil)

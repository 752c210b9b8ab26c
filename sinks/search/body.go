package search

import (
	"bytes"
	"fmt"
	"io"
	"net/http"
	"sync"

	"github.com/klauspost/compress/gzip"
)

// body builds a request body from items, gzipped when compress is on. It
// leaves out the items of Write calls that returned already and returns
// the items it holds, in body order. Bodies are not pooled: the HTTP
// transport may still read a body after the answer came.
func (s *Sink) body(items []*item) (io.Reader, http.Header, []*item, error) {
	header := http.Header{"Content-Type": {"application/x-ndjson"}}
	n := totalBytes(items)
	var buf bytes.Buffer
	var out io.Writer = &buf
	var zw *gzip.Writer
	if s.cfg.Compress {
		buf.Grow(n/8 + 512)
		zw = gzipWriters.Get().(*gzip.Writer)
		defer gzipWriters.Put(zw)
		zw.Reset(&buf)
		out = zw
		header.Set("Content-Encoding", "gzip")
	} else {
		buf.Grow(n)
	}
	sent, err := writeItems(out, items)
	if err == nil && zw != nil {
		err = zw.Close()
	}
	if err != nil {
		return nil, nil, nil, fmt.Errorf("building bulk body: %w", err)
	}
	return bytes.NewReader(buf.Bytes()), header, sent, nil
}

// writeItems writes the bulk lines of items to out, one run of items of
// the same Write call at a time, holding that call's read guard and
// skipping the runs of abandoned calls.
func writeItems(out io.Writer, items []*item) ([]*item, error) {
	sent := make([]*item, 0, len(items))
	for i := 0; i < len(items); {
		w, j := items[i].w, i+1
		for j < len(items) && items[j].w == w {
			j++
		}
		err := w.read(func() error {
			for _, it := range items[i:j] {
				if err := writeItem(out, it); err != nil {
					return err
				}
			}
			sent = append(sent, items[i:j]...)
			return nil
		})
		if err != nil {
			return nil, err
		}
		i = j
	}
	return sent, nil
}

var newline = []byte{'\n'}

func writeItem(out io.Writer, it *item) error {
	if _, err := out.Write(it.head); err != nil {
		return err
	}
	if _, err := out.Write(it.doc); err != nil {
		return err
	}
	_, err := out.Write(newline)
	return err
}

// gzipWriters reuses compressors: each holds several hundred KB of state.
// klauspost/compress (already in the build through the Prometheus client)
// compresses at BestSpeed about twice as fast as the standard library for
// a similar ratio: bulk JSON shrinks well even so, and the sink's CPU is
// taken from the cluster when both share a machine.
var gzipWriters = sync.Pool{New: func() any {
	zw, _ := gzip.NewWriterLevel(io.Discard, gzip.BestSpeed) // a valid level never fails
	return zw
}}

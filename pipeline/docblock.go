package pipeline

import (
	"sync"
	"sync/atomic"
)

// DocBlockSize is the size of the blocks a DocArena carves documents from.
const DocBlockSize = 64 << 10

// maxCarved is the largest document carved from a block; larger ones get
// their own allocation (they are rare, and would waste most of a block).
const maxCarved = DocBlockSize / 8

// DocBlock is shared storage that documents are carved from. It counts the
// events still referring to it and goes back to a pool for reuse when the
// last one is released (see Event.Release). A block some event is never
// released from is simply collected by the garbage collector.
type DocBlock struct {
	buf  []byte
	refs atomic.Int32
}

var docBlocks = sync.Pool{New: func() any { return &DocBlock{buf: make([]byte, DocBlockSize)} }}

// InUse returns how many documents carved from b are not released yet,
// plus one while an arena still carves from it.
func (b *DocBlock) InUse() int { return int(b.refs.Load()) }

func (b *DocBlock) release() {
	switch n := b.refs.Add(-1); {
	case n == 0:
		if poisonReleased {
			// Race-detector builds (the test suite) overwrite released
			// storage, so a document read after its release shows up as
			// garbage in whatever test reads it.
			for i := range b.buf {
				b.buf[i] = 0xdb
			}
		}
		docBlocks.Put(b)
	case n < 0:
		panic("pipeline: document storage released more often than it was handed out")
	}
}

// DocArena carves documents out of pooled blocks, so that parsing a line
// allocates nothing for its document once blocks released by settled
// events are reused: an event stream's documents then cost neither
// allocations nor garbage-collector cycles. An arena is used by one
// goroutine at a time.
type DocArena struct {
	cur  *DocBlock
	free []byte // the unused rest of cur
}

// Copy returns a copy of b and the block it was carved from, to be stored
// in Event.Storage; the block is nil when b got its own allocation. The
// copy's capacity equals its length, so appending to it copies.
func (a *DocArena) Copy(b []byte) ([]byte, *DocBlock) {
	n := len(b)
	if n > maxCarved {
		return append([]byte(nil), b...), nil
	}
	if len(a.free) < n {
		a.Reset()
		a.cur = docBlocks.Get().(*DocBlock)
		a.cur.refs.Store(1) // the arena's own reference, until it moves on
		a.free = a.cur.buf
	}
	doc := a.free[:n:n]
	copy(doc, b)
	a.free = a.free[n:]
	a.cur.refs.Add(1)
	return doc, a.cur
}

// Reset lets go of the current block: once every document carved from it
// is released it is reused.
func (a *DocArena) Reset() {
	if a.cur != nil {
		a.cur.release()
	}
	a.cur, a.free = nil, nil
}

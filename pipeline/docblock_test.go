package pipeline

import (
	"bytes"
	"fmt"
	"testing"
)

func TestDocArenaCopies(t *testing.T) {
	var a DocArena
	defer a.Reset()
	src := []byte(`{"a":1}`)
	doc, blk := a.Copy(src)
	if !bytes.Equal(doc, src) || cap(doc) != len(doc) {
		t.Fatalf("copy %q cap %d; want %q with cap == len", doc, cap(doc), src)
	}
	if blk == nil {
		t.Fatal("a small document got no block")
	}
	src[2] = 'b'
	if doc[2] != 'a' {
		t.Error("the copy shares storage with its source")
	}
	// Appending to a document must not run into the next one.
	next, _ := a.Copy([]byte("next"))
	_ = append(doc, "xxxx"...)
	if string(next) != "next" {
		t.Errorf("appending to a document overwrote its neighbour: %q", next)
	}
}

func TestDocArenaBigDocumentsGetTheirOwnStorage(t *testing.T) {
	var a DocArena
	big := bytes.Repeat([]byte("x"), maxCarved+1)
	doc, blk := a.Copy(big)
	if blk != nil || !bytes.Equal(doc, big) {
		t.Fatalf("a %d-byte document: block %v, equal %v; want its own allocation", len(big), blk, bytes.Equal(doc, big))
	}
	ev := Event{Doc: doc, Storage: blk}
	ev.Release() // a no-op
	if ev.Doc == nil {
		t.Error("Release dropped a document without pooled storage")
	}
}

// TestDocBlockCountsReferences checks that a block is in use until every
// document carved from it is released and the arena has moved on.
func TestDocBlockCountsReferences(t *testing.T) {
	var a DocArena
	var evs []Event
	var first *DocBlock
	for i := 0; ; i++ {
		doc, blk := a.Copy(fmt.Appendf(nil, `{"n":%d,"pad":"%0500d"}`, i, 0))
		if first == nil {
			first = blk
		}
		if blk != first {
			// The arena moved on and let go of the first block.
			a.Reset()
			break
		}
		evs = append(evs, Event{ID: fmt.Sprint(i), Doc: doc, Storage: blk})
	}
	if len(evs) < 2 {
		t.Fatalf("only %d documents fit a block", len(evs))
	}
	if got := first.InUse(); got != len(evs) {
		t.Fatalf("block in use by %d; want %d (one per document)", got, len(evs))
	}
	for i := range evs {
		ev := evs[i] // a copy, as the sink sees it
		evs[i].Release()
		evs[i].Release() // a second call on the same event does nothing
		if evs[i].Doc != nil || evs[i].Storage != nil {
			t.Fatal("Release left the event referring to its document")
		}
		if got, want := first.InUse(), len(evs)-i-1; got != want {
			t.Fatalf("after %d releases the block is in use by %d; want %d", i+1, got, want)
		}
		if i == len(evs)-1 {
			// The block is back in the pool: race-detector builds poison
			// it, so a document read after its release is caught.
			if poisonReleased && !bytes.Equal(ev.Doc, bytes.Repeat([]byte{0xdb}, len(ev.Doc))) {
				t.Errorf("released storage not poisoned: %q", ev.Doc[:16])
			}
		}
	}
}

func TestDocBlockReleasedTooOftenPanics(t *testing.T) {
	var a DocArena
	doc, blk := a.Copy([]byte("{}"))
	a.Reset()
	ev := Event{Doc: doc, Storage: blk}
	twin := ev
	ev.Release()
	defer func() {
		if recover() == nil {
			t.Error("releasing a copy of a released event did not panic")
		}
	}()
	twin.Release()
}

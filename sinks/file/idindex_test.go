package file

import (
	"strconv"
	"testing"
)

func TestIDIndex(t *testing.T) {
	x := newIDIndex()
	var loaded []idHash
	for i := range 1000 {
		loaded = append(loaded, hashID("l"+strconv.Itoa(i%700))) // with repeats
	}
	x.merge(loaded)
	if x.len() != 700 {
		t.Fatalf("len %d after loading 700 distinct ids", x.len())
	}
	const added = 1<<16 + 500 // crosses a merge of the map into the slice
	for i := range added {
		x.add(hashID("a" + strconv.Itoa(i)))
	}
	if len(x.recent) >= added {
		t.Error("the map was never merged into the slice")
	}
	if x.len() != 700+added {
		t.Errorf("len %d; want %d", x.len(), 700+added)
	}
	for i := range 700 {
		if !x.has(hashID("l" + strconv.Itoa(i))) {
			t.Fatalf("loaded id %d missing", i)
		}
	}
	for i := range added {
		if !x.has(hashID("a" + strconv.Itoa(i))) {
			t.Fatalf("added id %d missing", i)
		}
	}
	for i := range 1000 {
		if x.has(hashID("absent" + strconv.Itoa(i))) {
			t.Fatalf("absent id %d found", i)
		}
	}
}

package file

import (
	"cmp"
	"encoding/binary"
	"slices"
)

// idIndex is the set of id hashes of one partition. Most live in a sorted
// slice (16 bytes each, searched in O(log n)); those added since the last
// merge live in a small map. This keeps a month of millions of events to
// tens of megabytes.
type idIndex struct {
	sorted []idHash
	recent map[idHash]struct{}
}

func newIDIndex() *idIndex { return &idIndex{recent: make(map[idHash]struct{})} }

func (a idHash) compare(b idHash) int {
	if c := cmp.Compare(binary.BigEndian.Uint64(a[:8]), binary.BigEndian.Uint64(b[:8])); c != 0 {
		return c
	}
	return cmp.Compare(binary.BigEndian.Uint64(a[8:]), binary.BigEndian.Uint64(b[8:]))
}

func (x *idIndex) has(h idHash) bool {
	if _, ok := x.recent[h]; ok {
		return true
	}
	_, ok := slices.BinarySearchFunc(x.sorted, h, idHash.compare)
	return ok
}

// add inserts h, merging the map into the slice once it has grown to an
// eighth of it.
func (x *idIndex) add(h idHash) {
	x.recent[h] = struct{}{}
	if len(x.recent) > 1<<16 && len(x.recent) > len(x.sorted)/8 {
		hs := make([]idHash, 0, len(x.recent))
		for k := range x.recent {
			hs = append(hs, k)
		}
		x.merge(hs)
		clear(x.recent)
	}
}

// merge adds many hashes at once (loading segments); it may reorder hs.
func (x *idIndex) merge(hs []idHash) {
	if len(hs) == 0 {
		return
	}
	slices.SortFunc(hs, idHash.compare)
	out := make([]idHash, 0, len(x.sorted)+len(hs))
	i, j := 0, 0
	for i < len(x.sorted) || j < len(hs) {
		var next idHash
		switch {
		case j == len(hs) || i < len(x.sorted) && x.sorted[i].compare(hs[j]) <= 0:
			next, i = x.sorted[i], i+1
		default:
			next, j = hs[j], j+1
		}
		if len(out) == 0 || out[len(out)-1] != next {
			out = append(out, next)
		}
	}
	x.sorted = out
}

func (x *idIndex) len() int { return len(x.sorted) + len(x.recent) }

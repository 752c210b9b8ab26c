package file

import (
	"bytes"
	"encoding/binary"
	"slices"
)

// The id index keeps 100 bits of each id hash: the first 12 choose one of
// 4096 buckets, the next 88 are stored in it. Two different ids of a
// month share those bits with a probability of about n²/2¹⁰¹ for n events
// (8e-19 for 1.4 million, 4e-15 for 100 million), which would count an
// event as a duplicate; the ids files keep all 16 bytes.
const (
	bucketBits = 12
	tailLen    = 11
)

// idTail is the part of an id hash stored in its bucket.
type idTail [tailLen]byte

// idIndex is the set of id hashes of one partition: 4096 buckets, each a
// sorted slice of tails, searched in O(log n) and grown by an eighth at a
// time, so that an id costs about 12.5 bytes and adding one never copies
// more than its bucket (a few kilobytes for millions of ids), unlike one
// sorted slice whose merges copied it whole, or a map (about 40 bytes an
// id). It is not safe for concurrent use.
type idIndex struct {
	buckets [1 << bucketBits][]idTail
	n       int
}

func newIDIndex() *idIndex { return &idIndex{} }

func splitHash(h idHash) (int, idTail) {
	var t idTail
	copy(t[:], h[2:])
	return int(binary.BigEndian.Uint16(h[:2]) >> (16 - bucketBits)), t
}

func compareTails(a, b idTail) int { return bytes.Compare(a[:], b[:]) }

func (x *idIndex) has(h idHash) bool {
	b, t := splitHash(h)
	_, ok := slices.BinarySearchFunc(x.buckets[b], t, compareTails)
	return ok
}

// add inserts h.
func (x *idIndex) add(h idHash) {
	b, t := splitHash(h)
	s := x.buckets[b]
	i, ok := slices.BinarySearchFunc(s, t, compareTails)
	if ok {
		return
	}
	if len(s) == cap(s) {
		s = regrow(s, 1)
	}
	x.buckets[b] = slices.Insert(s, i, t)
	x.n++
}

// regrow returns s with room for extra more tails and an eighth to spare.
func regrow(s []idTail, extra int) []idTail {
	n := len(s) + extra
	out := make([]idTail, len(s), n+n/8+2)
	copy(out, s)
	return out
}

// merge adds many hashes at once (loading segments), growing each bucket
// once.
func (x *idIndex) merge(hs []idHash) {
	var counts [1 << bucketBits]int32
	for _, h := range hs {
		b, _ := splitHash(h)
		counts[b]++
	}
	for b, c := range counts {
		if s := x.buckets[b]; c > 0 && len(s)+int(c) > cap(s) {
			x.buckets[b] = regrow(s, int(c))
		}
	}
	for _, h := range hs {
		b, t := splitHash(h)
		x.buckets[b] = append(x.buckets[b], t)
	}
	x.n = 0
	for b, c := range counts {
		s := x.buckets[b]
		if c > 0 {
			slices.SortFunc(s, compareTails)
			s = slices.Compact(s)
			x.buckets[b] = s
		}
		x.n += len(s)
	}
}

func (x *idIndex) len() int { return x.n }

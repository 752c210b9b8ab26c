package file

import (
	"runtime"
	"slices"
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
	const added = 20000 // several regrowths of every bucket
	for i := range added {
		x.add(hashID("a" + strconv.Itoa(i)))
	}
	x.add(hashID("l3")) // already there
	x.merge([]idHash{hashID("a5"), hashID("l6"), hashID("m1"), hashID("m1")})
	want := 700 + added + 1
	if x.len() != want {
		t.Errorf("len %d; want %d", x.len(), want)
	}
	n := 0
	for b, s := range x.buckets {
		if !slices.IsSortedFunc(s, compareTails) || len(slices.Compact(slices.Clone(s))) != len(s) {
			t.Fatalf("bucket %d is not sorted without repeats", b)
		}
		n += len(s)
	}
	if n != want {
		t.Errorf("buckets hold %d tails; want %d", n, want)
	}
	for _, id := range []string{"l0", "l699", "a0", "a19999", "m1"} {
		if !x.has(hashID(id)) {
			t.Errorf("id %s missing", id)
		}
	}
	for i := range 1000 {
		if x.has(hashID("absent" + strconv.Itoa(i))) {
			t.Fatalf("absent id %d found", i)
		}
	}
}

// A hash differing from a stored one in any of the 100 kept bits is not
// taken for it.
func TestIDIndexKeptBits(t *testing.T) {
	x := newIDIndex()
	h := hashID("x")
	x.add(h)
	for bit := range 104 {
		if bit >= 12 && bit < 16 {
			continue // the bits between the bucket number and the tail
		}
		g := h
		g[bit/8] ^= 0x80 >> (bit % 8)
		if x.has(g) {
			t.Fatalf("a hash differing in bit %d was found", bit)
		}
	}
}

// BenchmarkIDIndexMemory reports the heap an index of a month of the
// scale figure (1.42M events) keeps, per id, built by single adds as
// writes do, beside a Go map of the full hashes (map_B/id).
func BenchmarkIDIndexMemory(b *testing.B) {
	const n = 1_420_000
	hs := make([]idHash, n)
	for i := range hs {
		hs[i] = hashID(strconv.Itoa(i))
	}
	for b.Loop() {
		before := heapInUse()
		x := newIDIndex()
		for _, h := range hs {
			x.add(h)
		}
		b.ReportMetric(float64(heapInUse()-before)/n, "B/id")
		runtime.KeepAlive(x)
		before = heapInUse()
		m := make(map[idHash]struct{})
		for _, h := range hs {
			m[h] = struct{}{}
		}
		b.ReportMetric(float64(heapInUse()-before)/n, "map_B/id")
		runtime.KeepAlive(m)
	}
}

func heapInUse() int64 {
	runtime.GC()
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	return int64(m.HeapAlloc)
}

// BenchmarkIDIndexAdd adds ids to an index of a million.
func BenchmarkIDIndexAdd(b *testing.B) {
	x := newIDIndex()
	base := make([]idHash, 1_000_000)
	for i := range base {
		base[i] = hashID(strconv.Itoa(i))
	}
	x.merge(base)
	i := 0
	for b.Loop() {
		i++
		h := hashID("n" + strconv.Itoa(i))
		if !x.has(h) {
			x.add(h)
		}
	}
}

package transform

// slabSize is the size of the blocks documents are carved from.
const slabSize = 32 << 10

// slab hands out documents carved from shared blocks: one allocation per
// block instead of one per document, which is what a parse otherwise pays
// most for after the parse itself (the allocation and the garbage
// collector's work per allocated object). Each document is a full slice
// expression (cap == len), so appending to it reallocates instead of
// running into its neighbour, and documents never overlap. A block stays
// alive while any document carved from it does; documents are released in
// the order they were made (batch by batch), so blocks die young.
type slab struct {
	block []byte
}

// copy returns a copy of b that the caller owns.
func (s *slab) copy(b []byte) []byte {
	n := len(b)
	if n > slabSize/4 {
		return append([]byte(nil), b...)
	}
	if len(s.block) < n {
		s.block = make([]byte, slabSize)
	}
	doc := s.block[:n:n]
	copy(doc, b)
	s.block = s.block[n:]
	return doc
}

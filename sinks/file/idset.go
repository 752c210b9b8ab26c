package file

import (
	"crypto/sha256"
	"encoding/binary"
	"errors"
	"fmt"
	"hash/crc32"
	"io"
	"os"
	"path/filepath"
)

// idHash keys the in-memory id index: the first 16 bytes of the id's
// SHA-256, so that an id costs the same memory whatever its length and a
// collision (which would wrongly count an event as a duplicate) is
// practically impossible.
type idHash [16]byte

func hashID(id string) idHash {
	sum := sha256.Sum256([]byte(id))
	return idHash(sum[:16])
}

// An ids file (the sidecar of a segment, "<stem>.ids") caches the hashes of
// the segment's ids so that loading a partition does not re-read its
// events: a magic string, the hashes, and a CRC-32C of all that. It is a
// cache: when missing or damaged it is rebuilt from the segment.
const idsMagic = "aspids01"

var crcTable = crc32.MakeTable(crc32.Castagnoli)

func writeIDs(dir, name string, hashes []idHash) error {
	return writeAtomic(dir, name, false, func(w io.Writer) error {
		crc := crc32.New(crcTable)
		mw := io.MultiWriter(w, crc)
		if _, err := io.WriteString(mw, idsMagic); err != nil {
			return err
		}
		for _, h := range hashes {
			if _, err := mw.Write(h[:]); err != nil {
				return err
			}
		}
		return binary.Write(w, binary.BigEndian, crc.Sum32())
	})
}

var errBadIDs = errors.New("ids file is damaged")

// readIDs returns the hashes of an ids file, or an error wrapping
// errBadIDs or os.ErrNotExist when it has to be rebuilt.
func readIDs(dir, name string) ([]idHash, error) {
	b, err := os.ReadFile(filepath.Join(dir, name))
	if err != nil {
		return nil, err
	}
	body := len(b) - len(idsMagic) - 4
	if body < 0 || body%len(idHash{}) != 0 || string(b[:len(idsMagic)]) != idsMagic {
		return nil, fmt.Errorf("%s: %w", name, errBadIDs)
	}
	if crc32.Checksum(b[:len(b)-4], crcTable) != binary.BigEndian.Uint32(b[len(b)-4:]) {
		return nil, fmt.Errorf("%s: %w", name, errBadIDs)
	}
	out := make([]idHash, body/len(idHash{}))
	for i := range out {
		copy(out[i][:], b[len(idsMagic)+i*len(idHash{}):])
	}
	return out, nil
}

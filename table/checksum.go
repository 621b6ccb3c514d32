package table

import (
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"hash"
	"math"
)

// checksum returns the SHA-256 of meta's key/values and the rows in order, in hex. Write
// stores it as mfbench.checksum and Read recomputes it, so that a file whose values changed
// after writing is refused even where Parquet's page checksums do not reach (footer,
// statistics, metadata).
func checksum(kvs [][2]string, rows []Row) string {
	h := sha256.New()
	for _, kv := range kvs {
		writeString(h, kv[0])
		writeString(h, kv[1])
	}
	var buf [8]byte
	putInt := func(v int64) {
		binary.LittleEndian.PutUint64(buf[:], uint64(v))
		h.Write(buf[:])
	}
	putOptInt := func(p *int64) {
		if p == nil {
			h.Write([]byte{0})
			return
		}
		h.Write([]byte{1})
		putInt(*p)
	}
	putOptFloat := func(p *float64) {
		if p == nil {
			h.Write([]byte{0})
			return
		}
		h.Write([]byte{1})
		putInt(int64(math.Float64bits(*p)))
	}
	for i := range rows {
		r := &rows[i]
		writeString(h, r.Arch)
		putInt(r.Index)
		putOptInt(r.Seed)
		putInt(r.Epoch)
		putInt(r.Params)
		putOptInt(r.MACs)
		putOptInt(r.FLOPs)
		for _, f := range []*float64{r.TrainLoss, r.TrainAcc, r.ValidAcc, r.TestAcc,
			r.TrainSeconds} {
			putOptFloat(f)
		}
	}
	return hex.EncodeToString(h.Sum(nil))
}

func writeString(h hash.Hash, s string) {
	var buf [8]byte
	binary.LittleEndian.PutUint64(buf[:], uint64(len(s)))
	h.Write(buf[:])
	h.Write([]byte(s))
}

package surrogate

import (
	"fmt"
	"math"
	"math/rand/v2"
	"strings"

	"github.com/mfbench/mfbench/table"
)

// Subset returns the part of t that a partial training campaign would have measured:
// every row of a random share frac of the architectures t has (at least two), drawn
// with the given seed. Meta.Notes records the share and the seed. It is how the
// validation builds partial tables from complete published ones.
func Subset(t *table.Table, frac float64, seed uint64) (*table.Table, error) {
	if !(frac > 0 && frac <= 1) {
		return nil, fmt.Errorf("surrogate: subset: fraction %v outside (0, 1]", frac)
	}
	var have []int
	for i := range t.Space().Len() {
		if t.Has(i) {
			have = append(have, i)
		}
	}
	k := max(int(math.Round(frac*float64(len(have)))), min(2, len(have)))
	rng := rand.New(rand.NewPCG(seed, 0x737562736574))
	perm := rng.Perm(len(have))
	keep := make(map[int64]bool, k)
	for _, p := range perm[:k] {
		keep[int64(have[p])] = true
	}
	var rows []table.Row
	for _, r := range t.Rows() {
		if keep[r.Index] {
			rows = append(rows, r)
		}
	}
	meta := t.Meta()
	meta.Notes = strings.TrimSpace(fmt.Sprintf("Subset: %d of %d architectures (%.3g %%), "+
		"drawn by mfbench surrogate.Subset with seed %d. ", k, len(have), 100*frac, seed) +
		meta.Notes)
	s, err := table.New(meta, rows)
	if err != nil {
		return nil, fmt.Errorf("surrogate: subset: %w", err)
	}
	return s, nil
}

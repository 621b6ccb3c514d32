package table

import (
	"fmt"
	"math"
	"slices"

	"github.com/mfbench/mfbench/space"
)

// Table is a lookup table loaded into memory. It is immutable and safe for concurrent use.
type Table struct {
	meta   Meta
	sp     space.Space
	rows   []Row
	seeds  []int64 // sorted; MeanSeed for rows of seed means
	epochs []int64 // sorted
	// entries is dense: (index*len(seeds) + seed slot)*len(epochs) + epoch slot.
	entries []Entry
	// means holds, for a per-seed table, the mean over all seeds of each (index, epoch).
	means []Entry
	arch  []archInfo
}

type archInfo struct {
	params, macs int64 // macs is -1 when unknown
	flops        int64 // -1 when unknown
}

// Entry is what the table records for one architecture, seed and epoch. A value that was
// not measured is NaN.
type Entry struct {
	TrainLoss    float64
	TrainAcc     float64
	ValidAcc     float64
	TestAcc      float64
	TrainSeconds float64
	present      bool
}

// MissingError reports a query the table cannot answer.
type MissingError struct {
	Space string
	Arch  string // canonical string, or the index when it is outside the space
	Seed  int64
	Epoch int64
	What  string // what is missing
}

func (e *MissingError) Error() string {
	seed := fmt.Sprint(e.Seed)
	if e.Seed == MeanSeed {
		seed = "mean"
	}
	return fmt.Sprintf("table %s: no entry for arch %s seed %s epoch %d: %s", e.Space, e.Arch,
		seed, e.Epoch, e.What)
}

// New builds a table from meta and rows after validating them (see Validate). The table
// keeps rows; the caller must not modify them afterwards.
func New(meta Meta, rows []Row) (*Table, error) {
	if err := Validate(meta, rows); err != nil {
		return nil, err
	}
	sp, _ := space.ByName(meta.Space)
	t := &Table{meta: meta, sp: sp, rows: rows}

	// Collect the seeds and epochs.
	for i := range rows {
		t.seeds = append(t.seeds, seedKey(rows[i].Seed))
		t.epochs = append(t.epochs, rows[i].Epoch)
	}
	slices.Sort(t.seeds)
	t.seeds = slices.Compact(t.seeds)
	slices.Sort(t.epochs)
	t.epochs = slices.Compact(t.epochs)

	// Fill the dense entries and the per-architecture costs.
	t.arch = make([]archInfo, sp.Len())
	for i := range t.arch {
		t.arch[i] = archInfo{params: -1, macs: -1, flops: -1}
	}
	t.entries = make([]Entry, sp.Len()*len(t.seeds)*len(t.epochs))
	for i := range rows {
		r := &rows[i]
		s, _ := slices.BinarySearch(t.seeds, seedKey(r.Seed))
		e, _ := slices.BinarySearch(t.epochs, r.Epoch)
		t.entries[t.slot(int(r.Index), s, e)] = Entry{
			TrainLoss:    value(r.TrainLoss),
			TrainAcc:     value(r.TrainAcc),
			ValidAcc:     value(r.ValidAcc),
			TestAcc:      value(r.TestAcc),
			TrainSeconds: value(r.TrainSeconds),
			present:      true,
		}
		info := &t.arch[r.Index]
		info.params = r.Params
		if r.MACs != nil {
			info.macs = *r.MACs
		}
		if r.FLOPs != nil {
			info.flops = *r.FLOPs
		}
	}
	if meta.Aggregate == PerSeed {
		t.fillMeans()
	}
	return t, nil
}

// fillMeans averages each (index, epoch) over all seeds, where every seed has a row.
func (t *Table) fillMeans() {
	t.means = make([]Entry, t.sp.Len()*len(t.epochs))
	ns := len(t.seeds)
	for i := range t.sp.Len() {
		for e := range t.epochs {
			var m Entry
			m.present = true
			for s := range ns {
				x := t.entries[t.slot(i, s, e)]
				if !x.present {
					m.present = false
					break
				}
				m.TrainLoss += x.TrainLoss / float64(ns)
				m.TrainAcc += x.TrainAcc / float64(ns)
				m.ValidAcc += x.ValidAcc / float64(ns)
				m.TestAcc += x.TestAcc / float64(ns)
				m.TrainSeconds += x.TrainSeconds / float64(ns)
			}
			if m.present {
				t.means[i*len(t.epochs)+e] = m
			}
		}
	}
}

func value(p *float64) float64 {
	if p == nil {
		return math.NaN()
	}
	return *p
}

func (t *Table) slot(index, seedSlot, epochSlot int) int {
	return (index*len(t.seeds)+seedSlot)*len(t.epochs) + epochSlot
}

// Meta returns the table's provenance.
func (t *Table) Meta() Meta { return t.meta }

// Space returns the table's search space.
func (t *Table) Space() space.Space { return t.sp }

// Rows returns the table's rows, sorted by index, seed and epoch if the table was read from
// a file. The caller must not modify them.
func (t *Table) Rows() []Row { return t.rows }

// Seeds returns the training seeds of the table, sorted; a table of seed means has the one
// seed MeanSeed. The caller must not modify the slice.
func (t *Table) Seeds() []int64 { return t.seeds }

// Epochs returns the epochs the table records, sorted. The caller must not modify it.
func (t *Table) Epochs() []int64 { return t.epochs }

// MaxEpoch returns the largest epoch of the table.
func (t *Table) MaxEpoch() int64 { return t.epochs[len(t.epochs)-1] }

// Params returns the trainable parameters of the architecture with the given index: the
// stored count when the table has it (Validate made it equal the space's), else the
// space's.
func (t *Table) Params(index int) int64 {
	if t.Has(index) {
		return t.arch[index].params
	}
	return t.sp.Params(t.sp.Arch(index))
}

// Lookup returns what the table records for the architecture with the given index, trained
// with seed for epoch epochs. seed MeanSeed asks for the mean over the table's seeds: the
// stored value in a table of means, else the mean of all seeds, which exists only where
// every seed has a row. A query the table cannot answer returns a *MissingError.
func (t *Table) Lookup(index int, seed, epoch int64) (Entry, error) {
	if index < 0 || index >= len(t.arch) {
		return Entry{}, &MissingError{Space: t.meta.Space, Arch: fmt.Sprint(index),
			Seed: seed, Epoch: epoch,
			What: fmt.Sprintf("index outside the space [0, %d)", len(t.arch))}
	}
	e := search(t.epochs, epoch)
	if e < 0 {
		return Entry{}, t.missing(index, seed, epoch,
			fmt.Sprintf("the table has no epoch %d (epochs %v)", epoch, t.epochs))
	}
	if seed == MeanSeed && t.means != nil {
		m := t.means[index*len(t.epochs)+e]
		if !m.present {
			return Entry{}, t.missing(index, seed, epoch, "not every seed has this entry")
		}
		return m, nil
	}
	s := search(t.seeds, seed)
	if s < 0 {
		what := fmt.Sprintf("the table has no seed %d (seeds %v)", seed, t.seeds)
		if t.means == nil {
			what = fmt.Sprintf("the table has no seed %d: it holds only means over seeds "+
				"(ask for table.MeanSeed)", seed)
		}
		return Entry{}, t.missing(index, seed, epoch, what)
	}
	x := t.entries[t.slot(index, s, e)]
	if !x.present {
		return Entry{}, t.missing(index, seed, epoch, "architecture not in the table")
	}
	return x, nil
}

// search returns the position of v in the short sorted slice s, or -1.
func search(s []int64, v int64) int {
	for i, x := range s {
		if x == v {
			return i
		}
		if x > v {
			break
		}
	}
	return -1
}

func (t *Table) missing(index int, seed, epoch int64, what string) error {
	return &MissingError{Space: t.meta.Space, Arch: t.sp.String(t.sp.Arch(index)), Seed: seed,
		Epoch: epoch, What: what}
}

// Has reports whether the table has an entry for the architecture with the given index at
// any seed and epoch.
func (t *Table) Has(index int) bool {
	return index >= 0 && index < len(t.arch) && t.arch[index].params >= 0
}

// Count returns the number of architectures with at least one entry.
func (t *Table) Count() int {
	n := 0
	for i := range t.arch {
		if t.arch[i].params >= 0 {
			n++
		}
	}
	return n
}

// FLOPs returns the published FLOPs of the architecture with the given index, and false
// when the table has none.
func (t *Table) FLOPs(index int) (int64, bool) {
	if !t.Has(index) || t.arch[index].flops < 0 {
		return 0, false
	}
	return t.arch[index].flops, true
}

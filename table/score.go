package table

import (
	"fmt"
	"math"

	"github.com/mfbench/mfbench/metric"
	"github.com/mfbench/mfbench/space"
)

// Column selects the accuracy a score is computed from.
type Column int

const (
	Test  Column = iota // test_acc
	Valid               // valid_acc
)

func (c Column) String() string {
	if c == Valid {
		return "valid_acc"
	}
	return "test_acc"
}

// Accuracy returns the entry's accuracy in column c (NaN when not measured).
func (e Entry) Accuracy(c Column) float64 {
	if c == Valid {
		return e.ValidAcc
	}
	return e.TestAcc
}

// Accuracy returns the row's accuracy in column c, nil when not measured.
func (r *Row) Accuracy(c Column) *float64 {
	if c == Valid {
		return r.ValidAcc
	}
	return r.TestAcc
}

// HasValid reports whether the table records any validation accuracy.
func (t *Table) HasValid() bool {
	for i := range t.rows {
		if t.rows[i].ValidAcc != nil {
			return true
		}
	}
	return false
}

// MBeta returns M_beta of the architecture with the given index: its accuracy in column c
// (for seed and epoch, as Lookup) against its size efficiency P_min / P, P_min being the
// smallest parameter count of the whole space, not just of the table.
func (t *Table) MBeta(index int, seed, epoch int64, beta float64, c Column) (float64, error) {
	e, err := t.Lookup(index, seed, epoch)
	if err != nil {
		return 0, err
	}
	a := e.Accuracy(c)
	if math.IsNaN(a) {
		return 0, t.missing(index, seed, epoch, c.String()+" not measured")
	}
	s := metric.Efficiency(t.Params(index), space.PMin(t.sp))
	return metric.MBeta(a, s, beta), nil
}

// Optimum is the best architecture of a table under one score.
type Optimum struct {
	Index    int
	Arch     string
	Accuracy float64
	Params   int64
	M        float64
}

// Best returns the architecture with the largest M_beta of the seed-mean accuracy in column
// c at the given epoch, over the architectures the table has. Ties go to the smaller index.
func (t *Table) Best(beta float64, c Column, epoch int64) (Optimum, error) {
	best := Optimum{Index: -1, M: math.Inf(-1)}
	for i := range t.arch {
		if !t.Has(i) {
			continue
		}
		m, err := t.MBeta(i, MeanSeed, epoch, beta, c)
		if err != nil {
			continue
		}
		if m > best.M {
			e, _ := t.Lookup(i, MeanSeed, epoch)
			best = Optimum{Index: i, Accuracy: e.Accuracy(c), Params: t.Params(i), M: m}
		}
	}
	if best.Index < 0 {
		return Optimum{}, fmt.Errorf("table %s: no architecture has a seed-mean %s at epoch %d",
			t.meta.Space, c, epoch)
	}
	best.Arch = t.sp.String(t.sp.Arch(best.Index))
	return best, nil
}

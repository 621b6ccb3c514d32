package table

import (
	"cmp"
	"errors"
	"fmt"
	"math"
	"slices"

	"github.com/mfbench/mfbench/space"
)

// RowError reports a row that breaks the table format. Row is the row's position in the
// slice given to Write, or in the file for Read.
type RowError struct {
	Row    int
	Arch   string
	Reason string
}

func (e *RowError) Error() string {
	return fmt.Sprintf("row %d (arch %q): %s", e.Row, e.Arch, e.Reason)
}

// Validate checks meta and rows against the table format: a known space and aggregate;
// each row a canonical architecture of the space with its index, exact params and MACs;
// epochs from 1; accuracies in [0, 1]; no NaN; seeds present exactly when the aggregate is
// PerSeed; no (index, seed, epoch) twice. It returns the first problem found.
func Validate(meta Meta, rows []Row) error {
	sp, err := space.ByName(meta.Space)
	if err != nil {
		return fmt.Errorf("table: metadata: %w", err)
	}
	if meta.Aggregate != PerSeed && meta.Aggregate != MeanOfSeed {
		return fmt.Errorf("table: metadata: aggregate %q is neither %q nor %q",
			meta.Aggregate, PerSeed, MeanOfSeed)
	}
	if len(rows) == 0 {
		return errors.New("table: no rows")
	}

	for i := range rows {
		if err := validateRow(sp, meta.Aggregate, &rows[i]); err != nil {
			return &RowError{Row: i, Arch: rows[i].Arch, Reason: err.Error()}
		}
	}

	// Duplicates show up as neighbours once sorted.
	order := make([]int, len(rows))
	for i := range order {
		order[i] = i
	}
	slices.SortFunc(order, func(a, b int) int { return compareRows(&rows[a], &rows[b]) })
	for k := 1; k < len(order); k++ {
		a, b := &rows[order[k-1]], &rows[order[k]]
		if compareRows(a, b) == 0 {
			return &RowError{Row: order[k], Arch: b.Arch, Reason: fmt.Sprintf(
				"seed %s epoch %d given twice (also row %d)", seedString(b.Seed), b.Epoch,
				order[k-1])}
		}
	}
	return nil
}

func validateRow(sp space.Space, aggregate string, r *Row) error {
	a, err := sp.Parse(r.Arch)
	if err != nil {
		return err
	}
	if c := sp.String(a); c != r.Arch {
		return fmt.Errorf("not canonical: write %q", c)
	}
	if idx, _ := sp.Index(a); int64(idx) != r.Index {
		return fmt.Errorf("index %d, want %d", r.Index, idx)
	}
	if p := sp.Params(a); r.Params != p {
		return fmt.Errorf("params %d, the space gives %d", r.Params, p)
	}
	if m, ok := sp.MACs(a); ok && (r.MACs == nil || *r.MACs != m) {
		return fmt.Errorf("macs %s, the space gives %d", intString(r.MACs), m)
	}
	switch {
	case aggregate == PerSeed && r.Seed == nil:
		return errors.New("seed is NULL in a per-seed table")
	case aggregate == MeanOfSeed && r.Seed != nil:
		return fmt.Errorf("seed %d in a table of seed means", *r.Seed)
	case r.Seed != nil && *r.Seed < 0:
		return fmt.Errorf("seed %d is negative", *r.Seed)
	case r.Epoch < 1:
		return fmt.Errorf("epoch %d, epochs count from 1", r.Epoch)
	}
	for _, f := range []struct {
		name string
		v    *float64
		acc  bool
	}{
		{"train_loss", r.TrainLoss, false},
		{"train_acc", r.TrainAcc, true},
		{"valid_acc", r.ValidAcc, true},
		{"test_acc", r.TestAcc, true},
		{"train_seconds", r.TrainSeconds, false},
	} {
		switch {
		case f.v == nil:
		case math.IsNaN(*f.v) || math.IsInf(*f.v, 0):
			return fmt.Errorf("%s is %v; write NULL for a value not measured", f.name, *f.v)
		case f.acc && (*f.v < 0 || *f.v > 1):
			return fmt.Errorf("%s %v is outside [0, 1] (accuracies are fractions)", f.name,
				*f.v)
		case !f.acc && *f.v < 0:
			return fmt.Errorf("%s %v is negative", f.name, *f.v)
		}
	}
	if r.FLOPs != nil && *r.FLOPs <= 0 {
		return fmt.Errorf("flops %d is not positive", *r.FLOPs)
	}
	return nil
}

// compareRows orders rows by index, seed (NULL first) and epoch.
func compareRows(a, b *Row) int {
	if c := cmp.Compare(a.Index, b.Index); c != 0 {
		return c
	}
	if c := cmp.Compare(seedKey(a.Seed), seedKey(b.Seed)); c != 0 {
		return c
	}
	return cmp.Compare(a.Epoch, b.Epoch)
}

// MeanSeed is the seed value that Lookup and Seeds use for a mean over seeds.
const MeanSeed = -1

func seedKey(s *int64) int64 {
	if s == nil {
		return MeanSeed
	}
	return *s
}

func seedString(s *int64) string {
	if s == nil {
		return "NULL (mean)"
	}
	return fmt.Sprint(*s)
}

func intString(v *int64) string {
	if v == nil {
		return "NULL"
	}
	return fmt.Sprint(*v)
}

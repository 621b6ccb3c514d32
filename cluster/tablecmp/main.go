// Tablecmp checks that two mfbench tables hold the same measurements.
//
// Usage:
//
//	tablecmp [-subset] [-tol X] WANT GOT
//
// WANT and GOT are Parquet tables (table.ReadRows reads and verifies both). They match
// when their space, aggregate and recipe agree and every row of WANT has a row in GOT
// with the same (index, seed, epoch) and the same values in every column except
// train_seconds, which is wall time and differs between runs. With -subset, GOT may
// lack rows of WANT (a shard checked against the whole table), but every row of GOT must
// be in WANT. Values are compared exactly unless -tol gives an absolute tolerance; NULL
// equals only NULL.
//
// Tablecmp prints one line per difference (at most 20, then a count) and exits 1 when
// the tables differ, 2 on a usage error, and 0 when they match, after printing a summary.
// It exists for cluster/slurm/ci-test.sh, which checks a merged sharded tabulation
// against a single-process run of the same work.
package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"math"
	"os"

	"github.com/mfbench/mfbench/table"
)

func main() {
	err := run(os.Stdout, os.Stderr, os.Args[1:])
	switch {
	case errors.Is(err, errUsage):
		os.Exit(2)
	case err != nil:
		fmt.Fprintln(os.Stderr, "tablecmp:", err)
		os.Exit(1)
	}
}

var errUsage = errors.New("usage")

// maxShown is how many differences are printed before the rest are only counted.
const maxShown = 20

func run(stdout, stderr io.Writer, args []string) error {
	fs := flag.NewFlagSet("tablecmp", flag.ContinueOnError)
	fs.SetOutput(stderr)
	subset := fs.Bool("subset", false, "GOT may lack rows of WANT (but holds no others)")
	tol := fs.Float64("tol", 0, "absolute tolerance for float columns")
	fs.Usage = func() {
		fmt.Fprintln(stderr, "usage: tablecmp [-subset] [-tol X] WANT GOT")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		return errUsage
	}
	if fs.NArg() != 2 || *tol < 0 || math.IsNaN(*tol) {
		fs.Usage()
		return errUsage
	}

	wantMeta, want, err := table.ReadRows(fs.Arg(0))
	if err != nil {
		return err
	}
	gotMeta, got, err := table.ReadRows(fs.Arg(1))
	if err != nil {
		return err
	}
	diffs := Compare(wantMeta, want, gotMeta, got, Options{Subset: *subset, Tol: *tol})
	for i, d := range diffs {
		if i == maxShown {
			fmt.Fprintf(stdout, "... and %d more differences\n", len(diffs)-maxShown)
			break
		}
		fmt.Fprintln(stdout, d)
	}
	if len(diffs) > 0 {
		return fmt.Errorf("%s and %s differ in %d places", fs.Arg(0), fs.Arg(1), len(diffs))
	}
	fmt.Fprintf(stdout, "match: %d rows of %s in %s (space %s, %d epochs, batch %d)\n",
		len(got), fs.Arg(0), fs.Arg(1), gotMeta.Space, gotMeta.Recipe.Epochs, gotMeta.Recipe.Batch)
	return nil
}

// Options controls Compare. The zero value asks for equal row sets and exact values.
type Options struct {
	Subset bool    // got may lack rows of want; it must not hold rows want lacks
	Tol    float64 // absolute tolerance for the float columns; 0 is exact
}

// key identifies a row: (index, seed, epoch), with seed -1 for a mean over seeds.
type key struct{ index, seed, epoch int64 }

func rowKey(r *table.Row) key {
	k := key{index: r.Index, seed: -1, epoch: r.Epoch}
	if r.Seed != nil {
		k.seed = *r.Seed
	}
	return k
}

func (k key) String() string {
	if k.seed < 0 {
		return fmt.Sprintf("index %d, mean of seeds, epoch %d", k.index, k.epoch)
	}
	return fmt.Sprintf("index %d, seed %d, epoch %d", k.index, k.seed, k.epoch)
}

// Compare returns the differences between two tables as readable lines, or none when
// they match under opts. It ignores train_seconds and the free-text metadata (source,
// software, backend, notes), which name the run rather than what it measured.
func Compare(wantMeta table.Meta, want []table.Row, gotMeta table.Meta, got []table.Row,
	opts Options) []string {
	var diffs []string
	if wantMeta.Space != gotMeta.Space {
		diffs = append(diffs, fmt.Sprintf("space: want %q, got %q", wantMeta.Space, gotMeta.Space))
	}
	if wantMeta.Aggregate != gotMeta.Aggregate {
		diffs = append(diffs, fmt.Sprintf("aggregate: want %q, got %q",
			wantMeta.Aggregate, gotMeta.Aggregate))
	}
	if wantMeta.Recipe != gotMeta.Recipe {
		diffs = append(diffs, fmt.Sprintf("recipe: want %+v, got %+v",
			wantMeta.Recipe, gotMeta.Recipe))
	}

	// Index got by key; a repeated key is itself a difference.
	byKey := make(map[key]*table.Row, len(got))
	for i := range got {
		k := rowKey(&got[i])
		if _, dup := byKey[k]; dup {
			diffs = append(diffs, fmt.Sprintf("%v: repeated in got", k))
		}
		byKey[k] = &got[i]
	}

	// Every row of want, column by column.
	seen := make(map[key]bool, len(want))
	for i := range want {
		w := &want[i]
		k := rowKey(w)
		seen[k] = true
		g, ok := byKey[k]
		if !ok {
			if !opts.Subset {
				diffs = append(diffs, fmt.Sprintf("%v: missing in got", k))
			}
			continue
		}
		diffs = append(diffs, compareRow(k, w, g, opts.Tol)...)
	}
	for i := range got {
		if k := rowKey(&got[i]); !seen[k] {
			diffs = append(diffs, fmt.Sprintf("%v: in got only", k))
		}
	}
	return diffs
}

func compareRow(k key, w, g *table.Row, tol float64) []string {
	var diffs []string
	add := func(col string, want, got any) {
		diffs = append(diffs, fmt.Sprintf("%v: %s: want %v, got %v", k, col, want, got))
	}
	if w.Arch != g.Arch {
		add("arch", w.Arch, g.Arch)
	}
	if w.Params != g.Params {
		add("params", w.Params, g.Params)
	}
	ints := []struct {
		name string
		w, g *int64
	}{{"macs", w.MACs, g.MACs}, {"flops", w.FLOPs, g.FLOPs}}
	for _, c := range ints {
		if (c.w == nil) != (c.g == nil) || c.w != nil && *c.w != *c.g {
			add(c.name, show(c.w), show(c.g))
		}
	}
	floats := []struct {
		name string
		w, g *float64
	}{
		{"train_loss", w.TrainLoss, g.TrainLoss},
		{"train_acc", w.TrainAcc, g.TrainAcc},
		{"valid_acc", w.ValidAcc, g.ValidAcc},
		{"test_acc", w.TestAcc, g.TestAcc},
	}
	for _, c := range floats {
		if (c.w == nil) != (c.g == nil) || c.w != nil && !near(*c.w, *c.g, tol) {
			add(c.name, show(c.w), show(c.g))
		}
	}
	return diffs
}

// near reports whether a and b agree within tol; NaN matches only NaN.
func near(a, b, tol float64) bool {
	if math.IsNaN(a) || math.IsNaN(b) {
		return math.IsNaN(a) && math.IsNaN(b)
	}
	return a == b || math.Abs(a-b) <= tol
}

func show[T any](p *T) string {
	if p == nil {
		return "NULL"
	}
	return fmt.Sprint(*p)
}

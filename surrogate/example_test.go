package surrogate_test

import (
	"fmt"

	"github.com/mfbench/mfbench/space"
	"github.com/mfbench/mfbench/surrogate"
	"github.com/mfbench/mfbench/table"
)

// Kendall's tau-b of two rankings with a tie: of the 10 pairs, one is tied in x,
// 7 are concordant and 2 discordant, so tau-b = 5 / sqrt(9 * 10).
func ExampleKendallTau() {
	x := []float64{0.91, 0.92, 0.92, 0.94, 0.95}
	y := []float64{0.90, 0.93, 0.91, 0.96, 0.92}
	tau, err := surrogate.KendallTau(x, y)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Printf("%.4f\n", tau)
	// Output: 0.5270
}

// Fit a surrogate on 2 % of NAS-Bench-Macro, predict an architecture it did not
// measure, and fill the table.
func ExampleFit() {
	full, err := table.Read("../testdata/nas-bench-macro.parquet")
	if err != nil {
		fmt.Println(err)
		return
	}
	part, err := surrogate.Subset(full, 0.02, 1)
	if err != nil {
		fmt.Println(err)
		return
	}
	s, err := surrogate.Fit(part, surrogate.Options{Model: surrogate.Ridge})
	if err != nil {
		fmt.Println(err)
		return
	}
	a, _ := space.Macro.Parse("11100000")
	p, err := s.Predict(a, 50)
	if err != nil {
		fmt.Println(err)
		return
	}
	idx, _ := space.Macro.Index(a)
	truth, _ := full.Lookup(idx, table.MeanSeed, 50)
	fmt.Printf("measured %d of %d; 11100000: predicted %.3f ± %.3f, real %.3f\n",
		part.Count(), full.Count(), p.Mean, p.Std, truth.TestAcc)

	f, err := surrogate.Fill(part, s, table.Test)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Printf("filled: %d rows, %d predicted\n", len(f.Rows), f.Predicted)
	// Output:
	// measured 131 of 6561; 11100000: predicted 0.864 ± 0.007, real 0.839
	// filled: 6561 rows, 6430 predicted
}

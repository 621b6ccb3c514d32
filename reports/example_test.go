package reports_test

import (
	"fmt"

	"github.com/mfbench/mfbench/reports"
)

// Two strategies' final best M over five seeds each: every run of b beats every run of a.
func ExampleCompare() {
	a := []float64{0.71, 0.74, 0.70, 0.76, 0.73}
	b := []float64{0.80, 0.79, 0.84, 0.78, 0.81}
	c, err := reports.Compare("a", a, "b", b)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Printf("p = %.4f (2 / C(10, 5) = 2/252), A12 = %.2f, %s effect\n", c.P, c.A12,
		reports.EffectSize(c.A12))
	// Output:
	// p = 0.0079 (2 / C(10, 5) = 2/252), A12 = 0.00, large effect
}

// A single run has a mean and a median but no interval, and the summary says why.
func ExampleSummarize() {
	for _, v := range [][]float64{{0.8}, {0.5, 0.5, 0.5, 0.5, 0.5, 0.5}} {
		s := reports.Summarize(v)
		fmt.Printf("n = %d: median %.2f, interval %v, notes %q\n", s.N, s.Median, s.HasMedianCI,
			s.Notes)
	}
	// Output:
	// n = 1: median 0.80, interval false, notes ["n = 1: a single run, no interval"]
	// n = 6: median 0.50, interval true, notes ["all 6 values equal"]
}

// The paper's random-search row (printed M 0.75) placed among four runs of ours.
func ExamplePercentile() {
	ours := []float64{0.9474, 0.7467, 0.7467, 0.5455}
	fmt.Println(reports.Percentile(ours, 0.75), reports.Percentile(ours, 0.7467))
	// Output:
	// 75 50
}

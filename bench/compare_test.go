package bench

import (
	"fmt"
	"testing"

	"golang.org/x/perf/benchmath"

	"github.com/mfbench/mfbench/strategies"
)

// chosen runs strategy st for 50 trials on seeds 0..999 and returns, per
// seed, the chosen architecture's M or test accuracy.
func chosen(t *testing.T, p *Problem, pr strategies.Profile, st string, acc bool) []float64 {
	t.Helper()
	seeds := make([]uint64, 1000)
	for i := range seeds {
		seeds[i] = uint64(i)
	}
	rs, err := RunSeeds(p, Options{Strategy: st, Profile: pr, Budget: Budget{Trials: 50}}, seeds, 0)
	if err != nil {
		t.Fatal(err)
	}
	v := make([]float64, len(rs))
	for i, r := range rs {
		v[i] = r.Chosen.M
		if acc {
			v[i] = r.Chosen.TestAcc
		}
	}
	return v
}

// beats checks that sample a has the larger mean and that a Mann-Whitney U
// test separates it from b at p < 0.01.
func beats(t *testing.T, label string, a, b []float64) {
	t.Helper()
	mean := func(v []float64) float64 {
		s := 0.0
		for _, x := range v {
			s += x
		}
		return s / float64(len(v))
	}
	th := benchmath.DefaultThresholds
	c := benchmath.AssumeNothing.Compare(benchmath.NewSample(append([]float64(nil), a...), &th),
		benchmath.NewSample(append([]float64(nil), b...), &th))
	msg := fmt.Sprintf("%s: mean %.4f vs %.4f, Mann-Whitney U p = %.3g", label, mean(a), mean(b), c.P)
	t.Log(msg)
	if !(mean(a) > mean(b)) || !(c.P < 0.01) {
		t.Error(msg + "; want a larger mean at p < 0.01")
	}
}

// TestReferenceStrategiesBeatRandom: in the reference profile, at 50
// trials over 1,000 seeds, regularized evolution, local search and TPE
// find a better M than random search on NAS-Bench-Macro, and regularized
// evolution a better test accuracy than random search on NAS-Bench-201
// (the published order, Dong and Yang 2020, Table 5).
func TestReferenceStrategiesBeatRandom(t *testing.T) {
	if testing.Short() {
		t.Skip("1,000 seeds per strategy; skipped with -short")
	}
	ref := strategies.Reference
	macro := shipped(t, "nas-bench-macro")
	rnd := chosen(t, macro, ref, "random", false)
	for _, st := range []string{"re", "local", "tpe"} {
		beats(t, "nas-bench-macro M "+st+" vs random", chosen(t, macro, ref, st, false), rnd)
	}

	// NAS-Bench-201 as published: search on accuracy alone.
	tb := shipped(t, "nas-bench-201").Table
	nb, err := NewProblem(tb, ProblemOptions{AccuracyOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	if nb.Optimum.Accuracy != nb.Optimum.M || nb.Optimum.Index != 6111 {
		t.Errorf("accuracy optimum %+v, want index 6111 (94.37 %%)", nb.Optimum)
	}
	beats(t, "nas-bench-201 test accuracy re vs random", chosen(t, nb, ref, "re", true),
		chosen(t, nb, ref, "random", true))
}

package bench

import (
	"errors"
	"fmt"
	"math"
	"path/filepath"
	"reflect"
	"strings"
	"sync"
	"testing"

	"github.com/mfbench/mfbench/space"
	"github.com/mfbench/mfbench/strategies"
	"github.com/mfbench/mfbench/table"
)

var (
	loadOnce sync.Once
	problems map[string]*Problem
	loadErr  error
)

// shipped returns the problem of a table shipped in ../testdata.
func problem(t testing.TB, name string) *Problem { return shipped(t, name) }

func shipped(t testing.TB, name string) *Problem {
	t.Helper()
	loadOnce.Do(func() {
		problems = map[string]*Problem{}
		for _, n := range []string{"nas-bench-macro", "nas-bench-201"} {
			tb, err := table.Read(filepath.Join("..", "testdata", n+".parquet"))
			if err != nil {
				loadErr = err
				return
			}
			p, err := NewProblem(tb, ProblemOptions{})
			if err != nil {
				loadErr = err
				return
			}
			problems[n] = p
		}
	})
	if loadErr != nil {
		t.Fatal(loadErr)
	}
	return problems[name]
}

func TestProblemOptimum(t *testing.T) {
	// Published facts (design.md sections 3): best M at beta 1.
	for _, tc := range []struct {
		space, arch string
		m, acc      float64
	}{
		{"nas-bench-macro", "11100000", 0.8461, 0},
		{"nas-bench-201", "", 0.9293, 0.868},
	} {
		p := shipped(t, tc.space)
		if math.Abs(p.Optimum.M-tc.m) > 5e-5 {
			t.Errorf("%s: optimum M %.5f, want %.4f", tc.space, p.Optimum.M, tc.m)
		}
		if tc.acc != 0 && math.Abs(p.Optimum.Accuracy-tc.acc) > 5e-4 {
			t.Errorf("%s: optimum accuracy %.4f, want %.3f", tc.space, p.Optimum.Accuracy, tc.acc)
		}
		if tc.arch != "" && p.Optimum.Arch != tc.arch {
			t.Errorf("%s: optimum %s, want %s", tc.space, p.Optimum.Arch, tc.arch)
		}
		if p.Column != table.Test {
			t.Errorf("%s: searched on %v, want test_acc (no validation accuracy)", tc.space, p.Column)
		}
	}
	t.Log(shipped(t, "nas-bench-201").Optimum)
}

func TestSameSeedSameRun(t *testing.T) {
	p := shipped(t, "nas-bench-macro")
	for _, pr := range []strategies.Profile{strategies.NNI, strategies.Reference} {
		for _, st := range strategies.Names {
			if st == "ppo" && testing.Short() {
				continue
			}
			o := Options{Strategy: st, Profile: pr, Seed: 42, Budget: Budget{Trials: 30}}
			a, err := Run(p, o)
			if err != nil {
				t.Fatal(err)
			}
			b, _ := Run(p, o)
			if !reflect.DeepEqual(a, b) {
				t.Errorf("%s/%s: two runs with seed 42 differ", pr.Name, st)
			}
			if len(a.Trials) != 30 || a.Stop != StopBudget {
				t.Errorf("%s/%s: %d trials, stop %s; want exactly 30, budget", pr.Name, st,
					len(a.Trials), a.Stop)
			}
			o.Seed = 43
			if c, _ := Run(p, o); reflect.DeepEqual(a.Trials, c.Trials) {
				t.Errorf("%s/%s: seeds 42 and 43 gave the same trials", pr.Name, st)
			}
		}
	}
}

func TestRunSeedsIndependentOfWorkers(t *testing.T) {
	p := shipped(t, "nas-bench-201")
	o := Options{Strategy: "re", Profile: strategies.Reference, Budget: Budget{Trials: 40}}
	seeds := []uint64{3, 1, 4, 1, 5, 9, 2, 6}
	one, err := RunSeeds(p, o, seeds, 1)
	if err != nil {
		t.Fatal(err)
	}
	many, _ := RunSeeds(p, o, seeds, 3)
	if !reflect.DeepEqual(one, many) {
		t.Error("results differ between 1 and 3 workers")
	}
	if !reflect.DeepEqual(one[1], one[3]) || one[0].Seed != 3 {
		t.Error("results are not in seed order")
	}
}

func TestTrajectory(t *testing.T) {
	p := shipped(t, "nas-bench-macro")
	r, err := Run(p, Options{Strategy: "re", Profile: strategies.NNI, Seed: 1,
		Budget: Budget{Trials: 200}})
	if err != nil {
		t.Fatal(err)
	}
	best, bestAt, repeats := math.Inf(-1), -1, 0
	seen := map[int]bool{}
	for i, tr := range r.Trials {
		// The observed value is that seed's M of test accuracy, recomputed here.
		e, err := p.Table.Lookup(tr.Index, tr.Seed, 50)
		if err != nil {
			t.Fatal(err)
		}
		s := float64(space.PMin(p.Space)) / float64(p.Table.Params(tr.Index))
		if m := 2 * e.TestAcc * s / (e.TestAcc + s); math.Abs(m-tr.Value) > 1e-12 {
			t.Fatalf("trial %d: value %v, want M %v", i, tr.Value, m)
		}
		if tr.Seed == table.MeanSeed {
			t.Fatalf("trial %d observed the seed mean; want one training seed", i)
		}
		if tr.Value > best {
			best, bestAt = tr.Value, tr.Index
		}
		if tr.Best != best {
			t.Fatalf("trial %d: best so far %v, want %v", i, tr.Best, best)
		}
		if tr.Repeat != seen[tr.Index] {
			t.Fatalf("trial %d: repeat flag %v", i, tr.Repeat)
		}
		if tr.Repeat {
			repeats++
		}
		seen[tr.Index] = true
	}
	if r.Repeats != repeats || repeats == 0 {
		t.Errorf("repeats %d, counted %d (NNI's RE does not deduplicate: want > 0)",
			r.Repeats, repeats)
	}
	c := r.Chosen
	if c.Index != bestAt || math.Abs(c.Regret-(p.Optimum.M-c.M)) > 1e-15 {
		t.Errorf("chosen %+v, want index %d", c, bestAt)
	}
	e, _ := p.Table.Lookup(c.Index, table.MeanSeed, 50)
	if c.TestAcc != e.TestAcc || c.Params != p.Table.Params(c.Index) {
		t.Errorf("chosen test acc %v params %d, want %v %d", c.TestAcc, c.Params, e.TestAcc,
			p.Table.Params(c.Index))
	}
	if !strings.Contains(r.Objective, "test_acc") || !strings.Contains(r.Objective, "one training seed") {
		t.Errorf("objective %q does not say test_acc, one training seed", r.Objective)
	}

	// Seed means when asked.
	r, _ = Run(p, Options{Strategy: "random", Seed: 1, Budget: Budget{Trials: 5}, SeedMean: true})
	for _, tr := range r.Trials {
		if tr.Seed != table.MeanSeed {
			t.Errorf("SeedMean run observed seed %d", tr.Seed)
		}
	}
}

func TestExhaustedSpaceEndsRun(t *testing.T) {
	// Local search never repeats: NAS-Bench-201 (15,625 cells) runs out.
	p := shipped(t, "nas-bench-201")
	r, err := Run(p, Options{Strategy: "local", Profile: strategies.Reference, Seed: 2,
		Budget: Budget{Trials: 20000}})
	if err != nil {
		t.Fatal(err)
	}
	if r.Stop != StopExhausted || len(r.Trials) != 15625 || r.Repeats != 0 {
		t.Errorf("stop %s after %d trials with %d repeats; want exhausted, 15625, 0",
			r.Stop, len(r.Trials), r.Repeats)
	}
	if r.Chosen.Index != p.Optimum.Index || r.Chosen.Regret != 0 {
		t.Errorf("chosen %+v after the whole space, want the optimum", r.Chosen)
	}
}

// partial returns the NAS-Bench-Macro table cut to the architectures with
// index < n, and with train_seconds = params / 1e4 when timed.
func partial(t *testing.T, n int, timed bool) *Problem {
	full := shipped(t, "nas-bench-macro").Table
	var rows []table.Row
	for _, r := range full.Rows() {
		if int(r.Index) < n {
			if timed {
				r.TrainSeconds = table.Float(float64(r.Params) / 1e4)
			}
			rows = append(rows, r)
		}
	}
	tb, err := table.New(full.Meta(), rows)
	if err != nil {
		t.Fatal(err)
	}
	p, err := NewProblem(tb, ProblemOptions{})
	if err != nil {
		t.Fatal(err)
	}
	return p
}

func TestUnanswerableTrial(t *testing.T) {
	p := partial(t, 100, false)
	r, err := Run(p, Options{Strategy: "random", Seed: 1, Budget: Budget{Trials: 50}})
	var miss *table.MissingError
	if !errors.As(err, &miss) {
		t.Fatalf("error %v, want a *table.MissingError", err)
	}
	if r == nil || r.Stop != StopUnanswerable {
		t.Fatalf("result %+v, want stop unanswerable", r)
	}
	for _, tr := range r.Trials {
		if tr.Index >= 100 {
			t.Errorf("trial of index %d recorded", tr.Index)
		}
	}
}

func TestTimeBudget(t *testing.T) {
	// Shipped tables record no time: a time budget is an error that says so.
	_, err := Run(shipped(t, "nas-bench-macro"), Options{Strategy: "random",
		Budget: Budget{Seconds: 1000}})
	if err == nil || !strings.Contains(err.Error(), "train_seconds") {
		t.Errorf("time budget on an untimed table: %v, want an error naming train_seconds", err)
	}

	// A timed table (train_seconds = params / 1e4): spend never exceeds the
	// budget, and the trial after the last would have.
	p := partial(t, 6561, true)
	const budget = 2000.0
	o := Options{Strategy: "re", Profile: strategies.Reference, Seed: 5,
		Budget: Budget{Seconds: budget}}
	r, err := Run(p, o)
	if err != nil {
		t.Fatal(err)
	}
	n := len(r.Trials)
	last := r.Trials[n-1].Seconds
	o.Budget = Budget{Trials: n + 1}
	more, _ := Run(p, o)
	next := more.Trials[n].Seconds // no time limit: the (n+1)th trial's running total
	if n < 5 || last > budget || next <= budget {
		t.Errorf("%d trials spent %v s; the next would reach %v s; budget %v", n, last, next,
			budget)
	}
	if !reflect.DeepEqual(more.Trials[:n], r.Trials) {
		t.Error("the time-limited run differs from the first trials of the longer one")
	}
}

// TestBadBeta: a negative, NaN or infinite beta is refused, naming the value.
func TestBadBeta(t *testing.T) {
	tb := problem(t, "nas-bench-201").Table
	for _, b := range []float64{-1, math.NaN(), math.Inf(1), math.Inf(-1)} {
		_, err := NewProblem(tb, ProblemOptions{Beta: b})
		if err == nil || !strings.Contains(err.Error(), fmt.Sprintf("beta %v,", b)) {
			t.Errorf("beta %v: err = %v", b, err)
		}
	}
}

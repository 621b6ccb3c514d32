package reports

import (
	"fmt"
	"math"
	"slices"
	"sort"
)

// Point is one architecture of a table as the report scores it.
type Point struct {
	Arch     string
	Accuracy float64 // test accuracy as a fraction (mean over the table's seeds)
	Params   int64
	M        float64 // M_beta of Accuracy and P_min / Params
}

// Trial is one evaluation of a search run.
type Trial struct {
	Point

	// BestM is the M of the run's pick after this trial: the score of the architecture the
	// run would return if it stopped here (its best observed so far, scored on test).
	BestM float64
}

// Run is one search run: a strategy with one seed on one table and budget.
type Run struct {
	Strategy string
	Seed     uint64
	Trials   []Trial // in order; fewer than the budget when the space ran out
	Pick     Point   // the architecture the run returned
}

// Experiment is a set of runs of several strategies on one table under one setting.
type Experiment struct {
	Name      string  // short identifier, used in file names: "nas-bench-macro-nni"
	Title     string  // a heading for the report
	Space     string  // search space name
	Table     string  // the table's file or description
	Profile   string  // settings profile of the strategies ("nni", "reference")
	Objective string  // what the strategies were told, e.g. "M of test accuracy"
	Beta      float64 // the beta of M_beta (1 gives M)
	Budget    int     // trials per run
	PMin      int64   // P_min of the space
	Optimum   Point   // the table's best architecture under M_beta
	Plane     []Point // every architecture of the table; may be nil (no plane figure)
	Runs      []Run
	Notes     []string // what a reader must know (stand-in tables, search on test, ...)
}

// ReachTolerance is the relative distance to the optimum's M within which a run counts
// as near the optimum in TrialsToNear: 1 %.
const ReachTolerance = 0.01

// StrategyStats is what the report says about one strategy of an experiment.
type StrategyStats struct {
	Strategy string
	Runs     int
	Best     Summary    // final best M (the pick's M) over runs
	Regret   Summary    // optimum M - pick M
	Accuracy Summary    // the pick's test accuracy
	Params   Summary    // the pick's params
	Reach    Proportion // runs whose pick is the optimum (same M)
	Near     Proportion // runs within ReachTolerance of the optimum's M by the budget

	// TrialsToNear summarises, over the runs that got within ReachTolerance, the first
	// trial (1-based) at which the pick was that close.
	TrialsToNear Summary

	// Top20Accuracy and Top20Params describe the best fifth (by M, at least one) of each
	// run's trials, pooled over runs.
	Top20Accuracy Summary
	Top20Params   Summary
	Top20         []Point // the pooled best fifths, for the figures
}

// Strategies returns the strategy names of e in first-seen order.
func (e *Experiment) Strategies() []string {
	var names []string
	for _, r := range e.Runs {
		if !slices.Contains(names, r.Strategy) {
			names = append(names, r.Strategy)
		}
	}
	return names
}

// RunsOf returns the runs of strategy s, in order.
func (e *Experiment) RunsOf(s string) []Run {
	var rs []Run
	for _, r := range e.Runs {
		if r.Strategy == s {
			rs = append(rs, r)
		}
	}
	return rs
}

// Stats computes the statistics of every strategy of e, in first-seen order.
func (e *Experiment) Stats() []StrategyStats {
	var out []StrategyStats
	for _, name := range e.Strategies() {
		out = append(out, e.strategyStats(name))
	}
	return out
}

func (e *Experiment) strategyStats(name string) StrategyStats {
	runs := e.RunsOf(name)
	st := StrategyStats{Strategy: name, Runs: len(runs)}
	var best, regret, acc, params, toNear, topAcc, topParams []float64
	reach, near := 0, 0
	target := e.Optimum.M * (1 - ReachTolerance)
	for _, r := range runs {
		best = append(best, r.Pick.M)
		regret = append(regret, e.Optimum.M-r.Pick.M)
		acc = append(acc, r.Pick.Accuracy)
		params = append(params, float64(r.Pick.Params))
		if r.Pick.M >= e.Optimum.M {
			reach++
		}
		for i, t := range r.Trials {
			if t.BestM >= target {
				near++
				toNear = append(toNear, float64(i+1))
				break
			}
		}
		for _, p := range TopFifth(r.Trials) {
			st.Top20 = append(st.Top20, p)
			topAcc = append(topAcc, p.Accuracy)
			topParams = append(topParams, float64(p.Params))
		}
	}
	st.Best, st.Regret = Summarize(best), Summarize(regret)
	st.Accuracy, st.Params = Summarize(acc), Summarize(params)
	st.Reach, st.Near = NewProportion(reach, len(runs)), NewProportion(near, len(runs))
	st.TrialsToNear = Summarize(toNear)
	st.Top20Accuracy, st.Top20Params = Summarize(topAcc), Summarize(topParams)
	return st
}

// TopFifth returns the best fifth of trials by M (ceil(n/5), at least one for a
// non-empty run), best first; ties keep trial order.
func TopFifth(trials []Trial) []Point {
	k := (len(trials) + 4) / 5
	ps := make([]Point, len(trials))
	for i, t := range trials {
		ps[i] = t.Point
	}
	sort.SliceStable(ps, func(i, j int) bool { return ps[i].M > ps[j].M })
	return ps[:k]
}

// Comparisons runs the rank test between every pair of strategies of e on the final best
// M, in first-seen order (A before B), with Holm's adjustment over all pairs.
func (e *Experiment) Comparisons() []Comparison {
	names := e.Strategies()
	var cs []Comparison
	for i, a := range names {
		for _, b := range names[i+1:] {
			c, err := Compare(a, e.bestOf(a), b, e.bestOf(b))
			if err != nil {
				continue // cannot happen: every listed strategy has runs
			}
			cs = append(cs, c)
		}
	}
	HolmAdjust(cs)
	return cs
}

func (e *Experiment) bestOf(s string) []float64 {
	var v []float64
	for _, r := range e.RunsOf(s) {
		v = append(v, r.Pick.M)
	}
	return v
}

// Curve is the anytime behaviour of one strategy: quartiles over runs of the best-so-far
// M at each trial 1..len(Median).
type Curve struct {
	Strategy       string
	Q1, Median, Q3 []float64
	Runs           []int // runs still going at each trial (a run that exhausted the space stops)
}

// Curves returns the anytime curve of every strategy of e, in first-seen order. A run
// shorter than the budget holds its last best M for the remaining trials (its answer does
// not change), and Runs counts only the runs that actually made each trial.
func (e *Experiment) Curves() []Curve {
	var out []Curve
	for _, name := range e.Strategies() {
		runs := e.RunsOf(name)
		n := 0
		for _, r := range runs {
			n = max(n, len(r.Trials))
		}
		c := Curve{Strategy: name, Q1: make([]float64, n), Median: make([]float64, n),
			Q3: make([]float64, n), Runs: make([]int, n)}
		col := make([]float64, 0, len(runs))
		for t := range n {
			col = col[:0]
			for _, r := range runs {
				if len(r.Trials) == 0 {
					continue
				}
				if t < len(r.Trials) {
					c.Runs[t]++
					col = append(col, r.Trials[t].BestM)
				} else {
					col = append(col, r.Trials[len(r.Trials)-1].BestM)
				}
			}
			sort.Float64s(col)
			c.Q1[t], c.Median[t], c.Q3[t] = Quantile(col, 0.25), Quantile(col, 0.5),
				Quantile(col, 0.75)
		}
		out = append(out, c)
	}
	return out
}

// ParetoFront returns the points of ps that no other point dominates (at least as
// accurate with no more params, and better in one), sorted by params ascending.
func ParetoFront(ps []Point) []Point {
	s := slices.Clone(ps)
	sort.SliceStable(s, func(i, j int) bool {
		if s[i].Params != s[j].Params {
			return s[i].Params < s[j].Params
		}
		return s[i].Accuracy > s[j].Accuracy
	})
	var front []Point
	bestAcc := math.Inf(-1)
	for _, p := range s {
		if p.Accuracy > bestAcc {
			front = append(front, p)
			bestAcc = p.Accuracy
		}
	}
	return front
}

// Validate checks that e can be reported: a name, a positive budget and P_min, a finite
// optimum, and runs whose values are finite. It returns the first problem found.
func (e *Experiment) Validate() error {
	if e.Name == "" {
		return fmt.Errorf("experiment %q: empty name", e.Title)
	}
	if e.Budget < 1 || e.PMin < 1 {
		return fmt.Errorf("experiment %s: budget %d and P_min %d, want both >= 1", e.Name,
			e.Budget, e.PMin)
	}
	if !finite(e.Optimum.M) {
		return fmt.Errorf("experiment %s: optimum M %v, want finite", e.Name, e.Optimum.M)
	}
	for i, r := range e.Runs {
		if r.Strategy == "" {
			return fmt.Errorf("experiment %s: run %d has no strategy", e.Name, i)
		}
		if !finite(r.Pick.M) || !finite(r.Pick.Accuracy) {
			return fmt.Errorf("experiment %s: run %d (%s seed %d): pick M %v accuracy %v, "+
				"want finite", e.Name, i, r.Strategy, r.Seed, r.Pick.M, r.Pick.Accuracy)
		}
		for j, t := range r.Trials {
			if !finite(t.M) || !finite(t.BestM) {
				return fmt.Errorf("experiment %s: run %d (%s seed %d) trial %d: M %v best %v, "+
					"want finite", e.Name, i, r.Strategy, r.Seed, j+1, t.M, t.BestM)
			}
		}
	}
	return nil
}

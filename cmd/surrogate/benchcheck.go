package main

import (
	"fmt"
	"io"
	"math"
	"slices"
	"strings"

	"github.com/mfbench/mfbench/bench"
	"github.com/mfbench/mfbench/strategies"
	"github.com/mfbench/mfbench/surrogate"
	"github.com/mfbench/mfbench/table"
)

// benchCheck is the benchmark-level validation: the strategies run on a table filled
// by the surrogate from a share of a real table and on the real table itself.
type benchCheck struct {
	Fraction   float64
	Draw       uint64 // seed of the subset
	Model      surrogate.Model
	Strategies []string
	Profile    strategies.Profile
	Trials     int
	Runs       int
}

// stratScore is one strategy's mean best M over the runs.
type stratScore struct {
	Name       string
	Real, RCI  float64 // on the real table: mean M and 95 % half-width
	Seen       float64 // on the filled table, as that table scores it
	True, TCI  float64 // the same choices scored on the real table
	RankReal   int
	RankFilled int
}

// runStrategies runs every strategy Runs times on p and returns, per strategy, the
// chosen architectures' indices.
func runStrategies(p *bench.Problem, c benchCheck) ([][]int, error) {
	seeds := make([]uint64, c.Runs)
	for i := range seeds {
		seeds[i] = uint64(i)
	}
	out := make([][]int, len(c.Strategies))
	for k, name := range c.Strategies {
		res, err := bench.RunSeeds(p, bench.Options{Strategy: name, Profile: c.Profile,
			Budget: bench.Budget{Trials: c.Trials}, SeedMean: true}, seeds, 0)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", name, err)
		}
		for _, r := range res {
			if len(r.Trials) > 0 {
				out[k] = append(out[k], r.Chosen.Index)
			}
		}
	}
	return out, nil
}

// meanCI returns the mean of p's scores of the chosen indices and the half-width of
// its normal 95 % interval.
func meanCI(p *bench.Problem, chosen []int) (float64, float64) {
	v := make([]float64, len(chosen))
	for i, idx := range chosen {
		v[i] = p.Score(idx)
	}
	var s, ss float64
	for _, x := range v {
		s += x
	}
	m := s / float64(len(v))
	for _, x := range v {
		ss += (x - m) * (x - m)
	}
	if len(v) < 2 {
		return m, math.NaN()
	}
	return m, 1.96 * math.Sqrt(ss/float64(len(v)-1)/float64(len(v)))
}

// ranks returns the rank (1 = best) of each value, larger first.
func rankDesc(v []float64) []int {
	idx := make([]int, len(v))
	for i := range idx {
		idx[i] = i
	}
	slices.SortStableFunc(idx, func(a, b int) int {
		switch {
		case v[a] > v[b]:
			return -1
		case v[a] < v[b]:
			return 1
		}
		return 0
	})
	r := make([]int, len(v))
	for k, i := range idx {
		r[i] = k + 1
	}
	return r
}

// benchValidation runs c on the real table and on filled tables, and writes the
// Markdown section.
func benchValidation(w io.Writer, real *table.Table, c benchCheck, draws []uint64,
	models []surrogate.Model) error {
	rp, err := bench.NewProblem(real, bench.ProblemOptions{})
	if err != nil {
		return err
	}
	realChosen, err := runStrategies(rp, c)
	if err != nil {
		return fmt.Errorf("real table: %w", err)
	}
	realM := make([]float64, len(c.Strategies))
	realCI := make([]float64, len(c.Strategies))
	for k := range c.Strategies {
		realM[k], realCI[k] = meanCI(rp, realChosen[k])
	}
	realRank := rankDesc(realM)

	fmt.Fprintf(w, "Strategies (profile %s) run %d times each for %d trials, observing "+
		"seed-mean accuracy, on the real %s table and on tables filled by the surrogate "+
		"from %.3g %% of its architectures (drawn with the seeds shown). Score: mean M "+
		"(beta 1) of the chosen architectures; \"seen\" is M as the filled table scores "+
		"it, \"true\" the same choices scored on the real table. 95 %% intervals are "+
		"normal, over runs.\n\n", c.Profile.Name, c.Runs, c.Trials, real.Space().Name(),
		100*c.Fraction)

	var summary []string
	for _, m := range models {
		for _, d := range draws {
			part, err := surrogate.Subset(real, c.Fraction, d)
			if err != nil {
				return err
			}
			s, err := surrogate.Fit(part, surrogate.Options{Model: m, Seed: d})
			if err != nil {
				return err
			}
			f, err := surrogate.Fill(part, s, table.Test)
			if err != nil {
				return err
			}
			ft, err := table.New(f.Meta, f.Rows)
			if err != nil {
				return err
			}
			fp, err := bench.NewProblem(ft, bench.ProblemOptions{})
			if err != nil {
				return err
			}
			chosen, err := runStrategies(fp, c)
			if err != nil {
				return fmt.Errorf("filled table: %w", err)
			}
			rows := make([]stratScore, len(c.Strategies))
			seen := make([]float64, len(c.Strategies))
			for k, name := range c.Strategies {
				rows[k] = stratScore{Name: name, Real: realM[k], RCI: realCI[k]}
				rows[k].Seen, _ = meanCI(fp, chosen[k])
				rows[k].True, rows[k].TCI = meanCI(rp, chosen[k])
				seen[k] = rows[k].Seen
			}
			fillRank := rankDesc(seen)
			for k := range rows {
				rows[k].RankReal, rows[k].RankFilled = realRank[k], fillRank[k]
			}
			tau, terr := surrogate.KendallTau(realM, seen)
			preserved := slices.Equal(realRank, fillRank)

			fmt.Fprintf(w, "Model %s, subset seed %d: %d measured, %d predicted; filled "+
				"optimum %s (M %.4f there, %.4f on the real table; real optimum %s, M %.4f).\n\n",
				m, d, part.Count(), f.Predicted, fp.Optimum.Arch, fp.Optimum.M,
				rp.Score(fp.Optimum.Index), rp.Optimum.Arch, rp.Optimum.M)
			fmt.Fprintln(w, "| strategy | real M | rank | filled M seen | rank | "+
				"filled choices, true M |")
			fmt.Fprintln(w, "|---|---|---|---|---|---|")
			for _, r := range rows {
				fmt.Fprintf(w, "| %s | %.4f ± %.4f | %d | %.4f | %d | %.4f ± %.4f |\n",
					r.Name, r.Real, r.RCI, r.RankReal, r.Seen, r.RankFilled, r.True, r.TCI)
			}
			verdict := "preserved"
			if !preserved {
				verdict = "not preserved: " + swaps(c.Strategies, realM, realCI, seen)
			}
			if u := unresolved(c.Strategies, realM, realCI); u != "" {
				verdict += "; on the real table the 95 % intervals of " + u +
					" overlap, so their order is not resolved by these runs"
			}
			taus := "undefined"
			if terr == nil {
				taus = fmt.Sprintf("%.2f", tau)
			}
			fmt.Fprintf(w, "\nRanking by mean best M %s (Kendall tau between the two "+
				"rankings %s).\n\n", verdict, taus)
			summary = append(summary, fmt.Sprintf("| %s | %d | %s | %s |", m, d,
				map[bool]string{true: "yes", false: "no"}[preserved], taus))
		}
	}
	fmt.Fprintln(w, "Summary:")
	fmt.Fprintln(w)
	fmt.Fprintln(w, "| model | subset seed | ranking preserved | Kendall tau of rankings |")
	fmt.Fprintln(w, "|---|---|---|---|")
	fmt.Fprintln(w, strings.Join(summary, "\n"))
	fmt.Fprintln(w)
	return nil
}

// swaps lists the pairs of strategies that the filled table orders differently from
// the real one, saying whether the real difference is inside the 95 % intervals.
func swaps(names []string, real, ci, seen []float64) string {
	var out []string
	for i := range names {
		for j := i + 1; j < len(names); j++ {
			if (real[i]-real[j])*(seen[i]-seen[j]) < 0 {
				close := "real difference outside the intervals"
				if math.Abs(real[i]-real[j]) < ci[i]+ci[j] {
					close = "real intervals overlap"
				}
				out = append(out, fmt.Sprintf("%s/%s swapped (%s)", names[i], names[j], close))
			}
		}
	}
	return strings.Join(out, "; ")
}

// unresolved lists the pairs of strategies whose real means differ by less than the
// sum of their 95 % half-widths.
func unresolved(names []string, real, ci []float64) string {
	var out []string
	for i := range names {
		for j := i + 1; j < len(names); j++ {
			if math.Abs(real[i]-real[j]) < ci[i]+ci[j] {
				out = append(out, names[i]+"/"+names[j])
			}
		}
	}
	return strings.Join(out, ", ")
}

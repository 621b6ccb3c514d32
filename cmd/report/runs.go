package main

import (
	"fmt"
	"math"

	"github.com/mfbench/mfbench/bench"
	"github.com/mfbench/mfbench/metric"
	"github.com/mfbench/mfbench/reports"
	"github.com/mfbench/mfbench/space"
	"github.com/mfbench/mfbench/strategies"
	"github.com/mfbench/mfbench/table"
)

// profileStrategies is what each profile runs, as cmd/mfbench and the benchmarks do.
var profileStrategies = map[string][]string{
	"nni":       {"random", "re", "tpe", "ppo"},
	"reference": {"random", "re", "tpe", "reinforce", "local"},
}

// scored holds, per architecture index, what the report scores: the seed-mean test
// accuracy, the params and M_beta. ok is false where the table lacks the architecture.
type scored struct {
	pts []reports.Point
	ok  []bool
}

func score(p *bench.Problem, beta float64) scored {
	sp, t := p.Space, p.Table
	pmin := space.PMin(sp)
	n := sp.Len()
	s := scored{pts: make([]reports.Point, n), ok: make([]bool, n)}
	for i := range n {
		e, err := t.Lookup(i, table.MeanSeed, p.Epoch)
		if err != nil || math.IsNaN(e.TestAcc) {
			continue
		}
		par := t.Params(i)
		s.pts[i] = reports.Point{Arch: sp.String(sp.Arch(i)), Accuracy: e.TestAcc, Params: par,
			M: metric.MBeta(e.TestAcc, metric.Efficiency(par, pmin), beta)}
		s.ok[i] = true
	}
	return s
}

// experiment runs every strategy of profile prof on the table at path.
func experiment(c *config, path, prof string) (*reports.Experiment, error) {
	t, err := table.Read(path)
	if err != nil {
		return nil, err
	}
	p, err := bench.NewProblem(t, bench.ProblemOptions{Beta: c.beta})
	if err != nil {
		return nil, err
	}
	profile, err := strategies.ProfileByName(prof)
	if err != nil {
		return nil, err
	}
	sc := score(p, c.beta)
	name := p.Space.Name()
	e := &reports.Experiment{
		Name:      name + "-" + prof,
		Title:     fmt.Sprintf("%s, %s profile", name, prof),
		Space:     name,
		Table:     path,
		Profile:   prof,
		Objective: p.Objective(false),
		Beta:      c.beta,
		Budget:    c.trials,
		PMin:      space.PMin(p.Space),
		Optimum: reports.Point{Arch: p.Optimum.Arch, Accuracy: p.Optimum.Accuracy,
			Params: p.Optimum.Params, M: p.Optimum.M},
	}
	for i, ok := range sc.ok {
		if ok {
			e.Plane = append(e.Plane, sc.pts[i])
		}
	}
	if p.Column == table.Test {
		e.Notes = append(e.Notes, "The table records no validation accuracy: the strategies "+
			"searched on test accuracy, the oracle setting; rankings carry over, absolute "+
			"numbers are optimistic.")
	}
	if len(p.Seeds) == 0 {
		e.Notes = append(e.Notes, "The table holds seed means only: a trial observes the "+
			"mean, with no training noise.")
	}

	exhausted := 0
	for _, st := range profileStrategies[prof] {
		n := c.seeds
		if v, ok := c.seedsFor[st]; ok {
			n = v
		}
		seeds := make([]uint64, n)
		for i := range seeds {
			seeds[i] = uint64(i)
		}
		o := bench.Options{Strategy: st, Profile: profile, Budget: bench.Budget{Trials: c.trials}}
		rs, err := bench.RunSeeds(p, o, seeds, c.workers)
		if err != nil {
			return nil, fmt.Errorf("%s, %s profile: %w", name, prof, err)
		}
		for _, r := range rs {
			if r.Stop == bench.StopExhausted {
				exhausted++
			}
			e.Runs = append(e.Runs, convert(r, sc))
		}
		if n != c.seeds {
			e.Notes = append(e.Notes, fmt.Sprintf("%s ran %d seeds, not %d (-seeds-for).",
				st, n, c.seeds))
		}
	}
	if exhausted > 0 {
		e.Notes = append(e.Notes, fmt.Sprintf("%d runs ended early: the strategy had nothing "+
			"left to propose.", exhausted))
	}
	return e, nil
}

// convert turns a bench result into the report's run: each trial scored on the table,
// and the pick after each trial being the trial with the highest observed value so far
// (the first on ties), as bench chooses.
func convert(r *bench.Result, sc scored) reports.Run {
	run := reports.Run{Strategy: r.Strategy, Seed: r.Seed, Trials: make([]reports.Trial,
		len(r.Trials))}
	best, pick := math.Inf(-1), -1
	for i, t := range r.Trials {
		if t.Value > best {
			best, pick = t.Value, t.Index
		}
		run.Trials[i] = reports.Trial{Point: sc.pts[t.Index], BestM: sc.pts[pick].M}
	}
	if len(r.Trials) > 0 {
		run.Pick = sc.pts[r.Chosen.Index]
	}
	return run
}

// betas are the weights at which the report shows the tables' optimum.
var betas = []float64{0.25, 0.5, 1, 2, 4}

// tableInfo describes the table at path and its optimum for each of betas.
func tableInfo(path string) (reports.TableInfo, error) {
	t, err := table.Read(path)
	if err != nil {
		return reports.TableInfo{}, err
	}
	m := t.Meta()
	ti := reports.TableInfo{Path: path, Space: m.Space, Architectures: t.Count(),
		SpaceSize: t.Space().Len(), Aggregate: m.Aggregate, Source: m.Source}
	for _, b := range betas {
		o, err := t.Best(b, table.Test, t.MaxEpoch())
		if err != nil {
			return ti, err
		}
		ti.Optima = append(ti.Optima, reports.BetaOptimum{Beta: b, Point: reports.Point{
			Arch: o.Arch, Accuracy: o.Accuracy, Params: o.Params, M: o.M}})
	}
	return ti, nil
}

package bench

import (
	"errors"
	"fmt"
	"math"
	"math/rand/v2"

	"github.com/mfbench/mfbench/metric"
	"github.com/mfbench/mfbench/space"
	"github.com/mfbench/mfbench/strategies"
	"github.com/mfbench/mfbench/table"
)

// ProblemOptions configures NewProblem. The zero value searches M (beta 1)
// at the table's last epoch.
type ProblemOptions struct {
	// Beta of M_beta; 0 means 1. NewProblem refuses a negative, NaN or
	// infinite beta.
	Beta float64

	// Epoch whose accuracies are searched and reported; 0 means the
	// table's largest epoch.
	Epoch int64

	// AccuracyOnly searches and scores accuracy alone (the limit of M_beta
	// as beta tends to 0), as NAS-Bench-201's published results do; Beta
	// is then ignored.
	AccuracyOnly bool
}

// Problem is a table prepared for many runs: every objective value is
// looked up once. It is immutable and safe for concurrent use.
type Problem struct {
	Table   *table.Table
	Space   space.Space
	Beta    float64
	Epoch   int64
	Column  table.Column  // accuracy searched on: Valid where the table has it, else Test
	Seeds   []int64       // training seeds a trial draws from; empty: the table has means only
	Optimum table.Optimum // best score (M) of the seed-mean test accuracy
	HasTime bool          // the table records train_seconds
	// AccuracyOnly: the score is accuracy, not M_beta (see ProblemOptions).
	AccuracyOnly bool

	pmin  int64
	slots int       // len(Seeds) + 1; slot 0 is the seed mean
	obj   []float64 // index*slots + slot: the objective, NaN when the table lacks it
	secs  []float64 // same layout: train_seconds, NaN when not recorded
	final []float64 // index: M_beta of the seed-mean test accuracy, NaN when lacking
	test  []float64 // index: the seed-mean test accuracy
}

// NewProblem prepares t for search.
func NewProblem(t *table.Table, o ProblemOptions) (*Problem, error) {
	if t == nil {
		return nil, errors.New("bench: nil table")
	}
	if o.Beta == 0 {
		o.Beta = 1
	}
	if !(o.Beta > 0) || math.IsInf(o.Beta, 0) {
		return nil, fmt.Errorf("bench: beta %v, want a finite number > 0", o.Beta)
	}
	if o.Epoch == 0 {
		o.Epoch = t.MaxEpoch()
	}
	sp := t.Space()
	p := &Problem{Table: t, Space: sp, Beta: o.Beta, Epoch: o.Epoch, pmin: space.PMin(sp),
		AccuracyOnly: o.AccuracyOnly}
	if t.HasValid() {
		p.Column = table.Valid
	}
	for _, s := range t.Seeds() {
		if s != table.MeanSeed {
			p.Seeds = append(p.Seeds, s)
		}
	}
	// Look every (architecture, seed) up once.
	n := sp.Len()
	p.slots = len(p.Seeds) + 1
	p.obj = make([]float64, n*p.slots)
	p.secs = make([]float64, n*p.slots)
	p.final = make([]float64, n)
	p.test = make([]float64, n)
	for i := range n {
		var s float64
		p.test[i], p.final[i] = math.NaN(), math.NaN()
		if t.Has(i) {
			s = metric.Efficiency(t.Params(i), p.pmin)
		}
		for slot := range p.slots {
			var seed int64 = table.MeanSeed
			if slot > 0 {
				seed = p.Seeds[slot-1]
			}
			k := i*p.slots + slot
			p.obj[k], p.secs[k] = math.NaN(), math.NaN()
			e, err := t.Lookup(i, seed, p.Epoch)
			if err != nil {
				continue
			}
			if a := e.Accuracy(p.Column); !math.IsNaN(a) {
				p.obj[k] = p.score(a, s)
			}
			p.secs[k] = e.TrainSeconds
			if !math.IsNaN(e.TrainSeconds) {
				p.HasTime = true
			}
			if slot == 0 {
				p.test[i] = e.TestAcc
				p.final[i] = p.score(e.TestAcc, s)
			}
		}
	}

	// The optimum: the best score of the seed-mean test accuracy, ties to
	// the smaller index.
	best := -1
	for i, m := range p.final {
		if !math.IsNaN(m) && (best < 0 || m > p.final[best]) {
			best = i
		}
	}
	if best < 0 {
		return nil, fmt.Errorf("bench: table of %s has no seed-mean test accuracy at epoch %d",
			sp.Name(), p.Epoch)
	}
	p.Optimum = table.Optimum{Index: best, Arch: sp.String(sp.Arch(best)),
		Accuracy: p.test[best], Params: t.Params(best), M: p.final[best]}
	return p, nil
}

// score is M_beta of accuracy a and size efficiency s, or a alone.
func (p *Problem) score(a, s float64) float64 {
	if p.AccuracyOnly {
		return a
	}
	return metric.MBeta(a, s, p.Beta)
}

// Objective describes what a run on p maximises.
func (p *Problem) Objective(seedMean bool) string {
	obs := "one training seed per trial"
	switch {
	case len(p.Seeds) == 0:
		obs = "seed mean per trial (the table holds only means)"
	case seedMean:
		obs = "seed mean per trial"
	}
	if p.AccuracyOnly {
		return fmt.Sprintf("%s alone, epoch %d, %s", p.Column, p.Epoch, obs)
	}
	return fmt.Sprintf("M_beta(%s), beta %g, epoch %d, %s", p.Column, p.Beta, p.Epoch, obs)
}

// Budget limits a run. A zero field is no limit; at least one must be set.
type Budget struct {
	Trials  int     // number of trials
	Seconds float64 // simulated training seconds (the table's train_seconds)
}

// Options configures one run.
type Options struct {
	Strategy string             // a name of strategies.Names
	Profile  strategies.Profile // settings; the zero value means each strategy's defaults
	Seed     uint64             // the run's random source
	Budget   Budget
	SeedMean bool // observe the seed mean instead of one drawn training seed
}

// Stop says why a run ended.
type Stop string

const (
	StopBudget       Stop = "budget"       // trials or seconds spent
	StopExhausted    Stop = "exhausted"    // the strategy had nothing left to propose
	StopUnanswerable Stop = "unanswerable" // the table could not answer a trial
)

// Trial is one evaluated architecture.
type Trial struct {
	Index   int     // architecture index in the space
	Arch    []int   // choices, as space.Arch
	Seed    int64   // training seed observed, table.MeanSeed for the seed mean
	Value   float64 // observed objective
	Best    float64 // best observed objective so far, this trial included
	Seconds float64 // simulated seconds so far, this trial included (times the table lacks count 0)
	Repeat  bool    // the architecture was evaluated before in this run
}

// Chosen is the architecture a run returns and its true score.
type Chosen struct {
	Index   int
	Arch    string  // canonical string
	Value   float64 // its observed objective
	TestAcc float64 // seed-mean test accuracy
	Params  int64
	M       float64 // score of TestAcc: M_beta, or TestAcc itself with AccuracyOnly
	Regret  float64 // Problem.Optimum.M - M
}

// Result is the outcome of one run.
type Result struct {
	Space     string
	Strategy  string
	Profile   string
	Seed      uint64
	Objective string // what was maximised, see Problem.Objective
	Trials    []Trial
	Repeats   int
	Stop      Stop
	Chosen    Chosen // valid when len(Trials) > 0
}

// Run runs one search. It returns an error for invalid options, and, with
// the partial result, for a trial the table cannot answer.
func Run(p *Problem, o Options) (*Result, error) {
	if o.Budget.Trials < 0 || o.Budget.Seconds < 0 || math.IsNaN(o.Budget.Seconds) {
		return nil, fmt.Errorf("bench: negative budget %+v", o.Budget)
	}
	if o.Budget.Trials == 0 && o.Budget.Seconds == 0 {
		return nil, errors.New("bench: no budget: set trials or seconds")
	}
	if o.Budget.Seconds > 0 && !p.HasTime {
		return nil, fmt.Errorf("bench: table of %s records no train_seconds: "+
			"a budget in simulated seconds needs them; use a trial budget", p.Space.Name())
	}
	srng := rand.New(rand.NewPCG(o.Seed, 0x5eed5))
	orng := rand.New(rand.NewPCG(o.Seed, 0x0b5e7))
	s, err := strategies.New(o.Strategy, p.Space.Dims(), srng, o.Profile)
	if err != nil {
		return nil, fmt.Errorf("bench: %w", err)
	}
	r := &Result{Space: p.Space.Name(), Strategy: o.Strategy, Profile: o.Profile.Name,
		Seed: o.Seed, Objective: p.Objective(o.SeedMean), Stop: StopBudget}
	if o.Budget.Trials > 0 {
		r.Trials = make([]Trial, 0, o.Budget.Trials)
	}
	seen := make(map[int]bool)
	best, spent := math.Inf(-1), 0.0
	for o.Budget.Trials == 0 || len(r.Trials) < o.Budget.Trials {
		a, err := s.Ask()
		if errors.Is(err, strategies.ErrExhausted) {
			r.Stop = StopExhausted
			break
		}
		if err != nil {
			return r, fmt.Errorf("bench: %s: trial %d: %w", o.Strategy, len(r.Trials)+1, err)
		}
		idx, err := p.Space.Index(a)
		if err != nil {
			return r, fmt.Errorf("bench: %s proposed %v: %w", o.Strategy, a, err)
		}

		// Observe: one training seed, or the mean.
		slot, seed := 0, int64(table.MeanSeed)
		if !o.SeedMean && len(p.Seeds) > 0 {
			slot = 1 + orng.IntN(len(p.Seeds))
			seed = p.Seeds[slot-1]
		}
		v, sec := p.obj[idx*p.slots+slot], p.secs[idx*p.slots+slot]
		if math.IsNaN(v) || (o.Budget.Seconds > 0 && math.IsNaN(sec)) {
			r.Stop = StopUnanswerable
			_, lerr := p.Table.Lookup(idx, seed, p.Epoch)
			if lerr == nil {
				lerr = &table.MissingError{Space: p.Space.Name(), Arch: p.Space.String(a),
					Seed: seed, Epoch: p.Epoch, What: "objective or train_seconds not measured"}
			}
			return r, fmt.Errorf("bench: %s: trial %d: %w", o.Strategy, len(r.Trials)+1, lerr)
		}
		if o.Budget.Seconds > 0 && spent+sec > o.Budget.Seconds {
			break
		}
		if !math.IsNaN(sec) {
			spent += sec
		}

		// Record, then tell.
		t := Trial{Index: idx, Arch: a, Seed: seed, Value: v, Seconds: spent, Repeat: seen[idx]}
		if t.Repeat {
			r.Repeats++
		}
		seen[idx] = true
		if v > best {
			best = v
			r.Chosen.Index, r.Chosen.Value = idx, v
		}
		t.Best = best
		r.Trials = append(r.Trials, t)
		if err := s.Tell(a, v); err != nil {
			return r, fmt.Errorf("bench: %s: trial %d: %w", o.Strategy, len(r.Trials), err)
		}
	}

	// Score the chosen architecture.
	if len(r.Trials) > 0 {
		c := &r.Chosen
		c.Arch = p.Space.String(p.Space.Arch(c.Index))
		c.TestAcc, c.M = p.test[c.Index], p.final[c.Index]
		c.Params = p.Table.Params(c.Index)
		c.Regret = p.Optimum.M - c.M
	}
	return r, nil
}

// Value returns the objective a trial of the architecture with the given
// index observes for training seed seed (table.MeanSeed for the mean), or
// NaN when the table cannot answer it.
func (p *Problem) Value(index int, seed int64) float64 {
	if index < 0 || index >= p.Space.Len() {
		return math.NaN()
	}
	if seed == table.MeanSeed {
		return p.obj[index*p.slots]
	}
	for i, s := range p.Seeds {
		if s == seed {
			return p.obj[index*p.slots+1+i]
		}
	}
	return math.NaN()
}

// Score returns the score of the seed-mean test accuracy of the
// architecture with the given index (what Chosen.M reports), or NaN.
func (p *Problem) Score(index int) float64 {
	if index < 0 || index >= p.Space.Len() {
		return math.NaN()
	}
	return p.final[index]
}

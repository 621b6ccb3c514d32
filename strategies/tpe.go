package strategies

import (
	"cmp"
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
)

// TPEEstimator selects the Parzen estimator of the categorical choices.
type TPEEstimator int

const (
	// OptunaParzen is Optuna's (3.x, TPESampler, independent sampling): a
	// mixture of one kernel per observation plus a uniform prior kernel;
	// an observation's kernel puts weight 1 on its choice and
	// prior/(n+1) on every choice. The good group is the ceil(Gamma*n)
	// best observations, at most 25 (Gamma 0.1 by default).
	OptunaParzen TPEEstimator = iota

	// HyperoptParzen is hyperopt's (0.2, tpe.suggest): choice counts plus
	// a pseudocount of prior on every choice. The good group is the
	// ceil(Gamma*sqrt(n)) best observations, at most 25 (Gamma 0.25).
	HyperoptParzen
)

func (e TPEEstimator) String() string {
	switch e {
	case OptunaParzen:
		return "optuna"
	case HyperoptParzen:
		return "hyperopt"
	}
	return fmt.Sprintf("TPEEstimator(%d)", int(e))
}

// TPESettings configures the tree-structured Parzen estimator (Bergstra
// et al. 2011) over categorical positions, each position modelled
// independently, as both Optuna's default and hyperopt's TPE do. The zero
// value is Optuna's TPESampler defaults; the NNI profile sets hyperopt's
// TPE as NNI wired it.
type TPESettings struct {
	// Estimator: OptunaParzen (zero value) or HyperoptParzen.
	Estimator TPEEstimator

	// Startup is the number of uniform random proposals before the model
	// is used; 0 means 10 (Optuna; hyperopt's is 20).
	Startup int

	// Gamma sizes the good group (see TPEEstimator); 0 means 0.1 for
	// OptunaParzen and 0.25 for HyperoptParzen.
	Gamma float64

	// Candidates drawn from the good model per position, the one with the
	// best ratio l(x)/g(x) chosen; 0 means 24.
	Candidates int

	// PriorWeight is the weight of the uniform prior; 0 means 1.
	PriorWeight float64

	// Minimize makes TPE treat lower observed values as better. NNI's
	// TPEStrategy built its tuner with optimize_mode "minimize" and fed it
	// accuracy, so the paper's TPE searched for the worst architectures;
	// the NNI profile sets this to reproduce that.
	Minimize bool

	// RandomOnDuplicate replaces a model proposal equal to an earlier
	// proposal by one uniform random draw (which may repeat), as NNI's
	// hyperopt tuner does.
	RandomOnDuplicate bool
}

// forgettingWeights gives observation weights, oldest first: ones up to
// 25 observations, then a ramp from 1/n up to 1 over all but the newest
// 25 (both Optuna's default_weights and hyperopt's linear forgetting).
func forgettingWeights(n int, w []float64) []float64 {
	w = w[:0]
	const flat = 25
	if n < flat {
		for range n {
			w = append(w, 1)
		}
		return w
	}
	ramp := n - flat
	for i := range ramp { // numpy.linspace(1/n, 1, ramp)
		if ramp == 1 {
			w = append(w, 1/float64(n))
			continue
		}
		t := float64(i) / float64(ramp-1)
		w = append(w, 1/float64(n)+t*(1-1/float64(n)))
	}
	for range flat {
		w = append(w, 1)
	}
	return w
}

type tpe struct {
	dims []int
	rng  *rand.Rand
	s    TPESettings
	hist []member // oldest first
	seen map[string]bool

	// scratch
	order      []int
	below      []int
	above      []int
	w          []float64
	pl, pg, pc []float64
}

// NewTPE returns TPE.
func NewTPE(dims []int, rng *rand.Rand, s TPESettings) (Strategy, error) {
	if err := checkDims("tpe", dims, rng); err != nil {
		return nil, err
	}
	if s.Startup == 0 {
		s.Startup = 10
	}
	if s.Gamma == 0 {
		s.Gamma = 0.1
		if s.Estimator == HyperoptParzen {
			s.Gamma = 0.25
		}
	}
	if s.Candidates == 0 {
		s.Candidates = 24
	}
	if s.PriorWeight == 0 {
		s.PriorWeight = 1
	}
	if s.Startup < 1 || s.Gamma < 0 || s.Candidates < 1 || s.PriorWeight < 0 ||
		!finite(s.Gamma, s.PriorWeight) ||
		(s.Estimator != OptunaParzen && s.Estimator != HyperoptParzen) {
		return nil, fmt.Errorf("strategies: tpe: invalid settings %+v", s)
	}
	t := &tpe{dims: dims, rng: rng, s: s}
	if s.RandomOnDuplicate {
		t.seen = make(map[string]bool)
	}
	return newSequential("tpe", t), nil
}

func (t *tpe) tell(arch []int, value float64) {
	if t.s.Minimize {
		value = -value // internally always maximise
	}
	t.hist = append(t.hist, member{arch, value})
}

func (t *tpe) ask() ([]int, error) {
	a := t.suggest()
	if t.seen != nil {
		if t.seen[key(a)] {
			a = uniformArch(t.dims, t.rng)
		}
		t.seen[key(a)] = true
	}
	return a, nil
}

func (t *tpe) suggest() []int {
	n := len(t.hist)
	if n < t.s.Startup {
		return uniformArch(t.dims, t.rng)
	}

	// Split: the nBelow best observations (stable by trial order) are good.
	var nBelow int
	if t.s.Estimator == HyperoptParzen {
		nBelow = int(math.Ceil(t.s.Gamma * math.Sqrt(float64(n))))
	} else {
		nBelow = int(math.Ceil(t.s.Gamma * float64(n)))
	}
	nBelow = min(nBelow, 25, n)
	t.order = t.order[:0]
	for i := range n {
		t.order = append(t.order, i)
	}
	slices.SortStableFunc(t.order, func(i, j int) int {
		return cmp.Compare(t.hist[j].value, t.hist[i].value)
	})
	t.below = append(t.below[:0], t.order[:nBelow]...)
	t.above = append(t.above[:0], t.order[nBelow:]...)
	slices.Sort(t.below) // back to trial order for the forgetting weights
	slices.Sort(t.above)

	// Per position: draw candidates from l, keep the best log l - log g.
	a := make([]int, len(t.dims))
	for i, d := range t.dims {
		t.pl = t.density(t.pl, t.below, i, d)
		t.pg = t.density(t.pg, t.above, i, d)
		best, bestScore := 0, math.Inf(-1)
		for range t.s.Candidates {
			c := categorical(t.pl, t.rng)
			if s := math.Log(t.pl[c]) - math.Log(t.pg[c]); s > bestScore {
				best, bestScore = c, s
			}
		}
		a[i] = best
	}
	return a
}

// density returns the estimator's probability of each of the d choices
// of position pos, given the observations obs (indices into hist, in
// trial order).
func (t *tpe) density(p []float64, obs []int, pos, d int) []float64 {
	p = p[:0]
	for range d {
		p = append(p, 0)
	}
	t.w = forgettingWeights(len(obs), t.w)
	pw := t.s.PriorWeight

	if t.s.Estimator == HyperoptParzen {
		sum := 0.0
		for k, o := range obs {
			p[t.hist[o].arch[pos]] += t.w[k]
		}
		for c := range p {
			p[c] += pw
			sum += p[c]
		}
		for c := range p {
			p[c] /= sum
		}
		return p
	}

	// Optuna: mixture weights w_k (observations) and pw (prior), normalised;
	// an observation's kernel is (pw/(n+1) + [c == obs]) / (d*pw/(n+1) + 1).
	nk := float64(len(obs) + 1)
	total := pw
	for _, w := range t.w {
		total += w
	}
	base := pw / nk
	rowSum := float64(d)*base + 1
	for c := range p {
		p[c] = pw / total / float64(d)
	}
	for k, o := range obs {
		mw := t.w[k] / total
		for c := range p {
			p[c] += mw * base / rowSum
		}
		p[t.hist[o].arch[pos]] += mw / rowSum
	}
	return p
}

package strategies

import (
	"fmt"
	"math/rand/v2"
)

// ReinforceSettings configures REINFORCE as NAS-Bench-201 runs it: a
// table of logits (one softmax per position), Adam, and an exponential
// moving-average baseline. The zero value is that reference.
type ReinforceSettings struct {
	// LR is Adam's learning rate; 0 means 0.01.
	LR float64

	// Momentum of the moving-average baseline; 0 means 0.9.
	Momentum float64

	// InitStd is the standard deviation of the initial logits; 0 means 1e-3.
	InitStd float64
}

type reinforce struct {
	dims  []int
	rng   *rand.Rand
	s     ReinforceSettings
	off   []int     // offset of each position's logits in theta
	theta []float64 // logits
	opt   *adam[float64]
	num   float64 // baseline: bias-corrected EMA numerator and denominator
	den   float64
	grad  []float64
	probs []float64
}

// NewReinforce returns REINFORCE over a table of logits. After each Tell,
// the baseline b takes the observed value r (b = EMA of rewards, bias
// corrected), then one Adam step descends -(r - b) * log p(arch).
func NewReinforce(dims []int, rng *rand.Rand, s ReinforceSettings) (Strategy, error) {
	if err := checkDims("reinforce", dims, rng); err != nil {
		return nil, err
	}
	if s.LR == 0 {
		s.LR = 0.01
	}
	if s.Momentum == 0 {
		s.Momentum = 0.9
	}
	if s.InitStd == 0 {
		s.InitStd = 1e-3
	}
	if s.LR < 0 || s.Momentum < 0 || s.Momentum >= 1 || s.InitStd < 0 ||
		!finite(s.LR, s.Momentum, s.InitStd) {
		return nil, fmt.Errorf("strategies: reinforce: invalid settings %+v", s)
	}
	r := &reinforce{dims: dims, rng: rng, s: s, off: make([]int, len(dims))}
	n := 0
	for i, d := range dims {
		r.off[i] = n
		n += d
	}
	r.theta = make([]float64, n)
	for i := range r.theta {
		r.theta[i] = s.InitStd * rng.NormFloat64()
	}
	r.opt = newAdam[float64](n, s.LR)
	r.grad = make([]float64, n)
	return newSequential("reinforce", r), nil
}

// softmax writes the probabilities of position i into r.probs.
func (r *reinforce) softmax(i int) []float64 {
	r.probs = append(r.probs[:0], r.theta[r.off[i]:r.off[i]+r.dims[i]]...)
	return softmax(r.probs)
}

func (r *reinforce) ask() ([]int, error) {
	a := make([]int, len(r.dims))
	for i := range r.dims {
		a[i] = categorical(r.softmax(i), r.rng)
	}
	return a, nil
}

func (r *reinforce) tell(arch []int, value float64) {
	// Baseline first, then the policy-gradient step.
	m := r.s.Momentum
	r.num = m*r.num + (1-m)*value
	r.den = m*r.den + (1 - m)
	adv := value - r.num/r.den

	// d/dz of -adv * log softmax(z)[a] = -adv * (onehot(a) - p).
	for i := range r.dims {
		p := r.softmax(i)
		for j, pj := range p {
			g := pj
			if j == arch[i] {
				g--
			}
			r.grad[r.off[i]+j] = adv * g
		}
	}
	r.opt.step(r.theta, r.grad)
}

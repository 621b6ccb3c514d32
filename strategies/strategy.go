package strategies

import (
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
)

// Strategy proposes architectures and learns from what they scored.
//
// The protocol is sequential ask/tell, as a single-worker NAS run is: Ask
// returns the next architecture to evaluate, and the caller answers it
// with exactly one Tell before the next Ask. Whoever answers (a table
// lookup, a live training run) is not the strategy's concern.
//
// An architecture is one choice index per position, 0 <= a[i] < dims[i],
// in the layout of space.Arch. Values told are objectives to maximise
// (higher is better); a strategy that minimises does so by its settings.
type Strategy interface {
	// Name is the strategy's short name ("random", "re", ...).
	Name() string

	// Ask returns the next architecture to evaluate; the caller owns the
	// slice. It returns ErrExhausted when the strategy has nothing left to
	// propose (for example, every architecture of a small space has been
	// tried by a deduplicating strategy), ErrPending when the last
	// proposal has not been answered yet, and another error when it
	// cannot go on (PPO's policy diverged on values far from [0, 1]).
	Ask() ([]int, error)

	// Tell reports the value observed for the architecture returned by the
	// last Ask. It returns ErrNoPending when nothing was asked, and an
	// error when arch differs from what was asked or value is not finite.
	Tell(arch []int, value float64) error
}

// Errors of the ask/tell protocol.
var (
	// ErrExhausted: the strategy has no architecture left to propose.
	ErrExhausted = errors.New("strategies: search space exhausted")

	// ErrPending: Ask was called before the previous proposal was told.
	ErrPending = errors.New("strategies: previous proposal not yet told")

	// ErrNoPending: Tell was called with no proposal outstanding.
	ErrNoPending = errors.New("strategies: tell without a pending ask")
)

// Names lists the strategies New knows, in a fixed order.
var Names = []string{"random", "re", "tpe", "reinforce", "ppo", "local"}

// New returns the strategy called name ("random", "re", "tpe",
// "reinforce", "ppo" or "local") for a space with the given choices per
// position, with the settings of profile p and randomness drawn only from
// rng. The same dims, settings and rng state give the same proposals.
func New(name string, dims []int, rng *rand.Rand, p Profile) (Strategy, error) {
	switch name {
	case "random":
		return NewRandom(dims, rng, p.Random)
	case "re":
		return NewEvolution(dims, rng, p.Evolution)
	case "tpe":
		return NewTPE(dims, rng, p.TPE)
	case "reinforce":
		return NewReinforce(dims, rng, p.Reinforce)
	case "ppo":
		return NewPPO(dims, rng, p.PPO)
	case "local":
		return NewLocal(dims, rng, p.Local)
	}
	return nil, fmt.Errorf("strategies: unknown strategy %q (want one of %v)", name, Names)
}

// core is what each algorithm implements; sequential wraps it with the
// protocol checks shared by all strategies.
type core interface {
	ask() ([]int, error)
	tell(arch []int, value float64)
}

type sequential struct {
	name    string
	c       core
	pending []int
}

func newSequential(name string, c core) *sequential { return &sequential{name: name, c: c} }

func (s *sequential) Name() string { return s.name }

func (s *sequential) Ask() ([]int, error) {
	if s.pending != nil {
		return nil, ErrPending
	}
	a, err := s.c.ask()
	if err != nil {
		return nil, err
	}
	s.pending = a
	return slices.Clone(a), nil
}

func (s *sequential) Tell(arch []int, value float64) error {
	if s.pending == nil {
		return ErrNoPending
	}
	if !slices.Equal(arch, s.pending) {
		return fmt.Errorf("strategies: %s: told %v, but %v was asked", s.name, arch, s.pending)
	}
	if math.IsNaN(value) || math.IsInf(value, 0) {
		return fmt.Errorf("strategies: %s: value %v for %v is not finite", s.name, value, arch)
	}
	a := s.pending
	s.pending = nil
	s.c.tell(a, value)
	return nil
}

// checkDims validates the choices per position and the random source.
func checkDims(name string, dims []int, rng *rand.Rand) error {
	if rng == nil {
		return fmt.Errorf("strategies: %s: nil random source", name)
	}
	if len(dims) == 0 {
		return fmt.Errorf("strategies: %s: space has no positions", name)
	}
	for i, d := range dims {
		if d < 1 {
			return fmt.Errorf("strategies: %s: position %d has %d choices, want >= 1", name, i, d)
		}
		if d > 255 {
			return fmt.Errorf("strategies: %s: position %d has %d choices, want <= 255", name, i, d)
		}
	}
	return nil
}

// finite reports whether every setting is a finite number (NaN passes
// every comparison with a bound, so ranges alone do not catch it).
func finite(vs ...float64) bool {
	for _, v := range vs {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return false
		}
	}
	return true
}

// spaceSize is the number of architectures, saturating at math.MaxInt.
func spaceSize(dims []int) int {
	n := 1
	for _, d := range dims {
		if n > math.MaxInt/d {
			return math.MaxInt
		}
		n *= d
	}
	return n
}

// uniformArch draws every position uniformly.
func uniformArch(dims []int, rng *rand.Rand) []int {
	a := make([]int, len(dims))
	for i, d := range dims {
		a[i] = rng.IntN(d)
	}
	return a
}

// key is a compact map key for an architecture (dims are <= 255).
func key(a []int) string {
	b := make([]byte, len(a))
	for i, c := range a {
		b[i] = byte(c)
	}
	return string(b)
}

// softmax replaces the logits in p by their probabilities (shifted by
// the largest logit, so that no exponential overflows) and returns p.
func softmax(p []float64) []float64 {
	mx := math.Inf(-1)
	for _, v := range p {
		mx = max(mx, v)
	}
	sum := 0.0
	for j, v := range p {
		p[j] = math.Exp(v - mx)
		sum += p[j]
	}
	for j := range p {
		p[j] /= sum
	}
	return p
}

// categorical draws index i with probability p[i] (p sums to 1, up to
// rounding; the last positive entry absorbs the rounding).
func categorical(p []float64, rng *rand.Rand) int {
	u := rng.Float64()
	last := 0
	for i, pi := range p {
		if pi <= 0 {
			continue
		}
		last = i
		if u < pi {
			return i
		}
		u -= pi
	}
	return last
}

package strategies

import "math/rand/v2"

// RandomSettings configures random search. The zero value draws uniformly
// with replacement (NAS-Bench-201's random search).
type RandomSettings struct {
	// Dedup skips architectures already proposed, as NNI's Random does.
	Dedup bool

	// MaxDuplicates is, with Dedup, how many duplicate draws in a row make
	// the strategy give up with ErrExhausted; 0 means 500 (NNI). A space
	// whose every architecture was proposed is exhausted at once.
	MaxDuplicates int
}

type random struct {
	dims []int
	rng  *rand.Rand
	s    RandomSettings
	size int
	seen map[string]bool
}

// NewRandom returns random search: each position drawn uniformly.
func NewRandom(dims []int, rng *rand.Rand, s RandomSettings) (Strategy, error) {
	if err := checkDims("random", dims, rng); err != nil {
		return nil, err
	}
	if s.MaxDuplicates == 0 {
		s.MaxDuplicates = 500
	}
	r := &random{dims: dims, rng: rng, s: s, size: spaceSize(dims)}
	if s.Dedup {
		r.seen = make(map[string]bool)
	}
	return newSequential("random", r), nil
}

func (r *random) ask() ([]int, error) {
	if !r.s.Dedup {
		return uniformArch(r.dims, r.rng), nil
	}
	for range r.s.MaxDuplicates + 1 {
		if len(r.seen) >= r.size {
			break
		}
		a := uniformArch(r.dims, r.rng)
		if k := key(a); !r.seen[k] {
			r.seen[k] = true
			return a, nil
		}
	}
	return nil, ErrExhausted
}

func (r *random) tell([]int, float64) {}

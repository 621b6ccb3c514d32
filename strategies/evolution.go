package strategies

import (
	"fmt"
	"math/rand/v2"
)

// EvolutionSettings configures regularized evolution (Real et al. 2019).
// The zero value means population 10, tournament of 3 drawn without
// replacement, one position changed per child; the Reference profile adds
// NAS-Bench-201's tournament with replacement, the NNI profile sets NNI's.
type EvolutionSettings struct {
	// Population is the number of individuals kept (oldest removed); the
	// first Population proposals are uniform random. 0 means 10.
	Population int

	// Sample is the tournament size; the best sampled individual is the
	// parent. 0 means 3. It is capped at the population's current size
	// when drawing without replacement.
	Sample int

	// SampleWithReplacement draws the tournament with replacement
	// (NAS-Bench-201's code) instead of without (NNI).
	SampleWithReplacement bool

	// MutationProb > 0 selects NNI's mutation: each position is redrawn,
	// with this probability, uniformly from all its choices (so the child
	// can equal its parent). 0 selects NAS-Bench-201's: exactly one
	// position, drawn uniformly among those with two or more choices, is
	// changed to a different choice.
	MutationProb float64
}

type member struct {
	arch  []int
	value float64
}

type evolution struct {
	dims  []int
	rng   *rand.Rand
	s     EvolutionSettings
	asked int
	pop   []member // oldest first
}

// NewEvolution returns regularized (aging) evolution.
func NewEvolution(dims []int, rng *rand.Rand, s EvolutionSettings) (Strategy, error) {
	if err := checkDims("re", dims, rng); err != nil {
		return nil, err
	}
	if s.Population == 0 {
		s.Population = 10
	}
	if s.Sample == 0 {
		s.Sample = 3
	}
	if s.Population < 1 || s.Sample < 1 || s.MutationProb < 0 || s.MutationProb > 1 ||
		!finite(s.MutationProb) {
		return nil, fmt.Errorf("strategies: re: invalid settings %+v", s)
	}
	return newSequential("re", &evolution{dims: dims, rng: rng, s: s}), nil
}

func (e *evolution) ask() ([]int, error) {
	e.asked++
	if e.asked <= e.s.Population || len(e.pop) == 0 {
		return uniformArch(e.dims, e.rng), nil
	}

	// Tournament: the best of Sample members is the parent (first wins ties).
	var parent member
	if e.s.SampleWithReplacement {
		for i := range e.s.Sample {
			m := e.pop[e.rng.IntN(len(e.pop))]
			if i == 0 || m.value > parent.value {
				parent = m
			}
		}
	} else {
		k := min(e.s.Sample, len(e.pop))
		idx := e.rng.Perm(len(e.pop))[:k]
		for i, j := range idx {
			if m := e.pop[j]; i == 0 || m.value > parent.value {
				parent = m
			}
		}
	}

	// Mutate a copy of the parent.
	child := append([]int(nil), parent.arch...)
	if e.s.MutationProb > 0 {
		for i, d := range e.dims {
			if e.rng.Float64() < e.s.MutationProb {
				child[i] = e.rng.IntN(d)
			}
		}
		return child, nil
	}
	var movable []int
	for i, d := range e.dims {
		if d > 1 {
			movable = append(movable, i)
		}
	}
	if len(movable) == 0 {
		return child, nil
	}
	i := movable[e.rng.IntN(len(movable))]
	c := e.rng.IntN(e.dims[i] - 1)
	if c >= child[i] {
		c++
	}
	child[i] = c
	return child, nil
}

func (e *evolution) tell(arch []int, value float64) {
	e.pop = append(e.pop, member{arch, value})
	if len(e.pop) > e.s.Population {
		e.pop = append(e.pop[:0], e.pop[1:]...)
	}
}

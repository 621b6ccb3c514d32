package strategies

import (
	"math"
	"math/rand/v2"
	"testing"
)

func TestForgettingWeights(t *testing.T) {
	w := forgettingWeights(3, nil)
	if len(w) != 3 || w[0] != 1 || w[2] != 1 {
		t.Errorf("n=3: %v, want three ones", w)
	}
	w = forgettingWeights(27, nil) // numpy.linspace(1/27, 1, 2) then 25 ones
	if len(w) != 27 || math.Abs(w[0]-1.0/27) > 1e-15 || w[1] != 1 || w[26] != 1 {
		t.Errorf("n=27: %v", w)
	}
	w = forgettingWeights(28, nil) // linspace(1/28, 1, 3): 1/28, 29/56, 1
	if math.Abs(w[1]-29.0/56) > 1e-15 {
		t.Errorf("n=28: w[1] = %v, want 29/56", w[1])
	}
}

func TestTPEDensities(t *testing.T) {
	// One observation of choice 0 among 3, prior weight 1, hand-computed.
	for _, tc := range []struct {
		est  TPEEstimator
		want []float64
	}{
		// Optuna: 0.5*(1.5, 0.5, 0.5)/2.5 + 0.5*(1/3, 1/3, 1/3).
		{OptunaParzen, []float64{0.3 + 1.0/6, 0.1 + 1.0/6, 0.1 + 1.0/6}},
		// hyperopt: counts (1, 0, 0) + 1 each, normalised.
		{HyperoptParzen, []float64{0.5, 0.25, 0.25}},
	} {
		s, err := NewTPE([]int{3}, rand.New(rand.NewPCG(1, 1)), TPESettings{Estimator: tc.est})
		if err != nil {
			t.Fatal(err)
		}
		tp := s.(*sequential).c.(*tpe)
		tp.hist = []member{{[]int{0}, 1}}
		p := tp.density(nil, []int{0}, 0, 3)
		for c := range p {
			if math.Abs(p[c]-tc.want[c]) > 1e-12 {
				t.Errorf("%v: p = %v, want %v", tc.est, p, tc.want)
				break
			}
		}
		if q := tp.density(nil, nil, 0, 3); math.Abs(q[1]-1.0/3) > 1e-12 {
			t.Errorf("%v: no observations: %v, want uniform", tc.est, q)
		}
	}
}

package strategies

import (
	"errors"
	"math"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
)

// ruggedTable is a small noise-free table: every architecture of dims gets
// a value drawn once from a fixed seed, so neighbours are unrelated and
// there are many local optima. It returns the values by mixed-radix index.
func ruggedTable(dims []int, seed uint64) []float64 {
	rng := rand.New(rand.NewPCG(seed, 0))
	v := make([]float64, spaceSize(dims))
	for i := range v {
		v[i] = rng.Float64()
	}
	return v
}

func indexOf(dims, a []int) int {
	i := 0
	for p, d := range dims {
		i = i*d + a[p]
	}
	return i
}

// drive runs s for up to trials asks against table, returning the
// architectures asked; it stops at ErrExhausted or once stop is proposed.
func drive(t *testing.T, s Strategy, dims []int, table []float64, trials int) [][]int {
	return driveUntil(t, s, dims, table, trials, -1)
}

func driveUntil(t *testing.T, s Strategy, dims []int, table []float64, trials, stop int) [][]int {
	t.Helper()
	var asked [][]int
	for range trials {
		a, err := s.Ask()
		if errors.Is(err, ErrExhausted) {
			break
		}
		if err != nil {
			t.Fatalf("%s: ask: %v", s.Name(), err)
		}
		if len(a) != len(dims) {
			t.Fatalf("%s: asked %v for dims %v", s.Name(), a, dims)
		}
		for i, c := range a {
			if c < 0 || c >= dims[i] {
				t.Fatalf("%s: asked %v, position %d out of range", s.Name(), a, i)
			}
		}
		if err := s.Tell(a, table[indexOf(dims, a)]); err != nil {
			t.Fatalf("%s: tell: %v", s.Name(), err)
		}
		asked = append(asked, a)
		if indexOf(dims, a) == stop {
			break
		}
	}
	return asked
}

func TestFindsOptimumOfSmallTable(t *testing.T) {
	dims := []int{3, 3, 3, 3}
	table := ruggedTable(dims, 7)
	best := 0
	for i, v := range table {
		if v > table[best] {
			best = i
		}
	}
	worst := 0
	for i, v := range table {
		if v < table[worst] {
			worst = i
		}
	}
	for _, p := range []Profile{Reference, NNI} {
		for _, name := range Names {
			t.Run(p.Name+"/"+name, func(t *testing.T) {
				s, err := New(name, dims, rand.New(rand.NewPCG(1, 2)), p)
				if err != nil {
					t.Fatal(err)
				}
				// NNI's TPE minimises what it is told: it must find the worst.
				want := best
				if name == "tpe" && p.TPE.Minimize {
					want = worst
				}
				for i, a := range driveUntil(t, s, dims, table, 1000, want) {
					if indexOf(dims, a) == want {
						t.Logf("found at trial %d", i+1)
						return
					}
				}
				t.Errorf("never proposed architecture %d in 1000 trials", want)
			})
		}
	}
}

func TestSameSeedSameRun(t *testing.T) {
	dims := []int{3, 3, 3, 3, 3}
	table := ruggedTable(dims, 3)
	for _, p := range []Profile{Reference, NNI} {
		for _, name := range Names {
			run := func(seed uint64) [][]int {
				s, err := New(name, dims, rand.New(rand.NewPCG(seed, 9)), p)
				if err != nil {
					t.Fatal(err)
				}
				return drive(t, s, dims, table, 60)
			}
			a, b, c := run(5), run(5), run(6)
			if !slices.EqualFunc(a, b, slices.Equal) {
				t.Errorf("%s/%s: same seed, different proposals", p.Name, name)
			}
			if slices.EqualFunc(a, c, slices.Equal) {
				t.Errorf("%s/%s: seeds 5 and 6 gave the same 60 proposals", p.Name, name)
			}
		}
	}
}

func TestExhaustedSpace(t *testing.T) {
	dims := []int{2, 1, 2}
	table := []float64{0.1, 0.4, 0.3, 0.2}
	for _, tc := range []struct {
		name string
		p    Profile
	}{{"random", NNI}, {"local", Reference}} {
		s, err := New(tc.name, dims, rand.New(rand.NewPCG(1, 1)), tc.p)
		if err != nil {
			t.Fatal(err)
		}
		asked := drive(t, s, dims, table, 100)
		if len(asked) != 4 {
			t.Errorf("%s: %d proposals in a space of 4, want 4 then ErrExhausted", tc.name, len(asked))
		}
		if _, err := s.Ask(); !errors.Is(err, ErrExhausted) {
			t.Errorf("%s: ask after exhaustion: %v, want ErrExhausted", tc.name, err)
		}
	}
}

func TestProtocolErrors(t *testing.T) {
	s, err := New("re", []int{3, 3}, rand.New(rand.NewPCG(1, 1)), Reference)
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Tell([]int{0, 0}, 1); !errors.Is(err, ErrNoPending) {
		t.Errorf("tell before ask: %v, want ErrNoPending", err)
	}
	a, err := s.Ask()
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.Ask(); !errors.Is(err, ErrPending) {
		t.Errorf("second ask: %v, want ErrPending", err)
	}
	other := []int{(a[0] + 1) % 3, a[1]}
	if err := s.Tell(other, 1); err == nil {
		t.Errorf("tell of %v after asking %v: no error", other, a)
	}
	if err := s.Tell(a, math.NaN()); err == nil {
		t.Error("tell of NaN: no error")
	}
	if err := s.Tell(a, 0.5); err != nil {
		t.Errorf("tell: %v", err)
	}
	if _, err := New("nope", []int{3}, rand.New(rand.NewPCG(1, 1)), Reference); err == nil {
		t.Error("unknown strategy: no error")
	}
	if _, err := New("random", []int{3, 0}, rand.New(rand.NewPCG(1, 1)), Reference); err == nil {
		t.Error("position with 0 choices: no error")
	}
}

// TestInvalidSettings: settings out of range, NaN or infinite are refused
// by every constructor, with the strategy's name in the error.
func TestInvalidSettings(t *testing.T) {
	nan, inf := math.NaN(), math.Inf(1)
	dims := []int{3, 3}
	rng := func() *rand.Rand { return rand.New(rand.NewPCG(1, 1)) }
	for _, c := range []struct {
		name string
		f    func() (Strategy, error)
	}{
		{"ppo", func() (Strategy, error) { return NewPPO(dims, rng(), PPOSettings{LR: nan}) }},
		{"ppo", func() (Strategy, error) { return NewPPO(dims, rng(), PPOSettings{LR: inf}) }},
		{"ppo", func() (Strategy, error) { return NewPPO(dims, rng(), PPOSettings{Clip: nan}) }},
		{"ppo", func() (Strategy, error) { return NewPPO(dims, rng(), PPOSettings{GAELambda: nan}) }},
		{"ppo", func() (Strategy, error) { return NewPPO(dims, rng(), PPOSettings{EntropyCoef: nan}) }},
		{"ppo", func() (Strategy, error) { return NewPPO(dims, rng(), PPOSettings{ValueCoef: inf}) }},
		{"ppo", func() (Strategy, error) { return NewPPO(dims, rng(), PPOSettings{Hidden: -1}) }},
		{"reinforce", func() (Strategy, error) {
			return NewReinforce(dims, rng(), ReinforceSettings{LR: nan})
		}},
		{"reinforce", func() (Strategy, error) {
			return NewReinforce(dims, rng(), ReinforceSettings{InitStd: inf})
		}},
		{"re", func() (Strategy, error) {
			return NewEvolution(dims, rng(), EvolutionSettings{MutationProb: nan})
		}},
		{"tpe", func() (Strategy, error) { return NewTPE(dims, rng(), TPESettings{Gamma: nan}) }},
		{"tpe", func() (Strategy, error) {
			return NewTPE(dims, rng(), TPESettings{PriorWeight: inf})
		}},
	} {
		s, err := c.f()
		if err == nil || !strings.Contains(err.Error(), c.name+": invalid settings") {
			t.Errorf("%s: got %v, %v; want an invalid-settings error", c.name, s, err)
		}
	}
}

func TestReinforceLearnsPreferredChoice(t *testing.T) {
	// Value = number of positions at choice 2; the policy must concentrate.
	dims := []int{3, 3, 3}
	table := make([]float64, 27)
	for i := range table {
		for j := i; j > 0; j /= 3 {
			if j%3 == 2 {
				table[i]++
			}
		}
	}
	s, err := NewReinforce(dims, rand.New(rand.NewPCG(4, 4)), ReinforceSettings{})
	if err != nil {
		t.Fatal(err)
	}
	drive(t, s, dims, table, 300)
	r := s.(*sequential).c.(*reinforce)
	for i := range dims {
		if p := r.softmax(i)[2]; p < 0.8 {
			t.Errorf("position %d: p(choice 2) = %.3f after 300 trials, want > 0.8", i, p)
		}
	}
}

// TestNNIEvolutionStaysRandomFor50Trials: with NNI's population of 100, the
// first 100 proposals are the random initial population, so 50 trials of
// NNI's regularized evolution are 50 uniform draws (design.md section 4).
func TestNNIEvolutionStaysRandomFor50Trials(t *testing.T) {
	dims := []int{3, 3, 3, 3, 3, 3, 3, 3}
	table := ruggedTable(dims, 1)
	s, err := New("re", dims, rand.New(rand.NewPCG(8, 8)), NNI)
	if err != nil {
		t.Fatal(err)
	}
	got := drive(t, s, dims, table, 50)
	rng := rand.New(rand.NewPCG(8, 8))
	for i := range 50 {
		if want := uniformArch(dims, rng); !slices.Equal(got[i], want) {
			t.Fatalf("trial %d: %v, want the uniform draw %v", i+1, got[i], want)
		}
	}
}

// TestPPOUpdatesEvery20Trials: the policy changes after trials 20 and 40
// and at no other time.
func TestPPOUpdatesEvery20Trials(t *testing.T) {
	dims := []int{3, 3, 3}
	table := ruggedTable(dims, 2)
	s, err := New("ppo", dims, rand.New(rand.NewPCG(3, 3)), NNI)
	if err != nil {
		t.Fatal(err)
	}
	p := s.(*sequential).c.(*ppo[float32])
	before := slices.Clone(p.net.theta)
	for trial := 1; trial <= 45; trial++ {
		drive(t, s, dims, table, 1)
		changed := !slices.Equal(before, p.net.theta)
		if want := trial%20 == 0; changed != want {
			t.Fatalf("after trial %d: policy changed %v, want %v", trial, changed, want)
		}
		copy(before, p.net.theta)
	}
}

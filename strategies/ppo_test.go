package strategies

import (
	"math"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
)

// TestPPOGradient checks the hand-written LSTM and PPO loss gradient
// against central finite differences, for every parameter.
func TestPPOGradient(t *testing.T) {
	dims := []int{3, 2, 3}
	p := newPPOCore[float64](dims, rand.New(rand.NewPCG(11, 3)), PPOSettings{
		Hidden: 5, LR: 1e-4, Clip: 0.2, ValueCoef: 0.5, EntropyCoef: 0.01, GAELambda: 0.95,
		Episodes: 20, Repeat: 5, Batch: 64})
	p.episodes = [][]int{{2, 1, 0}, {0, 0, 2}, {1, 1, 1}}
	p.rewards = []float64{0.7, 0.2, 0.5}

	// Transitions whose ratio is inside the clip range, and some far outside
	// on either side, with advantages of both signs.
	var batch []ppoSample
	rng := rand.New(rand.NewPCG(5, 5))
	for e, acts := range p.episodes {
		for st := range dims {
			p.trie.reset()
			leaf := p.trie.add(p.stepTokens(acts, st))
			p.trie.forward()
			p.headsBatch([]int{leaf})
			probs, _ := p.probsAt(0, st)
			shift := []float64{0.05, -0.08, 0.6, -0.7}[(e+st)%4]
			batch = append(batch, ppoSample{e: e, t: st,
				logpOld: math.Log(probs[acts[st]]) + shift,
				adv:     rng.NormFloat64(), ret: rng.Float64()})
		}
	}

	grad := make([]float64, p.net.n)
	p.lossGrad(batch, grad)
	scratch := make([]float64, p.net.n)
	loss := func() float64 {
		p.net.refresh()
		clear(scratch)
		return p.lossGrad(batch, scratch)
	}
	const h = 1e-6
	bad := 0
	for i := range p.net.theta {
		old := p.net.theta[i]
		p.net.theta[i] = old + h
		up := loss()
		p.net.theta[i] = old - h
		down := loss()
		p.net.theta[i] = old
		num := (up - down) / (2 * h)
		if math.Abs(num-grad[i]) > 1e-7+1e-5*math.Abs(num) {
			if bad++; bad <= 5 {
				t.Errorf("parameter %d: analytic %.10g, numeric %.10g", i, grad[i], num)
			}
		}
	}
	p.net.refresh()
	if bad > 0 {
		t.Errorf("%d of %d gradient entries differ", bad, p.net.n)
	}
}

// TestPPOFloat32 compares the float32 network (the one searches use, with
// the assembly kernels where the machine has them) with the float64 one
// on NNI's setting: the same parameters give the same loss and gradient to
// float32 precision.
func TestPPOFloat32(t *testing.T) {
	dims := []int{3, 3, 3, 3, 3, 3, 3, 3}
	s := PPOSettings{Hidden: 64, LR: 1e-4, Clip: 0.2, ValueCoef: 0.5, EntropyCoef: 0.01,
		GAELambda: 0.95, Episodes: 20, Repeat: 5, Batch: 64}
	p32 := newPPOCore[float32](dims, rand.New(rand.NewPCG(1, 1)), s)
	p64 := newPPOCore[float64](dims, rand.New(rand.NewPCG(1, 1)), s)
	for i, v := range p32.net.theta {
		p64.net.theta[i] = float64(v)
	}
	p64.net.refresh()

	rng := rand.New(rand.NewPCG(2, 2))
	var batch []ppoSample
	for e := range 40 {
		p32.episodes = append(p32.episodes, uniformArch(dims, rng))
		p32.rewards = append(p32.rewards, rng.Float64())
		for st := range dims {
			if rng.IntN(5) == 0 {
				batch = append(batch, ppoSample{e: e, t: st, logpOld: math.Log(1.0/3) +
					0.1*rng.NormFloat64(), adv: rng.NormFloat64(), ret: rng.Float64()})
			}
		}
	}
	p64.episodes, p64.rewards = p32.episodes, p32.rewards

	g32, g64 := make([]float32, p32.net.n), make([]float64, p64.net.n)
	l32, l64 := p32.lossGrad(batch, g32), p64.lossGrad(batch, g64)
	if math.Abs(l32-l64) > 1e-5*math.Abs(l64) {
		t.Errorf("loss: float32 %.9g, float64 %.9g", l32, l64)
	}
	var diff, norm float64
	for i, g := range g64 {
		diff += (float64(g32[i]) - g) * (float64(g32[i]) - g)
		norm += g * g
	}
	rel := math.Sqrt(diff / norm)
	if rel > 1e-5 || norm == 0 {
		t.Errorf("gradient: float32 differs from float64 by %.3g (relative, 2-norm), batch %d",
			rel, len(batch))
	}
}

// TestPPOSameBitsWithoutAssembly runs NNI's PPO for 60 trials (three
// updates) with the assembly kernels and with their Go forms: the same
// proposals, and the same parameters to the bit.
func TestPPOSameBitsWithoutAssembly(t *testing.T) {
	if !useAVX2 {
		t.Skip("no assembly kernels on this machine")
	}
	dims := []int{3, 3, 3, 3, 3, 3, 3, 3}
	table := ruggedTable(dims, 4)
	run := func() ([][]int, []float32) {
		s, err := New("ppo", dims, rand.New(rand.NewPCG(9, 9)), NNI)
		if err != nil {
			t.Fatal(err)
		}
		asked := drive(t, s, dims, table, 60)
		return asked, s.(*sequential).c.(*ppo[float32]).net.theta
	}
	asked, theta := run()
	var asked2 [][]int
	var theta2 []float32
	goForms(func() { asked2, theta2 = run() })
	if !slices.EqualFunc(asked, asked2, slices.Equal) {
		t.Errorf("proposals differ")
	}
	if !slices.Equal(theta, theta2) {
		t.Errorf("parameters after 60 trials differ")
	}
}

// TestPPODivergesWithAnError: values whose squares overflow float32 make
// the first update diverge; the next Ask says so instead of sampling from
// NaN. Values in [0, 1] never do.
func TestPPODivergesWithAnError(t *testing.T) {
	dims := []int{3, 3, 3}
	s, err := New("ppo", dims, rand.New(rand.NewPCG(1, 2)), NNI)
	if err != nil {
		t.Fatal(err)
	}
	for trial := 1; trial <= 20; trial++ {
		a, err := s.Ask()
		if err != nil {
			t.Fatalf("trial %d: %v", trial, err)
		}
		if err := s.Tell(a, 1e300); err != nil {
			t.Fatal(err)
		}
	}
	_, err = s.Ask()
	if err == nil || !strings.Contains(err.Error(), "diverged in the update after trial 20") ||
		!strings.Contains(err.Error(), "1e+300") {
		t.Errorf("ask after a diverged update: err = %v", err)
	}
}

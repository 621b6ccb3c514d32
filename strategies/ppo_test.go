package strategies

import (
	"math"
	"math/rand/v2"
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

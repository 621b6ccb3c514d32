package strategies

import (
	"fmt"
	"math"
	"math/rand/v2"
)

// PPOSettings configures PPO as NNI v2.x's PolicyBasedRL ran it (tianshou
// PPOPolicy under NNI's default policy). The zero value is NNI's setting.
type PPOSettings struct {
	// LR is Adam's learning rate; 0 means 1e-4.
	LR float64

	// Hidden is the embedding and LSTM width; 0 means 64.
	Hidden int

	// Episodes is the number of trials collected between updates
	// (trial_per_collect); 0 means 20.
	Episodes int

	// Repeat is the number of passes over the buffer per update; 0 means 5.
	Repeat int

	// Batch is the minibatch size in transitions (one transition per
	// position); 0 means 64. A smaller last minibatch joins the one before.
	Batch int

	// Clip is PPO's ratio clip epsilon; 0 means 0.2.
	Clip float64

	// ValueCoef and EntropyCoef weigh the critic loss and the entropy
	// bonus; 0 means 0.5 and 0.01.
	ValueCoef, EntropyCoef float64

	// GAELambda is the lambda of generalised advantage estimation, with
	// discount 1; 0 means 0.95.
	GAELambda float64
}

// ppo is PPO over the sequential decision "choose position 0, then 1,
// ..." as NNI's ModelEvaluationEnv poses it. At step t the policy reads
// the tokens [start, a_0+1, ..., a_{t-1}+1, 1]: NNI pads the history with
// the start token 0 and reads the LSTM at index t+1, where the not yet
// chosen a_t is still 0 and so appears as token 1. The reward (the
// observed value) comes at the last step. As in NNI, the replay buffer is
// never cleared: each update passes over every episode collected so far,
// with old log-probabilities, values and GAE recomputed under the current
// policy.
type ppo struct {
	dims []int
	rng  *rand.Rand
	s    PPOSettings
	net  *lstmNet
	opt  *adam

	episodes [][]int
	rewards  []float64

	// scratch
	trie    *lstmTrie
	nodes   []int
	work    *lstmWork
	tokens  []int
	grad    []float64
	dproj   []float64
	probs   []float64
	samples []ppoSample
}

// ppoSample is one transition: episode e, step t, with the constants of
// the PPO loss.
type ppoSample struct {
	e, t    int
	logpOld float64
	adv     float64
	ret     float64
}

// NewPPO returns PPO with an LSTM policy.
func NewPPO(dims []int, rng *rand.Rand, s PPOSettings) (Strategy, error) {
	if err := checkDims("ppo", dims, rng); err != nil {
		return nil, err
	}
	def := func(v *float64, d float64) {
		if *v == 0 {
			*v = d
		}
	}
	def(&s.LR, 1e-4)
	def(&s.Clip, 0.2)
	def(&s.ValueCoef, 0.5)
	def(&s.EntropyCoef, 0.01)
	def(&s.GAELambda, 0.95)
	if s.Hidden == 0 {
		s.Hidden = 64
	}
	if s.Episodes == 0 {
		s.Episodes = 20
	}
	if s.Repeat == 0 {
		s.Repeat = 5
	}
	if s.Batch == 0 {
		s.Batch = 64
	}
	if s.LR < 0 || s.Hidden < 1 || s.Episodes < 1 || s.Repeat < 1 || s.Batch < 1 ||
		s.Clip < 0 || s.GAELambda < 0 || s.GAELambda > 1 {
		return nil, fmt.Errorf("strategies: ppo: invalid settings %+v", s)
	}
	return newSequential("ppo", newPPOCore(dims, rng, s)), nil
}

func newPPOCore(dims []int, rng *rand.Rand, s PPOSettings) *ppo {
	a := 0
	for _, d := range dims {
		a = max(a, d)
	}
	net := newLSTMNet(a+1, s.Hidden, a, rng)
	return &ppo{
		dims: dims, rng: rng, s: s, net: net, opt: newAdam(net.n, s.LR),
		trie: net.newTrie(), work: net.newWork(),
		grad: make([]float64, net.n), dproj: make([]float64, len(net.proj)),
	}
}

// stepTokens is the policy's input at step t of the episode actions.
func (p *ppo) stepTokens(actions []int, t int) []int {
	p.tokens = append(p.tokens[:0], 0)
	for _, a := range actions[:t] {
		p.tokens = append(p.tokens, a+1)
	}
	return append(p.tokens, 1)
}

// heads returns the masked action probabilities (into p.probs) and the
// value at hidden state h for position t.
func (p *ppo) heads(h []float64, t int) ([]float64, float64) {
	n := p.net
	th := n.theta
	d := p.dims[t]
	p.probs = p.probs[:0]
	mx := math.Inf(-1)
	for j := range d {
		l := dot(th[n.wa+j*n.H:n.wa+(j+1)*n.H], h) + th[n.ba+j]
		p.probs = append(p.probs, l)
		mx = max(mx, l)
	}
	sum := 0.0
	for j, l := range p.probs {
		p.probs[j] = math.Exp(l - mx)
		sum += p.probs[j]
	}
	for j := range p.probs {
		p.probs[j] /= sum
	}
	return p.probs, dot(th[n.wc:n.wc+n.H], h) + th[n.bc]
}

func (p *ppo) ask() ([]int, error) {
	a := make([]int, len(p.dims))
	p.trie.reset()
	for t := range p.dims {
		leaf := p.trie.add(p.stepTokens(a, t))
		p.trie.forward()
		probs, _ := p.heads(p.trie.hidden(leaf), t)
		a[t] = categorical(probs, p.rng)
	}
	return a, nil
}

func (p *ppo) tell(arch []int, value float64) {
	p.episodes = append(p.episodes, arch)
	p.rewards = append(p.rewards, value)
	if len(p.episodes)%p.s.Episodes == 0 {
		p.update()
	}
}

// update is one PPO update over the whole buffer.
func (p *ppo) update() {
	// Old log-probabilities, values and GAE under the current policy.
	n := len(p.dims)
	p.samples = p.samples[:0]
	values := make([]float64, n)
	p.trie.reset()
	p.nodes = p.nodes[:0]
	for _, acts := range p.episodes {
		for t := range n {
			p.nodes = append(p.nodes, p.trie.add(p.stepTokens(acts, t)))
		}
	}
	p.trie.forward()
	for e, acts := range p.episodes {
		first := len(p.samples)
		for t := range n {
			probs, v := p.heads(p.trie.hidden(p.nodes[e*n+t]), t)
			values[t] = v
			p.samples = append(p.samples, ppoSample{e: e, t: t, logpOld: math.Log(probs[acts[t]])})
		}
		adv := 0.0
		for t := n - 1; t >= 0; t-- {
			next := p.rewards[e] // reward at the last step; value 0 after it
			if t < n-1 {
				next = values[t+1]
			}
			adv = next - values[t] + p.s.GAELambda*adv
			p.samples[first+t].adv = adv
			p.samples[first+t].ret = adv + values[t]
		}
	}

	// Repeat passes of shuffled minibatches, one Adam step each.
	batch := make([]ppoSample, 0, 2*p.s.Batch)
	for range p.s.Repeat {
		perm := p.rng.Perm(len(p.samples))
		for lo := 0; lo < len(perm); {
			hi := min(lo+p.s.Batch, len(perm))
			if len(perm)-hi < p.s.Batch {
				hi = len(perm) // merge a short last minibatch
			}
			batch = batch[:0]
			for _, i := range perm[lo:hi] {
				batch = append(batch, p.samples[i])
			}
			clear(p.grad)
			p.lossGrad(batch, p.grad)
			p.opt.step(p.net.theta, p.grad)
			p.net.refresh()
			lo = hi
		}
	}
}

// lossGrad returns tianshou's PPO loss over a minibatch (advantages
// normalised within it),
//
//	mean(-min(r*A, clip(r, 1-eps, 1+eps)*A)) + vc*mean((R - V)^2) - ec*mean(H),
//
// and adds its gradient with respect to the parameters to grad.
func (p *ppo) lossGrad(batch []ppoSample, grad []float64) float64 {
	net := p.net
	th := net.theta
	B := float64(len(batch))

	// Advantage normalisation (unbiased std, as torch.std).
	mean, sq := 0.0, 0.0
	for _, b := range batch {
		mean += b.adv
	}
	mean /= B
	for _, b := range batch {
		sq += (b.adv - mean) * (b.adv - mean)
	}
	std := 0.0
	if len(batch) > 1 {
		std = math.Sqrt(sq / (B - 1))
	}

	// All the minibatch's sequences in one trie.
	p.trie.reset()
	p.nodes = p.nodes[:0]
	for _, b := range batch {
		p.nodes = append(p.nodes, p.trie.add(p.stepTokens(p.episodes[b.e], b.t)))
	}
	p.trie.forward()

	loss := 0.0
	for bi, b := range batch {
		acts := p.episodes[b.e]
		h := p.trie.hidden(p.nodes[bi])
		dh := p.trie.dhidden(p.nodes[bi])
		probs, v := p.heads(h, b.t)
		a := acts[b.t]
		adv := (b.adv - mean) / (std + 1e-8)

		// Clipped surrogate: its gradient flows through r unless the
		// clipped term is strictly smaller (then r is outside the range).
		r := math.Exp(math.Log(probs[a]) - b.logpOld)
		rc := min(max(r, 1-p.s.Clip), 1+p.s.Clip)
		gLogp := 0.0 // d loss / d log p(a)
		if r*adv <= rc*adv {
			loss -= r * adv / B
			gLogp = -r * adv / B
		} else {
			loss -= rc * adv / B
		}

		// Entropy bonus.
		ent := 0.0
		for _, q := range probs {
			if q > 0 {
				ent -= q * math.Log(q)
			}
		}
		loss -= p.s.EntropyCoef * ent / B

		// Value loss.
		loss += p.s.ValueCoef * (b.ret - v) * (b.ret - v) / B
		gv := 2 * p.s.ValueCoef * (v - b.ret) / B

		// Back through the heads to the hidden state.
		for j, q := range probs {
			gl := -q * gLogp // d log p(a) / d l_j = [j == a] - q_j
			if j == a {
				gl += gLogp
			}
			if q > 0 { // d H / d l_j = -q_j (log q_j + H)
				gl += p.s.EntropyCoef / B * q * (math.Log(q) + ent)
			}
			grad[net.ba+j] += gl
			axpy(gl, h, grad[net.wa+j*net.H:net.wa+(j+1)*net.H])
			axpy(gl, th[net.wa+j*net.H:net.wa+(j+1)*net.H], dh)
		}
		grad[net.bc] += gv
		axpy(gv, h, grad[net.wc:net.wc+net.H])
		axpy(gv, th[net.wc:net.wc+net.H], dh)
	}
	p.trie.backward(grad, p.dproj, p.work)
	net.finishGrad(grad, p.dproj)
	return loss
}

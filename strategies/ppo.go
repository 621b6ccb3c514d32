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
//
// The network computes in F: float32 in a search, as PyTorch ran NNI's
// policy; float64 only in the finite-difference test of the gradient. The
// loss and the action probabilities are computed in float64 from its
// outputs.
type ppo[F float] struct {
	dims []int
	rng  *rand.Rand
	s    PPOSettings
	net  *lstmNet[F]
	opt  *adam[F]

	episodes [][]int
	rewards  []float64

	// scratch
	trie    *lstmTrie[F]
	nodes   []int
	tokens  []int
	grad    []F
	dproj   []F
	probs   []float64
	samples []ppoSample
	err     error // set when an update left non-finite parameters

	// heads: hidden states as rows and columns, logits and values, their
	// gradients (as lv, and transposed), hidden-state gradients
	hbt, lv, glt, hb, gl, dhb []F
	ld                        int // row stride of hbt, lv and glt; rows of hb and gl
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
		s.Clip < 0 || s.GAELambda < 0 || s.GAELambda > 1 ||
		!finite(s.LR, s.Clip, s.ValueCoef, s.EntropyCoef, s.GAELambda) {
		return nil, fmt.Errorf("strategies: ppo: invalid settings %+v", s)
	}
	return newSequential("ppo", newPPOCore[float32](dims, rng, s)), nil
}

func newPPOCore[F float](dims []int, rng *rand.Rand, s PPOSettings) *ppo[F] {
	a := 0
	for _, d := range dims {
		a = max(a, d)
	}
	net := newLSTMNet[F](a+1, s.Hidden, a, rng)
	return &ppo[F]{
		dims: dims, rng: rng, s: s, net: net, opt: newAdam[F](net.n, s.LR),
		trie: net.newTrie(), grad: make([]F, net.n), dproj: make([]F, len(net.proj)),
	}
}

// stepTokens is the policy's input at step t of the episode actions.
func (p *ppo[F]) stepTokens(actions []int, t int) []int {
	p.tokens = append(p.tokens[:0], 0)
	for _, a := range actions[:t] {
		p.tokens = append(p.tokens, a+1)
	}
	return append(p.tokens, 1)
}

// headsBatch evaluates the actor and critic heads on the hidden states of
// nodes, as one matrix product (the same bits for a node whatever the
// batch): the logit of action j for node b is p.lv[j*p.ld+b], its value
// p.lv[A*p.ld+b], where p.ld is len(nodes) rounded up to a multiple of 32
// (the width the assembly kernel takes). It keeps the hidden states as
// columns in p.hbt (zero beyond len(nodes)) for headsBackward.
func (p *ppo[F]) headsBatch(nodes []int) {
	n := p.net
	B, H, A1 := (len(nodes)+31)&^31, n.H, n.A+1
	p.ld = B
	p.hbt, p.lv = resize(p.hbt, H*B), resize(p.lv, A1*B)
	clear(p.hbt)
	for b, nd := range nodes {
		for k, v := range p.trie.hidden(nd) {
			p.hbt[k*B+b] = v
		}
	}
	for j := range A1 {
		bias := n.theta[n.ba+j]
		row := p.lv[j*B : (j+1)*B]
		for b := range row {
			row[b] = bias
		}
	}
	gemm(A1, B, H, n.theta[n.wa:n.wa+A1*H], H, p.hbt, B, p.lv, B)
}

// probsAt returns the action probabilities of batch entry b at position t
// (softmax of its logits, masked to the position's choices), into p.probs,
// and its value.
func (p *ppo[F]) probsAt(b, t int) ([]float64, float64) {
	B := p.ld
	p.probs = p.probs[:0]
	for j := range p.dims[t] {
		p.probs = append(p.probs, float64(p.lv[j*B+b]))
	}
	return softmax(p.probs), float64(p.lv[p.net.A*B+b])
}

// headsBackward adds to grad the gradient of the heads' weights and
// biases, and to the nodes' hidden-state accumulators the gradient of
// their states, given the gradient of the loss with respect to each logit
// and value in p.glt (laid out as p.lv, zero beyond len(nodes)), after
// headsBatch(nodes).
func (p *ppo[F]) headsBackward(nodes []int, grad []F) {
	n := p.net
	B, H, A1, ld := len(nodes), n.H, n.A+1, p.ld
	for j := range A1 {
		s := F(0)
		for _, g := range p.glt[j*ld : j*ld+B] {
			s += g
		}
		grad[n.ba+j] += s
	}

	// Both products also need their operands with rows and columns swapped.
	p.hb, p.gl = resize(p.hb, ld*H), resize(p.gl, ld*A1)
	transpose(p.hbt, H, ld, p.hb)
	transpose(p.glt, A1, ld, p.gl)
	gemm(A1, H, B, p.glt, ld, p.hb, H, grad[n.wa:n.wa+A1*H], H)
	p.dhb = resize(p.dhb, B*H)
	clear(p.dhb)
	gemm(B, H, A1, p.gl, A1, n.theta[n.wa:n.wa+A1*H], H, p.dhb, H)
	for b, nd := range nodes {
		add(p.trie.dhidden(nd), p.dhb[b*H:(b+1)*H])
	}
}

func (p *ppo[F]) ask() ([]int, error) {
	if p.err != nil {
		return nil, p.err
	}
	a := make([]int, len(p.dims))
	p.trie.reset()
	for t := range p.dims {
		p.nodes = append(p.nodes[:0], p.trie.add(p.stepTokens(a, t)))
		p.trie.forward()
		p.headsBatch(p.nodes)
		probs, _ := p.probsAt(0, t)
		a[t] = categorical(probs, p.rng)
	}
	return a, nil
}

func (p *ppo[F]) tell(arch []int, value float64) {
	p.episodes = append(p.episodes, arch)
	p.rewards = append(p.rewards, value)
	if len(p.episodes)%p.s.Episodes == 0 {
		p.update()
	}
}

// update is one PPO update over the whole buffer.
func (p *ppo[F]) update() {
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
	p.headsBatch(p.nodes)
	for e, acts := range p.episodes {
		first := len(p.samples)
		for t := range n {
			probs, v := p.probsAt(e*n+t, t)
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
			p.lossGrad(batch, p.grad)
			p.opt.step(p.net.theta, p.grad) // and clears p.grad
			p.net.refresh()
			lo = hi
		}
	}

	// Values far from the unit range can overflow the float32 network (as
	// they would NNI's): say so rather than sample from NaN.
	for _, v := range p.net.theta {
		if f := float64(v); math.IsNaN(f) || math.IsInf(f, 0) {
			big := 0.0
			for _, r := range p.rewards {
				big = max(big, math.Abs(r))
			}
			p.err = fmt.Errorf("strategies: ppo: the policy diverged in the update after "+
				"trial %d (values told reach %.3g; its float32 network needs values of "+
				"moderate size, such as accuracies or M in [0, 1])", len(p.episodes), big)
			return
		}
	}
}

// lossGrad returns tianshou's PPO loss over a minibatch (advantages
// normalised within it),
//
//	mean(-min(r*A, clip(r, 1-eps, 1+eps)*A)) + vc*mean((R - V)^2) - ec*mean(H),
//
// and adds its gradient with respect to the parameters to grad.
func (p *ppo[F]) lossGrad(batch []ppoSample, grad []F) float64 {
	net := p.net
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
	p.headsBatch(p.nodes)
	ld := p.ld
	p.glt = resize(p.glt, len(p.lv))
	clear(p.glt)

	loss := 0.0
	for bi, b := range batch {
		acts := p.episodes[b.e]
		probs, v := p.probsAt(bi, b.t)
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
		p.glt[net.A*ld+bi] = F(2 * p.s.ValueCoef * (v - b.ret) / B)

		// Gradient with respect to the logits.
		for j, q := range probs {
			gl := -q * gLogp // d log p(a) / d l_j = [j == a] - q_j
			if j == a {
				gl += gLogp
			}
			if q > 0 { // d H / d l_j = -q_j (log q_j + H)
				gl += p.s.EntropyCoef / B * q * (math.Log(q) + ent)
			}
			p.glt[j*ld+bi] = F(gl)
		}
	}
	p.headsBackward(p.nodes, grad)
	p.trie.backward(grad, p.dproj)
	net.finishGrad(grad, p.dproj)
	return loss
}

package strategies

import (
	"math"
	"math/rand/v2"
)

// lstmNet is the policy network of NNI's PolicyBasedRL, written out by
// hand: a token embedding, a one-layer LSTM (PyTorch's gate order i, f,
// g, o, two bias vectors), an actor head (logits over the largest number
// of choices, masked to the position's choices) and a critic head (a
// scalar value), both reading the LSTM's last hidden state.
//
// All parameters live in one flat vector (for Adam); the fields are
// offsets into it.
type lstmNet[F float] struct {
	V, H, A int // vocabulary (max choices + 1), hidden size, actions

	// The input and recurrent weights are stored transposed (H×4H,
	// PyTorch's weight_ih_l0 and weight_hh_l0 are 4H×H): the forward pass
	// multiplies by them in this layout, the backward pass in PyTorch's.
	theta                     []F
	emb, wihT, whhT, bih, bhh int // V*H, H*4H, H*4H, 4H, 4H
	wa, wc, ba, bc            int // A*H, H, A, 1: heads (A+1)×H, then their biases
	n                         int // number of parameters

	// Derived from theta by refresh.
	proj     []F // V*4H: wih*emb[v] + bih + bhh
	wih, whh []F // 4H*H: the weights in PyTorch's layout
	embT     []F // H*V: the embedding transposed
}

func newLSTMNet[F float](v, h, a int, rng *rand.Rand) *lstmNet[F] {
	n := &lstmNet[F]{V: v, H: h, A: a}
	off := 0
	take := func(k int) int { o := off; off += k; return o }
	n.emb = take(v * h)
	n.wihT = take(4 * h * h)
	n.whhT = take(4 * h * h)
	n.bih = take(4 * h)
	n.bhh = take(4 * h)
	n.wa = take(a * h)
	n.wc = take(h)
	n.ba = take(a)
	n.bc = take(1)
	n.n = off
	n.theta = make([]F, off)

	// PyTorch's default initialisation: embedding N(0, 1), everything else
	// U(-1/sqrt(H), 1/sqrt(H)) (LSTM and, with fan-in H, both linear heads).
	// Drawn in float64 and rounded, so both precisions start alike.
	for i := range v * h {
		n.theta[n.emb+i] = F(rng.NormFloat64())
	}
	k := 1 / math.Sqrt(float64(h))
	for i := n.wihT; i < n.n; i++ {
		n.theta[i] = F((2*rng.Float64() - 1) * k)
	}
	n.proj = make([]F, v*4*h)
	n.whh = make([]F, 4*h*h)
	n.wih = make([]F, 4*h*h)
	n.embT = make([]F, v*h)
	n.refresh()
	return n
}

// refresh recomputes what is derived from theta, after theta changed.
func (n *lstmNet[F]) refresh() {
	H, H4 := n.H, 4*n.H
	transpose(n.theta[n.whhT:n.whhT+H*H4], H, H4, n.whh)
	transpose(n.theta[n.wihT:n.wihT+H*H4], H, H4, n.wih)
	transpose(n.theta[n.emb:n.emb+n.V*H], n.V, H, n.embT)
	for v := range n.V {
		p := n.proj[v*H4 : (v+1)*H4]
		for j := range p {
			p[j] = n.theta[n.bih+j] + n.theta[n.bhh+j]
		}
	}
	gemm(n.V, H4, H, n.theta[n.emb:n.emb+n.V*H], H, n.theta[n.wihT:n.wihT+H*H4], H4, n.proj, H4)
}

// lstmTrie evaluates the LSTM on many token sequences at once. All
// sequences start from the zero state, so sequences with a common prefix
// share its states: each distinct prefix is one node, computed once, and
// its gradient gathers the contributions of every sequence through it.
//
// Both passes go one depth at a time, so that the recurrent products of
// all nodes of a depth are one matrix product, and a node with several
// children multiplies its hidden state by Whh once (and, backwards, takes
// the children's gradients summed).
type lstmTrie[F float] struct {
	net    *lstmNet[F]
	n      int     // nodes in use
	done   int     // nodes whose forward pass is computed
	parent []int32 // -1 for a first token
	token  []int32
	depth  []int32
	child  []int32 // n*V: the node for (node, next token), -1 if none
	roots  []int32 // V: the node of each first token, -1 if none

	gates, c, tc, h []F // per node: 4H activations (i, f, g, o), H, H, H
	dh, dc          []F // per node: gradient accumulators

	// Scratch of the level passes.
	order   []int32 // nodes grouped by depth
	start   []int   // order[start[d]:start[d+1]] have depth d
	row     []int32 // per node: its row among the level's parents, or -1
	parents []int32 // the level's distinct parents, in order of first use
	pm, ym  []F     // parents' hidden states (m×H; H×n backwards); times Whh (m×4H)
	gm      []F     // summed gate gradients per parent (np×4H)
	dpm     []F     // parents' hidden-state gradients (m×H)
}

func (n *lstmNet[F]) newTrie() *lstmTrie[F] {
	t := &lstmTrie[F]{net: n, roots: make([]int32, n.V)}
	t.reset()
	return t
}

// reset empties the trie (keeping its memory), for new sequences or new
// parameters.
func (t *lstmTrie[F]) reset() {
	t.n, t.done = 0, 0
	for i := range t.roots {
		t.roots[i] = -1
	}
}

// add returns the node at the end of tokens, creating missing nodes.
func (t *lstmTrie[F]) add(tokens []int) int {
	V := t.net.V
	cur := int32(-1)
	for d, tok := range tokens {
		next := t.roots[tok]
		if cur >= 0 {
			next = t.child[int(cur)*V+tok]
		}
		if next < 0 {
			next = int32(t.n)
			t.n++
			if t.n > len(t.parent) {
				t.grow(max(2*t.n, 512))
			}
			t.parent[next], t.token[next], t.depth[next] = cur, int32(tok), int32(d)
			t.row[next] = -1
			for v := range V {
				t.child[int(next)*V+v] = -1
			}
			if cur >= 0 {
				t.child[int(cur)*V+tok] = next
			} else {
				t.roots[tok] = next
			}
		}
		cur = next
	}
	return int(cur)
}

func (t *lstmTrie[F]) grow(n int) {
	V, H := t.net.V, t.net.H
	t.parent, t.token, t.depth = regrow(t.parent, n), regrow(t.token, n), regrow(t.depth, n)
	t.row, t.child = regrow(t.row, n), regrow(t.child, n*V)
	t.gates = regrow(t.gates, n*4*H)
	t.c, t.tc, t.h = regrow(t.c, n*H), regrow(t.tc, n*H), regrow(t.h, n*H)
	t.dh, t.dc = regrow(t.dh, n*H), regrow(t.dc, n*H)
}

// hidden returns the hidden state of node i (after forward).
func (t *lstmTrie[F]) hidden(i int) []F { return t.h[i*t.net.H : (i+1)*t.net.H] }

// dhidden returns the gradient accumulator of node i's hidden state; add
// the loss's gradient there before backward.
func (t *lstmTrie[F]) dhidden(i int) []F { return t.dh[i*t.net.H : (i+1)*t.net.H] }

// levels groups the nodes lo..n-1 by depth into order and start (a
// counting sort, stable in node order) and returns the number of depths.
func (t *lstmTrie[F]) levels(lo int) int {
	d := 0
	for _, v := range t.depth[lo:t.n] {
		d = max(d, int(v)+1)
	}
	t.start = append(t.start[:0], make([]int, d+2)...)
	for _, v := range t.depth[lo:t.n] {
		t.start[v+2]++
	}
	for i := 2; i < len(t.start); i++ {
		t.start[i] += t.start[i-1]
	}
	t.order = append(t.order[:0], make([]int32, t.n-lo)...)
	for i := lo; i < t.n; i++ {
		v := t.depth[i] + 1
		t.order[t.start[v]] = int32(i)
		t.start[v]++
	}
	return d
}

// gatherParents numbers the distinct parents of nodes (in order of first
// use, in t.parents and t.row) and returns their number; releaseParents
// undoes the numbering.
func (t *lstmTrie[F]) gatherParents(nodes []int32) int {
	t.parents = t.parents[:0]
	for _, i := range nodes {
		if p := t.parent[i]; p >= 0 && t.row[p] < 0 {
			t.row[p] = int32(len(t.parents))
			t.parents = append(t.parents, p)
		}
	}
	return len(t.parents)
}

func (t *lstmTrie[F]) releaseParents() {
	for _, p := range t.parents {
		t.row[p] = -1
	}
}

// forward computes the nodes added since the last forward.
func (t *lstmTrie[F]) forward() {
	net := t.net
	H, H4 := net.H, 4*net.H
	for d := range t.levels(t.done) {
		nodes := t.order[t.start[d]:t.start[d+1]]
		m := t.gatherParents(nodes)
		t.pm, t.ym = resize(t.pm, m*H), resize(t.ym, m*H4)
		for r, p := range t.parents {
			copy(t.pm[r*H:(r+1)*H], t.h[int(p)*H:int(p+1)*H])
		}
		clear(t.ym)
		gemm(m, H4, H, t.pm, H, net.theta[net.whhT:net.whhT+H*H4], H4, t.ym, H4)
		for _, i := range nodes {
			i := int(i)
			tok := int(t.token[i])
			var y, cPrev []F
			if p := int(t.parent[i]); p >= 0 {
				r := int(t.row[p])
				y, cPrev = t.ym[r*H4:(r+1)*H4], t.c[p*H:(p+1)*H]
			}
			cellForward(H, net.proj[tok*H4:(tok+1)*H4], y, cPrev, t.gates[i*H4:(i+1)*H4],
				t.c[i*H:(i+1)*H], t.tc[i*H:(i+1)*H], t.h[i*H:(i+1)*H])
		}
		t.releaseParents()
	}
	t.done = t.n
	clear(t.dh[:t.n*H])
	clear(t.dc[:t.n*H])
}

// backward propagates the gradients gathered in the nodes' accumulators
// to the parameters: Whh into grad, the input projections summed per token
// into dproj (see finishGrad).
func (t *lstmTrie[F]) backward(grad, dproj []F) {
	net := t.net
	H, H4 := net.H, 4*net.H
	// The parents of all depths, their hidden states as columns of pm
	// (H×n, the first np columns used) and their summed gate gradients as
	// rows of gm, for one product giving Whh's gradient at the end.
	t.pm, t.gm = resize(t.pm, H*t.n), resize(t.gm, t.n*H4)
	np := 0
	for d := t.levels(0) - 1; d >= 0; d-- {
		nodes := t.order[t.start[d]:t.start[d+1]]
		m := t.gatherParents(nodes)
		for r, p := range t.parents {
			for k, v := range t.h[int(p)*H : int(p+1)*H] {
				t.pm[k*t.n+np+r] = v
			}
		}
		gm := t.gm[np*H4 : (np+m)*H4]
		clear(gm)
		for _, i := range nodes {
			i := int(i)
			z := t.gates[i*H4 : (i+1)*H4]
			tcs := t.tc[i*H : (i+1)*H]
			dh, dc := t.dh[i*H:(i+1)*H], t.dc[i*H:(i+1)*H]
			tok := int(t.token[i])
			dz := dproj[tok*H4 : (tok+1)*H4]
			p := int(t.parent[i])
			var g, cPrev, dcPrev []F
			if p >= 0 {
				r := int(t.row[p])
				g = gm[r*H4 : (r+1)*H4]
				cPrev, dcPrev = t.c[p*H:(p+1)*H], t.dc[p*H:(p+1)*H]
			}
			cellBackward(H, z, tcs, dh, dc, cPrev, dz, g, dcPrev)
		}
		t.dpm = resize(t.dpm, m*H)
		clear(t.dpm)
		gemm(m, H, H4, gm, H4, net.whh, H, t.dpm, H)
		for r, p := range t.parents {
			add(t.dh[int(p)*H:int(p+1)*H], t.dpm[r*H:(r+1)*H])
		}
		t.releaseParents()
		np += m
	}
	gemm(H, H4, np, t.pm, t.n, t.gm, H4, grad[net.whhT:net.whhT+H*H4], H4)
}

// finishGrad turns the per-token projection gradients into gradients of
// the embedding, the input weights and both biases, and clears dproj.
func (n *lstmNet[F]) finishGrad(grad, dproj []F) {
	H, H4 := n.H, 4*n.H
	for v := range n.V {
		for j, d := range dproj[v*H4 : (v+1)*H4] {
			grad[n.bih+j] += d
			grad[n.bhh+j] += d
		}
	}
	gemm(H, H4, n.V, n.embT, n.V, dproj, H4, grad[n.wihT:n.wihT+H*H4], H4)
	gemm(n.V, H, H4, dproj, H4, n.wih, H, grad[n.emb:n.emb+n.V*H], H)
	clear(dproj)
}

// add adds x to y, element by element.
func add[F float](y, x []F) {
	y = y[:len(x)]
	for i, v := range x {
		y[i] += v
	}
}

// resize returns s resized to n elements, reusing its memory if it can
// (and otherwise allocating room to double, so that slowly growing sizes
// allocate rarely).
func resize[F float](s []F, n int) []F {
	if cap(s) < n {
		return make([]F, n, max(n, 2*cap(s)))
	}
	return s[:n]
}

// regrow returns a new slice of n elements that begins with s.
func regrow[T any](s []T, n int) []T {
	t := make([]T, n)
	copy(t, s)
	return t
}

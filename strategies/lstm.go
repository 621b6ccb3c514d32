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
type lstmNet struct {
	V, H, A int // vocabulary (max choices + 1), hidden size, actions

	theta                   []float64
	emb, wih, whh, bih, bhh int       // V*H, 4H*H, 4H*H, 4H, 4H
	wa, ba, wc, bc          int       // A*H, A, H, 1
	n                       int       // number of parameters
	proj                    []float64 // V*4H: wih*emb[v] + bih + bhh
}

func newLSTMNet(v, h, a int, rng *rand.Rand) *lstmNet {
	n := &lstmNet{V: v, H: h, A: a}
	off := 0
	take := func(k int) int { o := off; off += k; return o }
	n.emb = take(v * h)
	n.wih = take(4 * h * h)
	n.whh = take(4 * h * h)
	n.bih = take(4 * h)
	n.bhh = take(4 * h)
	n.wa = take(a * h)
	n.ba = take(a)
	n.wc = take(h)
	n.bc = take(1)
	n.n = off
	n.theta = make([]float64, off)

	// PyTorch's default initialisation: embedding N(0, 1), everything else
	// U(-1/sqrt(H), 1/sqrt(H)) (LSTM and, with fan-in H, both linear heads).
	for i := range v * h {
		n.theta[n.emb+i] = rng.NormFloat64()
	}
	k := 1 / math.Sqrt(float64(h))
	for i := n.wih; i < n.n; i++ {
		n.theta[i] = (2*rng.Float64() - 1) * k
	}
	n.proj = make([]float64, v*4*h)
	n.refresh()
	return n
}

// refresh recomputes the per-token input projections after theta changed.
func (n *lstmNet) refresh() {
	H4 := 4 * n.H
	for v := range n.V {
		e := n.theta[n.emb+v*n.H : n.emb+(v+1)*n.H]
		p := n.proj[v*H4 : (v+1)*H4]
		for j := range H4 {
			w := n.theta[n.wih+j*n.H : n.wih+(j+1)*n.H]
			p[j] = dot(w, e) + n.theta[n.bih+j] + n.theta[n.bhh+j]
		}
	}
}

// lstmTrie evaluates the LSTM on many token sequences at once. All
// sequences start from the zero state, so sequences with a common prefix
// share its states: each distinct prefix is one node, computed once, and
// its gradient gathers the contributions of every sequence through it.
// Nodes are stored parents first.
type lstmTrie struct {
	net    *lstmNet
	n      int     // nodes in use
	done   int     // nodes whose forward pass is computed
	parent []int32 // -1 for a first token
	token  []int32
	child  []int32 // n*V: the node for (node, next token), -1 if none
	roots  []int32 // V: the node of each first token, -1 if none

	gates, c, tc, h []float64 // per node: 4H activations (i, f, g, o), H, H, H
	dh, dc          []float64 // per node: gradient accumulators
}

func (n *lstmNet) newTrie() *lstmTrie {
	t := &lstmTrie{net: n, roots: make([]int32, n.V)}
	t.reset()
	return t
}

// reset empties the trie (keeping its memory), for new sequences or new
// parameters.
func (t *lstmTrie) reset() {
	t.n, t.done = 0, 0
	for i := range t.roots {
		t.roots[i] = -1
	}
}

// add returns the node at the end of tokens, creating missing nodes.
func (t *lstmTrie) add(tokens []int) int {
	V := t.net.V
	cur := int32(-1)
	for _, tok := range tokens {
		next := t.roots[tok]
		if cur >= 0 {
			next = t.child[int(cur)*V+tok]
		}
		if next < 0 {
			next = int32(t.n)
			t.n++
			if t.n > len(t.parent) {
				t.grow(2*t.n + 16)
			}
			t.parent[next], t.token[next] = cur, int32(tok)
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

func (t *lstmTrie) grow(n int) {
	V, H := t.net.V, t.net.H
	ext := func(s []float64, k int) []float64 { return append(s, make([]float64, n*k-len(s))...) }
	t.parent = append(t.parent, make([]int32, n-len(t.parent))...)
	t.token = append(t.token, make([]int32, n-len(t.token))...)
	t.child = append(t.child, make([]int32, n*V-len(t.child))...)
	t.gates = ext(t.gates, 4*H)
	t.c, t.tc, t.h = ext(t.c, H), ext(t.tc, H), ext(t.h, H)
	t.dh, t.dc = ext(t.dh, H), ext(t.dc, H)
}

// hidden returns the hidden state of node i (after forward).
func (t *lstmTrie) hidden(i int) []float64 { return t.h[i*t.net.H : (i+1)*t.net.H] }

// forward computes the nodes added since the last forward.
func (t *lstmTrie) forward() {
	n := t.net
	H, H4 := n.H, 4*n.H
	whh := n.theta[n.whh : n.whh+H4*H]
	for i := t.done; i < t.n; i++ {
		z := t.gates[i*H4 : (i+1)*H4]
		tok := int(t.token[i])
		copy(z, n.proj[tok*H4:(tok+1)*H4])
		var cPrev []float64
		if p := int(t.parent[i]); p >= 0 {
			hPrev := t.h[p*H : (p+1)*H]
			for j := 0; j < H4; j += 4 {
				matvec4(whh[j*H:(j+4)*H], hPrev, z[j:j+4])
			}
			cPrev = t.c[p*H : (p+1)*H]
		}
		cs, tcs, hs := t.c[i*H:(i+1)*H], t.tc[i*H:(i+1)*H], t.h[i*H:(i+1)*H]
		for k := range H {
			ig, fg := sigmoid(z[k]), sigmoid(z[H+k])
			gg, og := math.Tanh(z[2*H+k]), sigmoid(z[3*H+k])
			z[k], z[H+k], z[2*H+k], z[3*H+k] = ig, fg, gg, og
			cs[k] = ig * gg
			if cPrev != nil {
				cs[k] += fg * cPrev[k]
			}
			tcs[k] = math.Tanh(cs[k])
			hs[k] = og * tcs[k]
		}
	}
	t.done = t.n
	clear(t.dh[:t.n*H])
	clear(t.dc[:t.n*H])
}

// dhidden returns the gradient accumulator of node i's hidden state; add
// the loss's gradient there before backward.
func (t *lstmTrie) dhidden(i int) []float64 { return t.dh[i*t.net.H : (i+1)*t.net.H] }

// backward propagates the gradients gathered in the nodes' accumulators
// to the parameters: Whh into grad, the input projections summed per token
// into dproj (see finishGrad).
func (t *lstmTrie) backward(grad, dproj []float64, w *lstmWork) {
	n := t.net
	H, H4 := n.H, 4*n.H
	whh := n.theta[n.whh : n.whh+H4*H]
	gwhh := grad[n.whh : n.whh+H4*H]
	dz := w.dz
	for i := t.n - 1; i >= 0; i-- {
		z := t.gates[i*H4 : (i+1)*H4]
		tcs := t.tc[i*H : (i+1)*H]
		dh, dc := t.dh[i*H:(i+1)*H], t.dc[i*H:(i+1)*H]
		p := int(t.parent[i])
		var cPrev, dcPrev []float64
		if p >= 0 {
			cPrev, dcPrev = t.c[p*H:(p+1)*H], t.dc[p*H:(p+1)*H]
		}
		for k := range H {
			ig, fg, gg, og := z[k], z[H+k], z[2*H+k], z[3*H+k]
			dct := dc[k] + dh[k]*og*(1-tcs[k]*tcs[k])
			dz[k] = dct * gg * ig * (1 - ig)
			dz[2*H+k] = dct * ig * (1 - gg*gg)
			dz[3*H+k] = dh[k] * tcs[k] * og * (1 - og)
			if p >= 0 {
				dz[H+k] = dct * cPrev[k] * fg * (1 - fg)
				dcPrev[k] += dct * fg
			} else {
				dz[H+k] = 0
			}
		}
		tok := int(t.token[i])
		dp := dproj[tok*H4 : (tok+1)*H4]
		for j, v := range dz {
			dp[j] += v
		}
		if p < 0 {
			continue // the zero start state has no parameters
		}
		hPrev, dhPrev := t.h[p*H:(p+1)*H], t.dh[p*H:(p+1)*H]
		for j := 0; j < H4; j += 4 {
			outer4(dz[j:j+4], hPrev, gwhh[j*H:(j+4)*H], whh[j*H:(j+4)*H], dhPrev)
		}
	}
}

// finishGrad turns the per-token projection gradients into gradients of
// the embedding, the input weights and both biases, and clears dproj.
func (n *lstmNet) finishGrad(grad, dproj []float64) {
	H, H4 := n.H, 4*n.H
	for v := range n.V {
		dp := dproj[v*H4 : (v+1)*H4]
		e := n.theta[n.emb+v*H : n.emb+(v+1)*H]
		ge := grad[n.emb+v*H : n.emb+(v+1)*H]
		for j, d := range dp {
			if d == 0 {
				continue
			}
			grad[n.bih+j] += d
			grad[n.bhh+j] += d
			axpy(d, e, grad[n.wih+j*H:n.wih+(j+1)*H])
			axpy(d, n.theta[n.wih+j*H:n.wih+(j+1)*H], ge)
		}
		clear(dp)
	}
}

// lstmWork is scratch space for backward.
type lstmWork struct{ dz []float64 }

func (n *lstmNet) newWork() *lstmWork { return &lstmWork{dz: make([]float64, 4*n.H)} }

func sigmoid(x float64) float64 { return 1 / (1 + math.Exp(-x)) }

// dot is a·b over len(a) elements, with four accumulators.
func dot(a, b []float64) float64 {
	b = b[:len(a)]
	var s0, s1, s2, s3 float64
	i := 0
	for ; i+4 <= len(a); i += 4 {
		s0 += a[i] * b[i]
		s1 += a[i+1] * b[i+1]
		s2 += a[i+2] * b[i+2]
		s3 += a[i+3] * b[i+3]
	}
	for ; i < len(a); i++ {
		s0 += a[i] * b[i]
	}
	return (s0 + s1) + (s2 + s3)
}

// axpy adds alpha*x to y.
func axpy(alpha float64, x, y []float64) {
	y = y[:len(x)]
	for i, v := range x {
		y[i] += alpha * v
	}
}

// matvec4 adds to z[0:4] the products of the four rows of w (each
// len(x) long, stored one after another) with x.
func matvec4(w, x, z []float64) {
	n := len(x)
	r0, r1, r2, r3 := w[:n], w[n:2*n], w[2*n:3*n], w[3*n:4*n]
	var a0, a1, a2, a3, b0, b1, b2, b3 float64
	k := 0
	for ; k+2 <= n; k += 2 {
		x0, x1 := x[k], x[k+1]
		a0 += r0[k] * x0
		a1 += r1[k] * x0
		a2 += r2[k] * x0
		a3 += r3[k] * x0
		b0 += r0[k+1] * x1
		b1 += r1[k+1] * x1
		b2 += r2[k+1] * x1
		b3 += r3[k+1] * x1
	}
	for ; k < n; k++ {
		a0 += r0[k] * x[k]
		a1 += r1[k] * x[k]
		a2 += r2[k] * x[k]
		a3 += r3[k] * x[k]
	}
	z = z[:4]
	z[0] += a0 + b0
	z[1] += a1 + b1
	z[2] += a2 + b2
	z[3] += a3 + b3
}

// outer4 is the backward of matvec4 for four rows: it adds v[r]*x to row r
// of g, and the sum over r of v[r] times row r of w to dx.
func outer4(v, x, g, w, dx []float64) {
	n := len(x)
	v0, v1, v2, v3 := v[0], v[1], v[2], v[3]
	g0, g1, g2, g3 := g[:n], g[n:2*n], g[2*n:3*n], g[3*n:4*n]
	w0, w1, w2, w3 := w[:n], w[n:2*n], w[2*n:3*n], w[3*n:4*n]
	dx = dx[:n]
	for k, xk := range x {
		g0[k] += v0 * xk
		g1[k] += v1 * xk
		g2[k] += v2 * xk
		g3[k] += v3 * xk
		dx[k] += v0*w0[k] + v1*w1[k] + v2*w2[k] + v3*w3[k]
	}
}

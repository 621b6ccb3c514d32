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
			p[j] = dot(n.theta[n.wih+j*n.H:n.wih+(j+1)*n.H], e) + n.theta[n.bih+j] + n.theta[n.bhh+j]
		}
	}
}

// lstmCache holds a forward pass over up to cap tokens.
type lstmCache struct {
	T      int
	tokens []int
	gates  []float64 // T*4H activations: i, f, g, o
	c, tc  []float64 // T*H cell state and its tanh
	h      []float64 // (T+1)*H hidden states; h[0] is the zero start
	cPrev0 []float64 // H zeros
}

func (n *lstmNet) newCache(capT int) *lstmCache {
	H := n.H
	return &lstmCache{
		gates: make([]float64, capT*4*H), c: make([]float64, capT*H),
		tc: make([]float64, capT*H), h: make([]float64, (capT+1)*H),
		cPrev0: make([]float64, H),
	}
}

// forward runs the LSTM over tokens from a zero state and returns the
// last hidden state (a view into the cache).
func (n *lstmNet) forward(tokens []int, c *lstmCache) []float64 {
	H, H4 := n.H, 4*n.H
	c.T = len(tokens)
	c.tokens = tokens
	whh := n.theta[n.whh : n.whh+H4*H]
	for s, tok := range tokens {
		hPrev := c.h[s*H : (s+1)*H]
		cPrev := c.cPrev0
		if s > 0 {
			cPrev = c.c[(s-1)*H : s*H]
		}
		z := c.gates[s*H4 : (s+1)*H4]
		copy(z, n.proj[tok*H4:(tok+1)*H4])
		if s > 0 {
			for j := range H4 {
				z[j] += dot(whh[j*H:(j+1)*H], hPrev)
			}
		}
		cs, tcs, hs := c.c[s*H:(s+1)*H], c.tc[s*H:(s+1)*H], c.h[(s+1)*H:(s+2)*H]
		for k := range H {
			i, f := sigmoid(z[k]), sigmoid(z[H+k])
			g, o := math.Tanh(z[2*H+k]), sigmoid(z[3*H+k])
			z[k], z[H+k], z[2*H+k], z[3*H+k] = i, f, g, o
			cs[k] = f*cPrev[k] + i*g
			tcs[k] = math.Tanh(cs[k])
			hs[k] = o * tcs[k]
		}
	}
	return c.h[c.T*H : (c.T+1)*H]
}

// backward accumulates into grad the gradient of a loss whose derivative
// with respect to the last hidden state is dh (overwritten). Gradients of
// the input projections are summed per token into dproj; call
// finishGrad once per batch to turn them into embedding, input weight and
// bias gradients.
func (n *lstmNet) backward(c *lstmCache, dh []float64, grad, dproj []float64, w *lstmWork) {
	H, H4 := n.H, 4*n.H
	whh := n.theta[n.whh : n.whh+H4*H]
	gwhh := grad[n.whh : n.whh+H4*H]
	dc, dz, dhPrev := w.dc, w.dz, w.dhPrev
	clear(dc)
	for s := c.T - 1; s >= 0; s-- {
		z := c.gates[s*H4 : (s+1)*H4]
		tcs := c.tc[s*H : (s+1)*H]
		cPrev := c.cPrev0
		if s > 0 {
			cPrev = c.c[(s-1)*H : s*H]
		}
		for k := range H {
			i, f, g, o := z[k], z[H+k], z[2*H+k], z[3*H+k]
			dct := dc[k] + dh[k]*o*(1-tcs[k]*tcs[k])
			dz[k] = dct * g * i * (1 - i)
			dz[H+k] = dct * cPrev[k] * f * (1 - f)
			dz[2*H+k] = dct * i * (1 - g*g)
			dz[3*H+k] = dh[k] * tcs[k] * o * (1 - o)
			dc[k] = dct * f
		}
		dp := dproj[c.tokens[s]*H4 : (c.tokens[s]+1)*H4]
		for j, v := range dz {
			dp[j] += v
		}
		if s == 0 {
			break // h[0] is the constant zero state
		}
		hPrev := c.h[s*H : (s+1)*H]
		clear(dhPrev)
		for j, v := range dz {
			axpy2(v, hPrev, gwhh[j*H:(j+1)*H], whh[j*H:(j+1)*H], dhPrev)
		}
		copy(dh, dhPrev)
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
type lstmWork struct{ dc, dz, dhPrev []float64 }

func (n *lstmNet) newWork() *lstmWork {
	return &lstmWork{dc: make([]float64, n.H), dz: make([]float64, 4*n.H),
		dhPrev: make([]float64, n.H)}
}

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

// axpy2 adds alpha*x to y and alpha*u to w in one pass (len(x) elements).
func axpy2(alpha float64, x, y, u, w []float64) {
	n := len(x)
	y, u, w = y[:n], u[:n], w[:n]
	i := 0
	for ; i+4 <= n; i += 4 {
		y[i] += alpha * x[i]
		y[i+1] += alpha * x[i+1]
		y[i+2] += alpha * x[i+2]
		y[i+3] += alpha * x[i+3]
		w[i] += alpha * u[i]
		w[i+1] += alpha * u[i+1]
		w[i+2] += alpha * u[i+2]
		w[i+3] += alpha * u[i+3]
	}
	for ; i < n; i++ {
		y[i] += alpha * x[i]
		w[i] += alpha * u[i]
	}
}

package strategies

import "math"

// float is the element type of the PPO policy network: float32 when it
// searches (PyTorch, and so NNI, run the policy in float32), float64 for
// the finite-difference test of its gradient.
type float interface{ float32 | float64 }

// The kernels below have an assembly form for float32 on amd64 with AVX2
// and FMA (kernels_amd64.s) and a Go form used everywhere else. Both
// compute every element by the same sequence of rounded operations, in
// the same order, so a run gives the same bits whichever form computed
// it; TestKernelsMatchGo checks this.

// gemm adds the product of A (m×k, row stride lda) and B (k×n, row stride
// ldb) to C (m×n, row stride ldc). Each element of C is updated as
// c = fma(a[i][l], b[l][j], c) for l = 0, 1, ..., k-1 in turn: for
// float32 a fused multiply-add (fma32), for float64 a multiply rounded
// before the addition.
func gemm[F float](m, n, k int, a []F, lda int, b []F, ldb int, c []F, ldc int) {
	if m <= 0 || n <= 0 || k <= 0 {
		return
	}
	_ = a[(m-1)*lda+k-1]
	_ = b[(k-1)*ldb+n-1]
	_ = c[(m-1)*ldc+n-1]
	j0 := 0
	if a32, ok := any(a).([]float32); ok && useAVX2 && n >= 32 {
		b32, c32 := any(b).([]float32), any(c).([]float32)
		j0 = n &^ 31
		i0 := m - m%6
		if i0 > 0 {
			sgemm6AVX2(i0, j0, k, &a32[0], lda, &b32[0], ldb, &c32[0], ldc)
		}
		if i0 < m {
			sgemmAVX2(m-i0, j0, k, &a32[i0*lda], lda, &b32[0], ldb, &c32[i0*ldc], ldc)
		}
		if j0 == n {
			return
		}
	}
	if a32, ok := any(a).([]float32); ok {
		b32, c32 := any(b).([]float32), any(c).([]float32)
		for i := range m {
			ci := c32[i*ldc+j0 : i*ldc+n]
			for l, x := range a32[i*lda : i*lda+k] {
				x64 := float64(x)
				bl := b32[l*ldb+j0 : l*ldb+n]
				ci := ci[:len(bl)]
				for j, y := range bl {
					// fma32(x, y, ci[j]), its fast path written out
					s := x64*float64(y) + float64(ci[j])
					if u := math.Float64bits(s); u&(1<<29-1) == 1<<28 ||
						u&(0x7ff<<52) < (1023-126)<<52 {
						s = float64(fma32Tie(x, y, ci[j], s))
					}
					ci[j] = float32(s)
				}
			}
		}
		return
	}
	for i := range m {
		ci := c[i*ldc : i*ldc+n]
		for l, x := range a[i*lda : i*lda+k] {
			for j, y := range b[l*ldb : l*ldb+n] {
				ci[j] += F(x * y)
			}
		}
	}
}

// fma32 returns a*b + c rounded once to float32, as VFMADD231PS does.
//
// The product is exact in float64, and s = a*b + c rounded to float64
// rounds to the same float32 as the exact value unless s falls exactly
// on a float32 tie (halfway between two float32s) while the exact value
// does not; fma32Tie settles that case.
func fma32(a, b, c float32) float32 {
	s := float64(a)*float64(b) + float64(c)
	if u := math.Float64bits(s); u&(1<<29-1) != 1<<28 && u&(0x7ff<<52) >= (1023-126)<<52 {
		return float32(s) // not a tie, and of normal float32 size
	}
	return fma32Tie(a, b, c, s)
}

// fma32Tie is fma32 where s, the float64 sum, may be a float32 tie: the
// exact error of the sum says which way to round.
func fma32Tie(a, b, c float32, s float64) float32 {
	p, cc := float64(a)*float64(b), float64(c)
	v := s - p
	err := (p - (s - v)) + (cc - v) // s + err == p + cc exactly
	if err == 0 {
		return float32(s)
	}
	up, down := float32(math.Nextafter(s, math.Inf(1))), float32(math.Nextafter(s, math.Inf(-1)))
	if up == down {
		return float32(s) // s is no tie after all (a small s, handled here)
	}
	if err > 0 {
		return up
	}
	return down
}

// transpose writes the transpose of A (r×c, row-major) into t (c×r), in
// tiles of 16×16 so that both sides stay in cache.
func transpose[F float](a []F, r, c int, t []F) {
	const tile = 16
	_ = a[r*c-1]
	_ = t[r*c-1]
	if a32, ok := any(a).([]float32); ok && useAVX2 && r%8 == 0 && c%8 == 0 {
		stransposeAVX(&a32[0], r, c, &any(t).([]float32)[0])
		return
	}
	for i0 := 0; i0 < r; i0 += tile {
		i1 := min(i0+tile, r)
		for j0 := 0; j0 < c; j0 += tile {
			j1 := min(j0+tile, c)
			for i := i0; i < i1; i++ {
				for j, v := range a[i*c+j0 : i*c+j1] {
					t[(j0+j)*r+i] = v
				}
			}
		}
	}
}

// sigmoids replaces each x[i] by 1/(1+exp(-x[i])). For float32 the
// exponential is sexp below (accurate to a few units in the last place);
// for float64 it is math.Exp.
func sigmoids[F float](x []F) {
	switch x := any(x).(type) {
	case []float32:
		i := 0
		if useAVX2 {
			i = len(x) &^ 7
			if i > 0 {
				ssigmoidAVX2(&x[0], i)
			}
		}
		for ; i < len(x); i++ {
			x[i] = 1 / (1 + sexp(-x[i]))
		}
	case []float64:
		for i, v := range x {
			x[i] = 1 / (1 + math.Exp(-v))
		}
	}
}

// Constants of sexp. The reduction x = k*ln2 + r splits ln2 into a part
// with few significant bits (so k*ln2Hi is exact) and the rest.
const (
	sexpMin  = -87.0
	sexpMax  = 88.0
	log2e32  = float32(math.Log2E)
	ln2Hi32  = float32(0.693359375)
	ln2Lo32  = float32(-2.12194440e-4)
	sexpBias = 127
)

// sexpPoly are the Taylor coefficients 1/7!, 1/6!, ..., 1/1!, 1/0! of
// exp(r) on |r| <= ln2/2, highest first.
var sexpPoly = [8]float32{1.0 / 5040, 1.0 / 720, 1.0 / 120, 1.0 / 24, 1.0 / 6, 0.5, 1, 1}

// sexp is exp(x) in float32 for x in [-87, 88] (clamped outside), by the
// steps ssigmoidAVX2 takes, each rounded to float32 (the reduction and
// Horner's rule by fused multiply-adds).
func sexp(x float32) float32 {
	// The clamp as VMAXPS and VMINPS do it: NaN becomes the bound.
	if !(x > sexpMin) {
		x = sexpMin
	}
	if !(x < sexpMax) {
		x = sexpMax
	}
	k := float32(math.RoundToEven(float64(x * log2e32)))
	r := fma32(-k, ln2Hi32, x)
	r = fma32(-k, ln2Lo32, r)
	p := sexpPoly[0]
	for _, c := range sexpPoly[1:] {
		p = fma32(p, r, c)
	}
	scale := math.Float32frombits(uint32(int32(k)+sexpBias) << 23)
	return p * scale
}

// adamStep applies one Adam update with decay rates b1, b2 and bias
// corrections c1 = 1-b1^t, c2 = 1-b2^t:
//
//	m = b1*m + (1-b1)*g
//	v = b2*v + (1-b2)*g*g
//	theta -= lr * m̂ / (sqrt(v̂) + eps)
//
// where m̂ = m/c1 and v̂ = v/c2 (float64), or m*(1/c1) and v*(1/c2) with
// the reciprocals rounded to float32 (float32). It leaves g cleared, ready
// for the next gradient.
func adamStep[F float](theta, g, m, v []F, lr, b1, b2, eps, c1, c2 float64) {
	n := len(theta)
	g, m, v = g[:n], m[:n], v[:n]
	switch th := any(theta).(type) {
	case []float64:
		g, m, v := any(g).([]float64), any(m).([]float64), any(v).([]float64)
		for i, gi := range g {
			m[i] = b1*m[i] + (1-b1)*gi
			v[i] = b2*v[i] + (1-b2)*gi*gi
			th[i] -= lr * (m[i] / c1) / (math.Sqrt(v[i]/c2) + eps)
			g[i] = 0
		}
	case []float32:
		g, m, v := any(g).([]float32), any(m).([]float32), any(v).([]float32)
		k := [7]float32{float32(b1), float32(1 - b1), float32(b2), float32(1 - b2),
			float32(1 / c1), float32(1 / c2), float32(lr)}
		e := float32(eps)
		i := 0
		if useAVX2 {
			i = n &^ 7
			if i > 0 {
				sadamAVX2(&th[0], &g[0], &m[0], &v[0], i, &k, e)
			}
		}
		for ; i < n; i++ {
			gi := g[i]
			g[i] = 0
			mi := float32(k[0]*m[i]) + float32(k[1]*gi)
			vi := float32(k[2]*v[i]) + float32(float32(k[3]*gi)*gi)
			m[i], v[i] = mi, vi
			mh := float32(mi * k[4])
			d := float32(math.Sqrt(float64(float32(vi*k[5])))) + e
			th[i] -= float32(k[6]*mh) / d
		}
	}
}

// cellBackward is the backward pass of one LSTM cell of h units. From the
// cell's gates z (i, f, g, o, each h long), tanh of its cell tc and the
// gradients dh, dc of its hidden state and cell, it adds the gradient of
// the gate pre-activations to dz and (with a parent) to g, and the
// gradient of the parent's cell cp to dcp. Without a parent (cp nil) the
// forget gate has no gradient and g, dcp are not used.
func cellBackward[F float](h int, z, tc, dh, dc, cp, dz, g, dcp []F) {
	z, dz = z[:4*h], dz[:4*h]
	tc, dh, dc = tc[:h], dh[:h], dc[:h]
	if z32, ok := any(z).([]float32); ok && useAVX2 && cp != nil && h%8 == 0 {
		f := func(s []F) *float32 { return &any(s).([]float32)[0] }
		scellbackAVX2(h, &z32[0], f(tc), f(dh), f(dc), f(cp[:h]), f(dz), f(g[:4*h]), f(dcp[:h]))
		return
	}
	for k := range h {
		ig, fg, gg, og := z[k], z[h+k], z[2*h+k], z[3*h+k]
		dct := dc[k] + F(F(dh[k]*og)*(1-F(tc[k]*tc[k])))
		di := F(F(F(dct*gg)*ig) * (1 - ig))
		dg := F(F(dct*ig) * (1 - F(gg*gg)))
		do := F(F(F(dh[k]*tc[k])*og) * (1 - og))
		dz[k] += di
		dz[2*h+k] += dg
		dz[3*h+k] += do
		if cp == nil {
			continue
		}
		df := F(F(F(dct*cp[k])*fg) * (1 - fg))
		dz[h+k] += df
		dcp[k] += F(dct * fg)
		g[k] += di
		g[h+k] += df
		g[2*h+k] += dg
		g[3*h+k] += do
	}
}

// cellForward is the forward pass of one LSTM cell of h units: gate
// pre-activations proj + y (y, the recurrent product, nil for a first
// token), gates written to gates (i, f, g, o), cell c = i*g + f*cp (cp,
// the parent's cell, nil for a first token), tc = tanh(c) and the hidden
// state hid = o*tc. tanh(x) is computed as 2*sigmoid(2x) - 1.
func cellForward[F float](h int, proj, y, cp, gates, c, tc, hid []F) {
	proj, gates = proj[:4*h], gates[:4*h]
	c, tc, hid = c[:h], tc[:h], hid[:h]
	if p32, ok := any(proj).([]float32); ok && useAVX2 && h%8 == 0 {
		var yp, cpp *float32
		if y != nil {
			yp, cpp = &any(y[:4*h]).([]float32)[0], &any(cp[:h]).([]float32)[0]
		}
		f := func(s []F) *float32 { return &any(s).([]float32)[0] }
		scellAVX2(h, &p32[0], yp, cpp, f(gates), f(c), f(tc), f(hid))
		return
	}
	copy(gates, proj)
	if y != nil {
		for j, v := range y[:4*h] {
			gates[j] += v
		}
	}
	g := gates[2*h : 3*h]
	for k := range g {
		g[k] *= 2
	}
	sigmoids(gates)
	for k := range g {
		g[k] = 2*g[k] - 1
	}
	ig, fg, og := gates[:h], gates[h:2*h], gates[3*h:]
	for k := range c {
		ck := F(ig[k] * g[k])
		if cp != nil {
			ck += F(fg[k] * cp[k])
		}
		c[k] = ck
		tc[k] = 2 * ck
	}
	sigmoids(tc)
	for k := range tc {
		tc[k] = 2*tc[k] - 1
		hid[k] = F(og[k] * tc[k])
	}
}

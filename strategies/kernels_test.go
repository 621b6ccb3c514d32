package strategies

import (
	"math"
	"math/big"
	"math/rand/v2"
	"slices"
	"testing"
)

// goForms runs f with the Go forms of the kernels, then restores the
// kernels in use.
func goForms(f func()) {
	saved := useAVX2
	useAVX2 = false
	defer func() { useAVX2 = saved }()
	f()
}

func randSlice(rng *rand.Rand, n int, scale float64) []float32 {
	s := make([]float32, n)
	for i := range s {
		s[i] = float32(scale * rng.NormFloat64())
	}
	return s
}

// TestKernelsMatchGo: the assembly kernels give the same bits as the Go
// forms, on shapes that use full tiles, the odd last row and the
// columns left to Go.
func TestKernelsMatchGo(t *testing.T) {
	if !useAVX2 {
		t.Skip("no assembly kernels on this machine")
	}
	rng := rand.New(rand.NewPCG(1, 2))
	for _, sh := range [][3]int{{1, 32, 1}, {2, 64, 3}, {5, 256, 64}, {7, 64, 256}, {256, 64, 9},
		{3, 40, 5}, {4, 77, 17}, {1, 8, 2}, {12, 32, 7}, {13, 96, 5}, {6, 48, 1}} {
		m, n, k := sh[0], sh[1], sh[2]
		lda, ldb, ldc := k+3, n+5, n+1
		a := randSlice(rng, m*lda, 1)
		b := randSlice(rng, k*ldb, 1)
		c := randSlice(rng, m*ldc, 1)
		want := slices.Clone(c)
		goForms(func() { gemm(m, n, k, a, lda, b, ldb, want, ldc) })
		gemm(m, n, k, a, lda, b, ldb, c, ldc)
		if !slices.Equal(c, want) {
			t.Errorf("gemm %v: assembly and Go differ", sh)
		}
	}

	for _, sh := range [][2]int{{8, 8}, {64, 256}, {256, 64}, {16, 40}, {4, 64}, {9, 8}} {
		r, c := sh[0], sh[1]
		a := randSlice(rng, r*c, 1)
		got, want := make([]float32, r*c), make([]float32, r*c)
		transpose(a, r, c, got)
		for i := range r {
			for j := range c {
				want[j*r+i] = a[i*c+j]
			}
		}
		if !slices.Equal(got, want) {
			t.Errorf("transpose %v: wrong", sh)
		}
	}

	for _, n := range []int{8, 13, 256} {
		x := randSlice(rng, n, 40) // wide enough to reach both clamps
		x[0], x[1] = 0, float32(math.Copysign(0, -1))
		x[2], x[3], x[4] = float32(math.NaN()), float32(math.Inf(1)), float32(math.Inf(-1))
		want := slices.Clone(x)
		goForms(func() { sigmoids(want) })
		sigmoids(x)
		if !slices.Equal(x, want) {
			t.Errorf("sigmoids, %d elements: assembly and Go differ\n%v\n%v", n, x, want)
		}
	}

	for _, h := range []int{8, 16, 64} {
		proj, y := randSlice(rng, 4*h, 3), randSlice(rng, 4*h, 3)
		cp := randSlice(rng, h, 2)
		for _, parent := range []bool{false, true} {
			yy, cc := y, cp
			if !parent {
				yy, cc = nil, nil
			}
			out := make([][]float32, 8)
			for i := range out {
				out[i] = make([]float32, 4*h)
			}
			goForms(func() { cellForward(h, proj, yy, cc, out[0], out[1], out[2], out[3]) })
			cellForward(h, proj, yy, cc, out[4], out[5], out[6], out[7])
			for i := range 4 {
				if !slices.Equal(out[i], out[i+4]) {
					t.Errorf("cellForward, %d units, parent %v, output %d: assembly and Go differ",
						h, parent, i)
				}
			}
		}
	}

	for _, h := range []int{8, 13, 64} {
		z := randSlice(rng, 4*h, 1)
		sigmoids(z)
		tc, dh := randSlice(rng, h, 0.5), randSlice(rng, h, 1)
		dc, cp := randSlice(rng, h, 1), randSlice(rng, h, 1)
		dz, g, dcp := randSlice(rng, 4*h, 1), randSlice(rng, 4*h, 1), randSlice(rng, h, 1)
		dz2, g2, dcp2 := slices.Clone(dz), slices.Clone(g), slices.Clone(dcp)
		goForms(func() { cellBackward(h, z, tc, dh, dc, cp, dz2, g2, dcp2) })
		cellBackward(h, z, tc, dh, dc, cp, dz, g, dcp)
		if !slices.Equal(dz, dz2) || !slices.Equal(g, g2) || !slices.Equal(dcp, dcp2) {
			t.Errorf("cellBackward, %d units: assembly and Go differ", h)
		}
	}

	for _, n := range []int{8, 21, 1000} {
		th, g := randSlice(rng, n, 1), randSlice(rng, n, 0.01)
		m, v := randSlice(rng, n, 0.01), randSlice(rng, n, 0.0001)
		for i := range v {
			v[i] = float32(math.Abs(float64(v[i])))
		}
		th2, g2, m2, v2 := slices.Clone(th), slices.Clone(g), slices.Clone(m), slices.Clone(v)
		goForms(func() { adamStep(th2, g2, m2, v2, 1e-4, 0.9, 0.999, 1e-8, 0.19, 0.002) })
		adamStep(th, g, m, v, 1e-4, 0.9, 0.999, 1e-8, 0.19, 0.002)
		if !slices.Equal(th, th2) || !slices.Equal(m, m2) || !slices.Equal(v, v2) {
			t.Errorf("adam, %d elements: assembly and Go differ", n)
		}
		if zero := make([]float32, n); !slices.Equal(g, zero) || !slices.Equal(g2, zero) {
			t.Errorf("adam, %d elements: gradient not cleared", n)
		}
	}
}

// TestKernelValues checks the float32 kernels against float64 arithmetic.
func TestKernelValues(t *testing.T) {
	// gemm: a hand-computed 2x3 · 3x2 product added to C.
	a := []float32{1, 2, 3, 4, 5, 6}
	b := []float32{7, 8, 9, 10, 11, 12}
	c := []float32{1, 1, 1, 1}
	gemm(2, 2, 3, a, 3, b, 2, c, 2)
	if want := []float32{59, 65, 140, 155}; !slices.Equal(c, want) {
		t.Errorf("gemm = %v, want %v", c, want)
	}

	// sigmoid within 4 units in the last place of float32 on [-20, 20],
	// and the clamped tails.
	var xs []float32
	for x := -20.0; x <= 20; x += 0.01 {
		xs = append(xs, float32(x))
	}
	xs = append(xs, -200, 200, -88, 88)
	ys := slices.Clone(xs)
	sigmoids(ys)
	for i, x := range xs[:len(xs)-4] {
		want := 1 / (1 + math.Exp(-float64(x)))
		if d := math.Abs(float64(ys[i]) - want); d > 4*0x1p-24*want {
			t.Fatalf("sigmoid(%g) = %g, want %g (off by %g)", x, ys[i], want, d)
		}
	}

	// Beyond the clamp, exp(88) stands for exp(200).
	lo := ys[len(xs)-4]
	if want := 1 / (1 + math.Exp(88)); lo != ys[len(xs)-2] || math.Abs(float64(lo)-want) > 1e-6*want {
		t.Errorf("sigmoid(-200) = %g, sigmoid(-88) = %g, want both %g", lo, ys[len(xs)-2], want)
	}
	if ys[len(ys)-3] != 1 {
		t.Errorf("sigmoid(200) = %g, want 1", ys[len(ys)-3])
	}
}

// TestFMA32 checks fma32 against exact arithmetic: random operands, and
// sums that round in float64 onto a float32 tie, where rounding twice
// would go the wrong way.
func TestFMA32(t *testing.T) {
	exact := func(a, b, c float32) float32 {
		x := new(big.Float).SetPrec(200).SetFloat64(float64(a))
		x.Mul(x, new(big.Float).SetPrec(200).SetFloat64(float64(b)))
		x.Add(x, new(big.Float).SetPrec(200).SetFloat64(float64(c)))
		f, _ := x.Float32()
		return f
	}
	const e23 = 0x1p-23
	for _, tc := range []struct{ a, b, c, want float32 }{
		// 2^24 + 3 - 2^-46: float64 rounds to the tie 2^24 + 3.
		{1 + e23, 1 - e23, 0x1p24 + 2, 0x1p24 + 2},
		// 2^24 + 1 + 2^-46: float64 rounds to the tie 2^24 + 1.
		{-(1 + e23), 1 - e23, 0x1p24 + 2, 0x1p24 + 2},
		{2, 3, 4, 10},
	} {
		if got := fma32(tc.a, tc.b, tc.c); got != tc.want {
			t.Errorf("fma32(%g, %g, %g) = %g, want %g", tc.a, tc.b, tc.c, got, tc.want)
		}
		if got := exact(tc.a, tc.b, tc.c); got != tc.want {
			t.Errorf("exact(%g, %g, %g) = %g, want %g (test case wrong)", tc.a, tc.b, tc.c, got, tc.want)
		}
	}

	rng := rand.New(rand.NewPCG(7, 7))
	for range 200000 {
		a := float32(rng.NormFloat64() * math.Exp2(float64(rng.IntN(40)-20)))
		b := float32(rng.NormFloat64() * math.Exp2(float64(rng.IntN(40)-20)))
		c := float32(rng.NormFloat64() * math.Exp2(float64(rng.IntN(80)-40)))
		if got, want := fma32(a, b, c), exact(a, b, c); got != want {
			t.Fatalf("fma32(%g, %g, %g) = %g, want %g", a, b, c, got, want)
		}
	}
}

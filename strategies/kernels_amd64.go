//go:build !purego

package strategies

import (
	"math"

	"golang.org/x/sys/cpu"
)

// useAVX2 selects the assembly kernels of kernels_amd64.s.
var useAVX2 = cpu.X86.HasAVX2 && cpu.X86.HasFMA

// sgemmAVX2 is gemm for float32 with n a positive multiple of 32 and
// m, k >= 1.
//
//go:noescape
func sgemmAVX2(m, n, k int, a *float32, lda int, b *float32, ldb int, c *float32, ldc int)

// ssigmoidAVX2 is sigmoids for float32 on the n (a positive multiple of
// 8) elements at x.
//
//go:noescape
func ssigmoidAVX2(x *float32, n int)

// sadamAVX2 is adamStep for float32 on n (a positive multiple of 8)
// elements, with k = b1, 1-b1, b2, 1-b2, 1/c1, 1/c2, lr.
//
//go:noescape
func sadamAVX2(theta, grad, m, v *float32, n int, k *[7]float32, eps float32)

// sigmoidConsts are sexp's constants for ssigmoidAVX2, each repeated
// eight times: min, max, log2(e), ln2 high and low parts, the eight
// polynomial coefficients, 1, the exponent bias (as bits) and the sign bit.
var sigmoidConsts = func() (c [16][8]float32) {
	v := [16]float32{sexpMin, sexpMax, log2e32, ln2Hi32, ln2Lo32}
	copy(v[5:13], sexpPoly[:])
	v[13] = 1
	v[14] = math.Float32frombits(sexpBias)
	v[15] = math.Float32frombits(1 << 31)
	for i := range c {
		for j := range c[i] {
			c[i][j] = v[i]
		}
	}
	return c
}()

// stransposeAVX is transpose for float32 with r and c positive multiples
// of 8.
//
//go:noescape
func stransposeAVX(a *float32, r, c int, t *float32)

// scellbackAVX2 is cellBackward for float32 with a parent, h a positive
// multiple of 8.
//
//go:noescape
func scellbackAVX2(h int, z, tc, dh, dc, cp, dz, gsum, dcp *float32)

// scellAVX2 is cellForward for float32, h a positive multiple of 8.
//
//go:noescape
func scellAVX2(h int, proj, y, cp, gates, c, tc, hid *float32)

// sgemm6AVX2 is gemm for float32 with m a positive multiple of 6, n a
// positive multiple of 16 and k >= 1.
//
//go:noescape
func sgemm6AVX2(m, n, k int, a *float32, lda int, b *float32, ldb int, c *float32, ldc int)

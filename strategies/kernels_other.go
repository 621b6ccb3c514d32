//go:build !amd64 || purego

package strategies

// useAVX2 is false: the Go forms of the kernels run.
var useAVX2 = false

func sgemmAVX2(m, n, k int, a *float32, lda int, b *float32, ldb int, c *float32, ldc int) {
	panic("unreachable")
}

func ssigmoidAVX2(x *float32, n int) { panic("unreachable") }

func sadamAVX2(theta, grad, m, v *float32, n int, k *[7]float32, eps float32) {
	panic("unreachable")
}

func stransposeAVX(a *float32, r, c int, t *float32) { panic("unreachable") }

func scellbackAVX2(h int, z, tc, dh, dc, cp, dz, gsum, dcp *float32) { panic("unreachable") }

func scellAVX2(h int, proj, y, cp, gates, c, tc, hid *float32) { panic("unreachable") }

func sgemm6AVX2(m, n, k int, a *float32, lda int, b *float32, ldb int, c *float32, ldc int) {
	panic("unreachable")
}

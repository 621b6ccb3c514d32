package strategies

import "math"

// adam is the Adam optimizer (Kingma and Ba) over one flat parameter
// vector, with PyTorch's defaults: betas 0.9 and 0.999, eps 1e-8, bias
// correction, no weight decay.
type adam[F float] struct {
	lr   float64
	m, v []F
	t    int
}

func newAdam[F float](n int, lr float64) *adam[F] {
	return &adam[F]{lr: lr, m: make([]F, n), v: make([]F, n)}
}

// step applies one update to theta with gradient g (of a loss to
// minimise) and clears g.
func (o *adam[F]) step(theta, g []F) {
	const b1, b2, eps = 0.9, 0.999, 1e-8
	o.t++
	c1 := 1 - math.Pow(b1, float64(o.t))
	c2 := 1 - math.Pow(b2, float64(o.t))
	adamStep(theta, g, o.m, o.v, o.lr, b1, b2, eps, c1, c2)
}

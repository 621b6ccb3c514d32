package strategies

import "math"

// adam is the Adam optimizer (Kingma and Ba) over one flat parameter
// vector, with PyTorch's defaults: betas 0.9 and 0.999, eps 1e-8, bias
// correction, no weight decay.
type adam struct {
	lr   float64
	m, v []float64
	t    int
}

func newAdam(n int, lr float64) *adam {
	return &adam{lr: lr, m: make([]float64, n), v: make([]float64, n)}
}

// step applies one update to theta with gradient g (of a loss to minimise).
func (o *adam) step(theta, g []float64) {
	const b1, b2, eps = 0.9, 0.999, 1e-8
	o.t++
	c1 := 1 - math.Pow(b1, float64(o.t))
	c2 := 1 - math.Pow(b2, float64(o.t))
	for i, gi := range g {
		o.m[i] = b1*o.m[i] + (1-b1)*gi
		o.v[i] = b2*o.v[i] + (1-b2)*gi*gi
		theta[i] -= o.lr * (o.m[i] / c1) / (math.Sqrt(o.v[i]/c2) + eps)
	}
}

package surrogate

import (
	"fmt"
	"math"
	"slices"

	"gonum.org/v1/gonum/mat"
)

// RidgeOptions configures the Bayesian ridge model. The zero value works.
type RidgeOptions struct {
	// Scales are the candidate weights of the pairwise-interaction features relative
	// to the one-hot main effects; the fit keeps the one of largest evidence. Scale 0
	// is the additive model. Nil means {0, 0.25, 0.5, 1}.
	Scales []float64

	// Iterations bounds the evidence (type-II maximum likelihood) updates of the
	// prior and noise precisions. Zero means 200.
	Iterations int
}

// encoder maps an architecture to its active features: one one-hot feature per
// position and choice (value 1), and one per pair of positions and pair of choices
// (value scale).
type encoder struct {
	dims   []int
	pairs  [][2]int // position pairs i < j
	offset []int    // first feature of each position, then of each pair
	p      int      // number of features
}

func newEncoder(dims []int) *encoder {
	e := &encoder{dims: dims}
	for i := range dims {
		e.offset = append(e.offset, e.p)
		e.p += dims[i]
	}
	for i := range dims {
		for j := i + 1; j < len(dims); j++ {
			e.pairs = append(e.pairs, [2]int{i, j})
			e.offset = append(e.offset, e.p)
			e.p += dims[i] * dims[j]
		}
	}
	return e
}

// active appends the features of a to idx and their values to val.
func (e *encoder) active(a []uint8, scale float64, idx []int, val []float64) ([]int, []float64) {
	for i, c := range a {
		idx = append(idx, e.offset[i]+int(c))
		val = append(val, 1)
	}
	if scale == 0 {
		return idx, val
	}
	for k, pr := range e.pairs {
		f := e.offset[len(e.dims)+k] + int(a[pr[0]])*e.dims[pr[1]] + int(a[pr[1]])
		idx = append(idx, f)
		val = append(val, scale)
	}
	return idx, val
}

// ridge is a Bayesian linear model over centred one-hot and pairwise features, with
// a Gaussian prior of precision alpha on the weights and Gaussian noise of precision
// beta, both set by maximising the evidence.
type ridge struct {
	enc         *encoder
	scale       float64
	ybar        float64
	w           []float64     // posterior mean weights
	muw         float64       // mu . w
	s           *mat.SymDense // posterior covariance of the weights
	smu         []float64     // S mu
	musmu       float64       // mu' S mu
	noise       float64       // 1 / beta
	n           int
	logEvidence float64
}

func fitRidge(dims []int, xs [][]uint8, y []float64, o RidgeOptions) (*ridge, error) {
	scales := o.Scales
	if scales == nil {
		scales = []float64{0, 0.25, 0.5, 1}
	}
	iters := o.Iterations
	if iters == 0 {
		iters = 200
	}
	if len(xs) < 2 {
		return nil, fmt.Errorf("ridge: %d observations, want at least 2", len(xs))
	}
	enc := newEncoder(dims)
	var best *ridge
	for _, s := range scales {
		r, err := fitRidgeScale(enc, xs, y, s, iters)
		if err != nil {
			return nil, err
		}
		if best == nil || r.logEvidence > best.logEvidence {
			best = r
		}
	}
	return best, nil
}

// fitRidgeScale fits the model with interaction features of weight scale.
func fitRidgeScale(enc *encoder, xs [][]uint8, y []float64, scale float64,
	iters int) (*ridge, error) {
	n, p := len(xs), enc.p

	// Sufficient statistics: X'X, the feature means and X' (y - ybar), from the sparse
	// rows.
	ybar := mean(y)
	g := make([]float64, p*p)
	mu := make([]float64, p)
	xty := make([]float64, p)
	var idx []int
	var val []float64
	for r, a := range xs {
		idx, val = enc.active(a, scale, idx[:0], val[:0])
		yc := y[r] - ybar
		for k, f := range idx {
			mu[f] += val[k]
			xty[f] += val[k] * yc
			for l, h := range idx {
				g[f*p+h] += val[k] * val[l]
			}
		}
	}
	if slices.Min(y) == slices.Max(y) {
		return nil, fmt.Errorf("ridge: %d observations all equal %v: %w", n, y[0], ErrConstant)
	}
	var yy float64
	for _, v := range y {
		yy += (v - ybar) * (v - ybar)
	}
	for f := range mu {
		mu[f] /= float64(n)
	}
	gc := mat.NewSymDense(p, nil)
	for f := range p {
		for h := f; h < p; h++ {
			gc.SetSym(f, h, g[f*p+h]-float64(n)*mu[f]*mu[h])
		}
	}

	// Eigenbasis of the centred X'X: each evidence update is then O(p).
	var eig mat.EigenSym
	if !eig.Factorize(gc, true) {
		return nil, fmt.Errorf("ridge: eigendecomposition of X'X (%d features) failed", p)
	}
	ev := eig.Values(nil)
	var v mat.Dense
	eig.VectorsTo(&v)
	q := make([]float64, p)
	mat.NewVecDense(p, q).MulVec(v.T(), mat.NewVecDense(p, xty))
	// Directions of X'X at rounding level (the one-hot columns of a position sum to
	// one, so centring leaves exact null directions) carry no information.
	tiny := 1e-10 * max(slices.Max(ev), 1)
	for i := range ev {
		if ev[i] < tiny {
			ev[i], q[i] = 0, 0
		}
	}

	// MacKay's fixed-point updates of alpha (prior) and beta (noise).
	alpha, beta := 1.0, float64(n)/yy
	var rss, wtw float64
	for range iters {
		var gamma float64
		rss, wtw = yy, 0
		for i, e := range ev {
			wi := beta * q[i] / (beta*e + alpha)
			gamma += beta * e / (beta*e + alpha)
			wtw += wi * wi
			rss += -2*wi*q[i] + e*wi*wi
		}
		rss = max(rss, 1e-12*yy)
		na := gamma / max(wtw, 1e-300)
		nb := (float64(n) - gamma) / rss
		if nb <= 0 || math.IsInf(nb, 0) {
			nb = beta
		}
		done := math.Abs(na-alpha) < 1e-6*alpha && math.Abs(nb-beta) < 1e-6*beta
		alpha, beta = max(na, 1e-12), nb
		if done {
			break
		}
	}

	// Posterior mean and covariance in the feature basis, and the log evidence.
	logEv := 0.5*float64(p)*math.Log(alpha) + 0.5*float64(n)*math.Log(beta) -
		0.5*beta*rss - 0.5*alpha*wtw - 0.5*float64(n)*math.Log(2*math.Pi)
	we := make([]float64, p)
	d := make([]float64, p)
	for i, e := range ev {
		we[i] = beta * q[i] / (beta*e + alpha)
		d[i] = 1 / (beta*e + alpha)
		logEv -= 0.5 * math.Log(beta*e+alpha)
	}
	w := make([]float64, p)
	mat.NewVecDense(p, w).MulVec(&v, mat.NewVecDense(p, we))
	var vd mat.Dense
	vd.Mul(&v, mat.NewDiagDense(p, d))
	s := mat.NewSymDense(p, nil)
	for f := range p {
		for h := f; h < p; h++ {
			s.SetSym(f, h, mat.Dot(vd.RowView(f), v.RowView(h)))
		}
	}
	smu := make([]float64, p)
	mat.NewVecDense(p, smu).MulVec(s, mat.NewVecDense(p, mu))
	var muw, musmu float64
	for f := range p {
		muw += mu[f] * w[f]
		musmu += mu[f] * smu[f]
	}
	return &ridge{enc: enc, scale: scale, ybar: ybar, w: w, muw: muw, s: s, smu: smu,
		musmu: musmu, noise: 1 / beta, n: n, logEvidence: logEv}, nil
}

// predict returns the posterior predictive mean and variance of a's accuracy.
func (r *ridge) predict(a []uint8) (float64, float64) {
	idx, val := r.enc.active(a, r.scale, nil, nil)
	m := r.ybar - r.muw
	var xsx, xsmu float64
	for k, f := range idx {
		m += val[k] * r.w[f]
		xsmu += val[k] * r.smu[f]
		for l, h := range idx {
			xsx += val[k] * val[l] * r.s.At(f, h)
		}
	}
	v := r.noise*(1+1/float64(r.n)) + max(xsx-2*xsmu+r.musmu, 0)
	return m, v
}

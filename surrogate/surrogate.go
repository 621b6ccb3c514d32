package surrogate

import (
	"cmp"
	"fmt"
	"math"
	"runtime"
	"slices"
	"sync"

	"github.com/mfbench/mfbench/space"
	"github.com/mfbench/mfbench/table"
)

// Model names a model family.
type Model string

// The model families.
const (
	// Ridge is Bayesian linear regression on one-hot choices and their pairwise
	// interactions; uncertainty is the posterior predictive variance.
	Ridge Model = "ridge"

	// Trees is a bag of gradient-boosted regression trees with categorical splits;
	// uncertainty is the spread between bags plus the out-of-bag residual variance.
	Trees Model = "trees"
)

// Models lists the model families, in a fixed order.
var Models = []Model{Ridge, Trees}

// Options configures a fit. The zero value works: bagged trees on the test accuracy,
// seed 0.
type Options struct {
	Model  Model        // zero means Trees
	Column table.Column // accuracy to model; zero is table.Test
	Seed   uint64       // all randomness of the fit derives from it

	// Linear fits the accuracy itself. By default the models fit its logit, which
	// spreads the crowded top of the accuracy range and keeps a few failed
	// architectures near 10 % from dominating a squared loss; on NAS-Bench-Macro and
	// NAS-Bench-201 it raises the held-out Kendall tau of both models.
	Linear bool

	Ridge RidgeOptions
	Trees TreeOptions
}

// Observation is one measured accuracy: the mean over the training seeds a table has
// for one architecture and epoch.
type Observation struct {
	Index int     // the architecture's index in the space
	Epoch int64   // epochs trained
	Acc   float64 // accuracy, a fraction in [0, 1]
	Seeds int     // training seeds behind Acc
}

// Prediction is the surrogate's estimate of the seed-mean accuracy of one architecture
// at one epoch.
type Prediction struct {
	Mean float64 // predicted accuracy, clipped to [0, 1]
	Std  float64 // predictive standard deviation (model uncertainty and seed noise)
}

// Surrogate predicts the accuracy of any architecture of a space from a model fitted
// on the measured part of a table, one model per epoch the table records. It is
// immutable and safe for concurrent use.
type Surrogate struct {
	sp     space.Space
	model  Model
	epochs []int64
	fits   []regressor
	nobs   []int
	linear bool
}

// logit maps an accuracy to the scale the models fit, clamping it to [1e-4, 1 - 1e-4].
func logit(a float64) float64 {
	a = min(max(a, 1e-4), 1-1e-4)
	return math.Log(a / (1 - a))
}

type regressor interface {
	predict(a []uint8) (mean, variance float64)
}

// Observations returns the measured accuracies of t in column c: for every
// architecture and epoch with at least one measured seed, the mean over its seeds.
// They are sorted by epoch, then index.
func Observations(t *table.Table, c table.Column) []Observation {
	type key struct {
		index int
		epoch int64
	}
	sums := map[key]*Observation{}
	for _, r := range t.Rows() {
		v := r.Accuracy(c)
		if v == nil || math.IsNaN(*v) {
			continue
		}
		k := key{int(r.Index), r.Epoch}
		o := sums[k]
		if o == nil {
			o = &Observation{Index: k.index, Epoch: k.epoch}
			sums[k] = o
		}
		o.Acc += *v
		o.Seeds++
	}
	obs := make([]Observation, 0, len(sums))
	for _, o := range sums {
		o.Acc /= float64(o.Seeds)
		obs = append(obs, *o)
	}
	slices.SortFunc(obs, func(a, b Observation) int {
		return cmp.Or(cmp.Compare(a.Epoch, b.Epoch), cmp.Compare(a.Index, b.Index))
	})
	return obs
}

// Fit fits a surrogate to the measured accuracies of t (see Observations). A table
// that Fill made (see FillID) is refused with ErrFilled.
func Fit(t *table.Table, o Options) (*Surrogate, error) {
	if id, ok := FillID(t.Meta()); ok {
		return nil, fmt.Errorf("%w (fill %s): fit on the partial table it was made from",
			ErrFilled, id)
	}
	s, err := fitObservations(t.Space(), Observations(t, o.Column), o)
	if err != nil {
		return nil, fmt.Errorf("surrogate: fit %s table, %s accuracy: %w",
			t.Space().Name(), o.Column, err)
	}
	return s, nil
}

// FitObservations fits a surrogate of space sp to obs, one model per epoch that obs
// holds. Every epoch needs at least two observations that are not all equal.
func FitObservations(sp space.Space, obs []Observation, o Options) (*Surrogate, error) {
	s, err := fitObservations(sp, obs, o)
	if err != nil {
		return nil, fmt.Errorf("surrogate: fit %s: %w", sp.Name(), err)
	}
	return s, nil
}

func fitObservations(sp space.Space, obs []Observation, o Options) (*Surrogate, error) {
	if o.Model == "" {
		o.Model = Trees
	}
	if !slices.Contains(Models, o.Model) {
		return nil, fmt.Errorf("unknown model %q (want one of %v)", o.Model, Models)
	}
	if len(obs) == 0 {
		return nil, ErrNoData
	}
	byEpoch := map[int64][]Observation{}
	for _, ob := range obs {
		if ob.Index < 0 || ob.Index >= sp.Len() {
			return nil, fmt.Errorf("observation of index %d: outside %s [0, %d)",
				ob.Index, sp.Name(), sp.Len())
		}
		if ob.Epoch < 1 {
			return nil, fmt.Errorf("observation of index %d: epoch %d, want >= 1",
				ob.Index, ob.Epoch)
		}
		if !(ob.Acc >= 0 && ob.Acc <= 1) {
			return nil, fmt.Errorf("observation of index %d, epoch %d: accuracy %v "+
				"outside [0, 1]", ob.Index, ob.Epoch, ob.Acc)
		}
		byEpoch[ob.Epoch] = append(byEpoch[ob.Epoch], ob)
	}
	s := &Surrogate{sp: sp, model: o.Model, linear: o.Linear}
	for e := range byEpoch {
		s.epochs = append(s.epochs, e)
	}
	slices.Sort(s.epochs)
	for _, e := range s.epochs {
		xs, y := design(sp, byEpoch[e])
		if !s.linear {
			for i := range y {
				y[i] = logit(y[i])
			}
		}
		var r regressor
		var err error
		switch o.Model {
		case Ridge:
			r, err = fitRidge(sp.Dims(), xs, y, o.Ridge)
		case Trees:
			r, err = fitTrees(sp.Dims(), xs, y, o.Trees, o.Seed^uint64(e)*0x9e3779b97f4a7c15)
		}
		if err != nil {
			return nil, fmt.Errorf("epoch %d: %w", e, err)
		}
		s.fits = append(s.fits, r)
		s.nobs = append(s.nobs, len(y))
	}
	return s, nil
}

// design returns the choices of each observed architecture and its accuracy.
func design(sp space.Space, obs []Observation) ([][]uint8, []float64) {
	xs := make([][]uint8, len(obs))
	y := make([]float64, len(obs))
	for i, ob := range obs {
		xs[i] = choices(sp.Arch(ob.Index))
		y[i] = ob.Acc
	}
	return xs, y
}

func choices(a space.Arch) []uint8 {
	c := make([]uint8, len(a))
	for i, v := range a {
		c[i] = uint8(v)
	}
	return c
}

// Space returns the space the surrogate predicts.
func (s *Surrogate) Space() space.Space { return s.sp }

// Model returns the surrogate's model family.
func (s *Surrogate) Model() Model { return s.model }

// Epochs returns the epochs the surrogate was fitted at, sorted. The caller must not
// modify the slice.
func (s *Surrogate) Epochs() []int64 { return s.epochs }

// Observations returns the number of observations the model of epoch e was fitted
// on, or 0 when there is none.
func (s *Surrogate) Observations(e int64) int {
	if i, ok := slices.BinarySearch(s.epochs, e); ok {
		return s.nobs[i]
	}
	return 0
}

// Predict returns the predicted seed-mean accuracy of architecture a at epoch e. An
// epoch between two fitted epochs gets the linear interpolation of their
// predictions; an architecture outside the space or an epoch outside the fitted range
// is a *QueryError.
func (s *Surrogate) Predict(a space.Arch, e int64) (Prediction, error) {
	if _, err := s.sp.Index(a); err != nil {
		return Prediction{}, &QueryError{Space: s.sp.Name(), Query: fmt.Sprintf("%v", a),
			Reason: err.Error()}
	}
	return s.predict(a, e, fmt.Sprintf("%s at epoch %d", s.sp.String(a), e))
}

// PredictIndex is Predict for the architecture with the given index.
func (s *Surrogate) PredictIndex(index int, e int64) (Prediction, error) {
	if index < 0 || index >= s.sp.Len() {
		return Prediction{}, &QueryError{Space: s.sp.Name(),
			Query:  fmt.Sprintf("index %d at epoch %d", index, e),
			Reason: fmt.Sprintf("index outside [0, %d)", s.sp.Len())}
	}
	a := s.sp.Arch(index)
	return s.predict(a, e, fmt.Sprintf("%s at epoch %d", s.sp.String(a), e))
}

func (s *Surrogate) predict(a space.Arch, e int64, what string) (Prediction, error) {
	lo, hi := s.epochs[0], s.epochs[len(s.epochs)-1]
	if e < lo || e > hi {
		return Prediction{}, &QueryError{Space: s.sp.Name(), Query: what,
			Reason: fmt.Sprintf("epoch outside the fitted range [%d, %d]", lo, hi)}
	}
	c := choices(a)
	i, ok := slices.BinarySearch(s.epochs, e)
	var m, v float64
	if ok {
		m, v = s.fits[i].predict(c)
	} else {
		// Between epochs[i-1] and epochs[i]: interpolate mean and standard deviation.
		m0, v0 := s.fits[i-1].predict(c)
		m1, v1 := s.fits[i].predict(c)
		w := float64(e-s.epochs[i-1]) / float64(s.epochs[i]-s.epochs[i-1])
		m = (1-w)*m0 + w*m1
		sd := (1-w)*math.Sqrt(v0) + w*math.Sqrt(v1)
		v = sd * sd
	}
	if !s.linear {
		// Back from the logit scale; the delta method carries the variance.
		a := 1 / (1 + math.Exp(-m))
		v *= a * a * (1 - a) * (1 - a)
		m = a
	}
	return Prediction{Mean: min(max(m, 0), 1), Std: math.Sqrt(max(v, 0))}, nil
}

// predictAll returns PredictIndex(indices[i], e) in out[i], spreading the work over
// GOMAXPROCS goroutines. On error it returns the error of the first failing index.
func (s *Surrogate) predictAll(indices []int, e int64) ([]Prediction, error) {
	out := make([]Prediction, len(indices))
	errs := make([]error, len(indices))
	workers := min(runtime.GOMAXPROCS(0), max(len(indices)/256, 1))
	var wg sync.WaitGroup
	for w := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := w; i < len(indices); i += workers {
				out[i], errs[i] = s.PredictIndex(indices[i], e)
			}
		}()
	}
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			return nil, err
		}
	}
	return out, nil
}

package surrogate

import (
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"slices"

	"github.com/mfbench/mfbench/table"
)

// Scores are the statistics of predictions against the truth, on one held-out set.
type Scores struct {
	N             int     // held-out architectures
	R2            float64 // coefficient of determination
	Kendall       float64 // Kendall tau-b
	Spearman      float64 // Spearman rho
	SparseKendall float64 // Kendall tau-b on accuracies rounded to 0.1 %
	Coverage      float64 // share of the truth inside the central 95 % interval; NaN without
}

// Score compares the predictions pred with the truth. std, when not nil, is each
// prediction's standard deviation, and Coverage the share of truths within 1.96 std
// of the prediction. Predictions that are all equal fail with ErrConstant: such a
// model cannot rank anything, and its rank statistics are undefined.
func Score(truth, pred, std []float64) (Scores, error) {
	sc := Scores{N: len(truth), Coverage: math.NaN()}
	if len(pred) > 0 && slices.Min(pred) == slices.Max(pred) {
		return sc, fmt.Errorf("score: %d predictions all equal %v: %w",
			len(pred), pred[0], ErrConstant)
	}
	var err error
	if sc.R2, err = R2(truth, pred); err != nil {
		return sc, fmt.Errorf("score: %w", err)
	}
	if sc.Kendall, err = KendallTau(truth, pred); err != nil {
		return sc, fmt.Errorf("score: %w", err)
	}
	if sc.Spearman, err = Spearman(truth, pred); err != nil {
		return sc, fmt.Errorf("score: %w", err)
	}
	if sc.SparseKendall, err = SparseKendallTau(truth, pred); err != nil {
		return sc, fmt.Errorf("score: sparse: %w", err)
	}
	if std != nil {
		if len(std) != len(pred) {
			return sc, fmt.Errorf("score: %d standard deviations for %d predictions",
				len(std), len(pred))
		}
		in := 0
		for i := range truth {
			if math.Abs(truth[i]-pred[i]) <= 1.96*std[i] {
				in++
			}
		}
		sc.Coverage = float64(in) / float64(len(truth))
	}
	return sc, nil
}

// ValidateOptions configures Validate. The zero value works.
type ValidateOptions struct {
	Fractions []float64    // shares of the architectures to train on; nil: 1, 2, 5, 10, 50 %
	Repeats   int          // random splits per fraction, scores averaged; zero means 3
	Seed      uint64       // seeds the splits and the models
	Models    []Model      // models to validate; nil means Models
	Column    table.Column // accuracy to model; zero is table.Test
	Epoch     int64        // epoch to validate at; zero means the table's last
	Linear    bool         // fit the accuracy itself, not its logit (see Options)
	Ridge     RidgeOptions
	Trees     TreeOptions
}

// DefaultFractions are the training shares Validate uses by default.
var DefaultFractions = []float64{0.01, 0.02, 0.05, 0.10, 0.50}

// Validation is the outcome of one model at one training fraction: the mean scores
// over the repeats, and their standard deviation.
type Validation struct {
	Model    Model
	Fraction float64
	Train    int // architectures trained on (in each repeat)
	Repeats  int
	Mean     Scores
	Std      Scores // standard deviation over the repeats (N unused)
}

// Validate measures how well each model, fitted on a random share of the
// architectures t measured, predicts the seed-mean accuracy of the others. Each
// repeat draws a fresh split from Seed. A model whose predictions are all equal fails
// with an error wrapping ErrConstant.
func Validate(t *table.Table, o ValidateOptions) ([]Validation, error) {
	fr, models, reps := o.Fractions, o.Models, o.Repeats
	if fr == nil {
		fr = DefaultFractions
	}
	if models == nil {
		models = Models
	}
	if reps == 0 {
		reps = 3
	}
	epoch := o.Epoch
	if epoch == 0 {
		epoch = t.MaxEpoch()
	}
	var obs []Observation
	for _, ob := range Observations(t, o.Column) {
		if ob.Epoch == epoch {
			obs = append(obs, ob)
		}
	}
	if len(obs) < 4 {
		return nil, fmt.Errorf("surrogate: validate: %d architectures measured at epoch %d, "+
			"want at least 4: %w", len(obs), epoch, ErrNoData)
	}
	sp := t.Space()

	var out []Validation
	for _, f := range fr {
		if !(f > 0 && f < 1) {
			return nil, fmt.Errorf("surrogate: validate: fraction %v outside (0, 1)", f)
		}
		ntrain := min(max(int(math.Round(f*float64(len(obs)))), 2), len(obs)-2)
		for _, m := range models {
			runs := make([]Scores, reps)
			for r := range reps {
				rng := rand.New(rand.NewPCG(o.Seed, uint64(r)<<32|uint64(f*1e6)))
				perm := rng.Perm(len(obs))
				train := make([]Observation, ntrain)
				for i := range ntrain {
					train[i] = obs[perm[i]]
				}
				s, err := FitObservations(sp, train, Options{Model: m, Column: o.Column,
					Seed: o.Seed + uint64(r), Linear: o.Linear, Ridge: o.Ridge, Trees: o.Trees})
				if err != nil {
					return nil, fmt.Errorf("surrogate: validate %s at %.3g: %w", m, f, err)
				}
				rest := perm[ntrain:]
				indices := make([]int, len(rest))
				for i, k := range rest {
					indices[i] = obs[k].Index
				}
				ps, err := s.predictAll(indices, epoch)
				if err != nil {
					return nil, fmt.Errorf("surrogate: validate %s: %w", m, err)
				}
				truth := make([]float64, len(rest))
				pred := make([]float64, len(rest))
				std := make([]float64, len(rest))
				for i, k := range rest {
					truth[i], pred[i], std[i] = obs[k].Acc, ps[i].Mean, ps[i].Std
				}
				if runs[r], err = Score(truth, pred, std); err != nil {
					return nil, fmt.Errorf("surrogate: validate %s at %.3g, repeat %d: %w",
						m, f, r, err)
				}
			}
			v := Validation{Model: m, Fraction: f, Train: ntrain, Repeats: reps}
			v.Mean, v.Std = summarize(runs)
			out = append(out, v)
		}
	}
	return out, nil
}

// summarize returns the mean and standard deviation of each score over runs.
func summarize(runs []Scores) (Scores, Scores) {
	get := []func(*Scores) *float64{
		func(s *Scores) *float64 { return &s.R2 },
		func(s *Scores) *float64 { return &s.Kendall },
		func(s *Scores) *float64 { return &s.Spearman },
		func(s *Scores) *float64 { return &s.SparseKendall },
		func(s *Scores) *float64 { return &s.Coverage },
	}
	var m, sd Scores
	m.N = runs[0].N
	for _, g := range get {
		v := make([]float64, len(runs))
		for i := range runs {
			v[i] = *g(&runs[i])
		}
		mu := mean(v)
		var ss float64
		for _, x := range v {
			ss += (x - mu) * (x - mu)
		}
		*g(&m) = mu
		if len(v) > 1 {
			*g(&sd) = math.Sqrt(ss / float64(len(v)-1))
		}
	}
	return m, sd
}

// SeedPair scores one training seed's accuracies as a prediction of another's: the
// noise ceiling of any surrogate, since no model can predict a seed's accuracy better
// than a rerun does.
type SeedPair struct {
	A, B   int64 // seeds: B's accuracies are scored as predictions of A's
	Scores Scores
}

// NoiseCeiling scores every pair of t's training seeds against each other, at epoch
// (zero: the last), over the architectures both seeds measured. It fails for a table
// of seed means or of one seed.
func NoiseCeiling(t *table.Table, c table.Column, epoch int64) ([]SeedPair, error) {
	if epoch == 0 {
		epoch = t.MaxEpoch()
	}
	seeds := t.Seeds()
	if len(seeds) < 2 || seeds[0] == table.MeanSeed {
		return nil, fmt.Errorf("surrogate: noise ceiling: table %s has seeds %v, "+
			"want two or more training seeds", t.Space().Name(), seeds)
	}
	var out []SeedPair
	for i, a := range seeds {
		for _, b := range seeds[i+1:] {
			var xa, xb []float64
			for idx := range t.Space().Len() {
				ea, err1 := t.Lookup(idx, a, epoch)
				eb, err2 := t.Lookup(idx, b, epoch)
				var me *table.MissingError
				if err1 != nil || err2 != nil {
					if errors.As(err1, &me) || errors.As(err2, &me) {
						continue
					}
					return nil, fmt.Errorf("surrogate: noise ceiling: %w",
						errors.Join(err1, err2))
				}
				va, vb := ea.Accuracy(c), eb.Accuracy(c)
				if math.IsNaN(va) || math.IsNaN(vb) {
					continue
				}
				xa, xb = append(xa, va), append(xb, vb)
			}
			sc, err := Score(xa, xb, nil)
			if err != nil {
				return nil, fmt.Errorf("surrogate: noise ceiling, seeds %d and %d: %w",
					a, b, err)
			}
			out = append(out, SeedPair{A: a, B: b, Scores: sc})
		}
	}
	return out, nil
}

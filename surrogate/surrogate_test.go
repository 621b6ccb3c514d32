package surrogate

import (
	"errors"
	"math"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/mfbench/mfbench/space"
	"github.com/mfbench/mfbench/table"
)

var (
	macroOnce sync.Once
	macro     *table.Table
	macroErr  error
)

// macroTable is the shipped NAS-Bench-Macro table (three seeds, epoch 50).
func macroTable(t testing.TB) *table.Table {
	t.Helper()
	macroOnce.Do(func() { macro, macroErr = table.Read("../testdata/nas-bench-macro.parquet") })
	if macroErr != nil {
		t.Fatal(macroErr)
	}
	return macro
}

// Half of NAS-Bench-Macro ranks the other half. Measured over 10 random halves
// (surrogate.Validate, seed 0, repeats 10): ridge tau 0.902 +- 0.003, trees 0.938 +-
// 0.001, against a noise ceiling of 0.88 between two training seeds and 0.87 for the
// additive model (ridge without interactions). The thresholds sit well below the
// measured means (10 standard deviations and more), so a new split cannot fail them by
// chance, yet above the additive model for the trees and far above zero for both: a
// surrogate that lost its interactions or its ranking fails.
func TestHalfMacroRanks(t *testing.T) {
	tb := macroTable(t)
	for _, c := range []struct {
		model Model
		min   float64
	}{{Ridge, 0.86}, {Trees, 0.90}} {
		t.Run(string(c.model), func(t *testing.T) {
			vs, err := Validate(tb, ValidateOptions{Fractions: []float64{0.5}, Repeats: 1,
				Models: []Model{c.model}, Seed: 7})
			if err != nil {
				t.Fatal(err)
			}
			v := vs[0]
			if v.Train != 3280 && v.Train != 3281 {
				t.Errorf("trained on %d architectures, want half of 6561", v.Train)
			}
			if v.Mean.N != 6561-v.Train {
				t.Errorf("scored %d held-out architectures, want %d", v.Mean.N, 6561-v.Train)
			}
			t.Logf("%s: tau %.4f rho %.4f R2 %.4f coverage %.3f", c.model, v.Mean.Kendall,
				v.Mean.Spearman, v.Mean.R2, v.Mean.Coverage)
			if v.Mean.Kendall < c.min {
				t.Errorf("held-out Kendall tau %.4f, want >= %.2f", v.Mean.Kendall, c.min)
			}
			if v.Mean.Spearman < v.Mean.Kendall || v.Mean.R2 < 0.5 {
				t.Errorf("rho %.4f, R2 %.4f: want rho >= tau and R2 >= 0.5", v.Mean.Spearman,
					v.Mean.R2)
			}
		})
	}
}

// The seeds of NAS-Bench-Macro agree as the published data make them: about 0.88.
func TestNoiseCeilingMacro(t *testing.T) {
	ps, err := NoiseCeiling(macroTable(t), table.Test, 0)
	if err != nil {
		t.Fatal(err)
	}
	if len(ps) != 3 {
		t.Fatalf("%d seed pairs, want 3", len(ps))
	}
	for _, p := range ps {
		if p.Scores.N != 6561 || p.Scores.Kendall < 0.87 || p.Scores.Kendall > 0.89 {
			t.Errorf("seeds %d, %d: n %d tau %.4f, want 6561 and 0.88 +- 0.01", p.A, p.B,
				p.Scores.N, p.Scores.Kendall)
		}
	}
}

// macroObs is a synthetic target on the Macro space: base plus 0.05 per layer that
// picks block 2, measured on the architectures with at most maxTwos such layers.
func macroObs(maxTwos int, base float64) []Observation {
	var obs []Observation
	for i := range space.Macro.Len() {
		twos := 0
		for _, c := range space.Macro.Arch(i) {
			if c == 2 {
				twos++
			}
		}
		if twos <= maxTwos {
			obs = append(obs, Observation{Index: i, Epoch: 50, Acc: base + 0.05*float64(twos),
				Seeds: 1})
		}
	}
	return obs
}

func TestPredictionsClipped(t *testing.T) {
	// Fitted on the accuracy itself by the additive model, the trend extrapolates to
	// 0.9 + 8 * 0.05 = 1.3 for "22222222"; the prediction must stop at 1.
	s, err := FitObservations(space.Macro, macroObs(2, 0.9),
		Options{Model: Ridge, Linear: true, Ridge: RidgeOptions{Scales: []float64{0}}})
	if err != nil {
		t.Fatal(err)
	}
	a, _ := space.Macro.Parse("22222222")
	p, err := s.Predict(a, 50)
	if err != nil {
		t.Fatal(err)
	}
	if p.Mean != 1 {
		t.Errorf("prediction for 22222222 = %v, want clipped to 1", p.Mean)
	}
	// Within the data, the fit is exact to a few 1e-4.
	b, _ := space.Macro.Parse("22000000")
	if p, _ := s.Predict(b, 50); math.Abs(p.Mean-1.0) > 2e-3 || !(p.Std > 0) {
		t.Errorf("prediction for 22000000 = %+v, want 1.0 +- 0.002 with std > 0", p)
	}
	for _, m := range Models {
		var obs []Observation
		for i, o := range macroObs(8, 0.6) {
			if i%5 == 0 {
				obs = append(obs, o)
			}
		}
		// Small models: the point is the range of the predictions, not their quality.
		s, err := FitObservations(space.Macro, obs, Options{Model: m, Linear: true,
			Ridge: RidgeOptions{Scales: []float64{1}}, Trees: TreeOptions{Bags: 2, Rounds: 50}})
		if err != nil {
			t.Fatal(err)
		}
		for i := range space.Macro.Len() {
			p, err := s.PredictIndex(i, 50)
			if err != nil || p.Mean < 0 || p.Mean > 1 || math.IsNaN(p.Std) {
				t.Fatalf("%s: index %d: %+v, %v: want a mean in [0, 1]", m, i, p, err)
			}
		}
	}
}

func TestQueryGuards(t *testing.T) {
	obs := macroObs(3, 0.6)
	for _, o := range macroObs(3, 0.6) {
		o.Epoch = 10
		o.Acc -= 0.1
		obs = append(obs, o)
	}
	s, err := FitObservations(space.Macro, obs, Options{Model: Ridge, Linear: true,
		Ridge: RidgeOptions{Scales: []float64{1}}})
	if err != nil {
		t.Fatal(err)
	}
	if got := s.Epochs(); len(got) != 2 || got[0] != 10 || got[1] != 50 {
		t.Fatalf("Epochs = %v, want [10 50]", got)
	}
	bad := []struct {
		name  string
		a     space.Arch
		index int
		epoch int64
	}{
		{"short arch", space.Arch{0, 1}, -2, 50},
		{"choice out of range", space.Arch{0, 1, 2, 3, 0, 0, 0, 0}, -2, 50},
		{"negative index", nil, -1, 50},
		{"index past the space", nil, 6561, 50},
		{"epoch below", space.Arch{0, 0, 0, 0, 0, 0, 0, 0}, -2, 9},
		{"epoch above", space.Arch{0, 0, 0, 0, 0, 0, 0, 0}, -2, 51},
		{"index at epoch 0", nil, 5, 0},
	}
	for _, c := range bad {
		t.Run(c.name, func(t *testing.T) {
			var err error
			if c.index == -2 {
				_, err = s.Predict(c.a, c.epoch)
			} else {
				_, err = s.PredictIndex(c.index, c.epoch)
			}
			var qe *QueryError
			if !errors.As(err, &qe) {
				t.Fatalf("error %v, want a *QueryError", err)
			}
			t.Log(err)
		})
	}

	// Epoch 30 is halfway: the mean of the predictions at 10 and 50.
	p10, _ := s.PredictIndex(100, 10)
	p50, _ := s.PredictIndex(100, 50)
	p30, err := s.PredictIndex(100, 30)
	if err != nil || math.Abs(p30.Mean-(p10.Mean+p50.Mean)/2) > 1e-12 {
		t.Errorf("epoch 30: %+v, %v; want the mean of %v and %v", p30, err, p10.Mean,
			p50.Mean)
	}
}

func TestConstantModelFails(t *testing.T) {
	truth := []float64{0.91, 0.92, 0.935, 0.90}
	if _, err := Score(truth, []float64{0.9, 0.9, 0.9, 0.9}, nil); !errors.Is(err, ErrConstant) {
		t.Errorf("Score of a constant prediction: %v, want ErrConstant", err)
	}
	if _, err := Score(truth, []float64{0.9, 0.91, 0.92, 0.93}, nil); err != nil {
		t.Errorf("Score of a varying prediction: %v", err)
	}

	// A table whose accuracies are all equal cannot be fitted.
	obs := macroObs(1, 0.6)
	for i := range obs {
		obs[i].Acc = 0.9
	}
	for _, m := range Models {
		if _, err := FitObservations(space.Macro, obs, Options{Model: m}); !errors.Is(err,
			ErrConstant) {
			t.Errorf("%s fitted on constant accuracies: %v, want ErrConstant", m, err)
		}
	}
}

func TestDeterministic(t *testing.T) {
	obs := Observations(macroTable(t), table.Test)[:400]
	o := Options{Model: Trees, Seed: 3, Trees: TreeOptions{Bags: 4, Rounds: 50}}
	s1, err := FitObservations(space.Macro, obs, o)
	if err != nil {
		t.Fatal(err)
	}
	s2, _ := FitObservations(space.Macro, obs, o)
	o.Seed = 4
	s3, _ := FitObservations(space.Macro, obs, o)
	same := true
	for i := 0; i < space.Macro.Len(); i += 97 {
		p1, _ := s1.PredictIndex(i, 50)
		p2, _ := s2.PredictIndex(i, 50)
		p3, _ := s3.PredictIndex(i, 50)
		if p1 != p2 {
			t.Fatalf("index %d: %+v then %+v with the same seed", i, p1, p2)
		}
		same = same && p1 == p3
	}
	if same {
		t.Error("seeds 3 and 4 gave the same trees")
	}
}

func TestFillRoundTrip(t *testing.T) {
	full := macroTable(t)
	part, err := Subset(full, 0.02, 1)
	if err != nil {
		t.Fatal(err)
	}
	if part.Count() != 131 || !strings.Contains(part.Meta().Notes, "131 of 6561") {
		t.Fatalf("subset has %d architectures, notes %q; want 131", part.Count(),
			part.Meta().Notes)
	}
	s, err := Fit(part, Options{Model: Ridge})
	if err != nil {
		t.Fatal(err)
	}
	f, err := Fill(part, s, table.Test)
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "filled.parquet")
	if err := f.Write(path); err != nil {
		t.Fatal(err)
	}
	got, err := table.Read(path)
	if err != nil {
		t.Fatal(err)
	}
	marks, err := ReadMarks(path)
	if err != nil {
		t.Fatal(err)
	}
	if got.Count() != 6561 || got.Meta().Aggregate != table.MeanOfSeed {
		t.Errorf("filled table: %d architectures, %s; want 6561, %s", got.Count(),
			got.Meta().Aggregate, table.MeanOfSeed)
	}
	if !strings.Contains(got.Meta().Notes, "6430 of 6561 values (98.0 %)") {
		t.Errorf("notes %q do not say 6430 of 6561 predicted", got.Meta().Notes)
	}
	npred := 0
	for i, m := range marks {
		e, err := got.Lookup(int(m.Index), table.MeanSeed, 50)
		if err != nil {
			t.Fatal(err)
		}
		if m.Predicted {
			npred++
			p, _ := s.PredictIndex(int(m.Index), 50)
			if part.Has(int(m.Index)) || e.TestAcc != p.Mean || *m.AccStd != p.Std ||
				m.Seeds != 0 {
				t.Fatalf("mark %d %+v: table %v, prediction %+v", i, m, e.TestAcc, p)
			}
			continue
		}
		want, _ := full.Lookup(int(m.Index), table.MeanSeed, 50)
		if !part.Has(int(m.Index)) || m.Seeds != 3 ||
			math.Abs(e.TestAcc-want.TestAcc) > 1e-15 {
			t.Fatalf("mark %d %+v: table %v, measured mean %v", i, m, e.TestAcc, want.TestAcc)
		}
	}
	if npred != 6430 {
		t.Errorf("%d marks predicted, want 6430", npred)
	}

	// A filled table, or a subset of one, is refused as the input of a fill or a fit:
	// its predictions would count as measured.
	if id, ok := FillID(got.Meta()); !ok || id != f.ID {
		t.Errorf("FillID of the filled table: %q %v, want %q true", id, ok, f.ID)
	}
	if id, ok := FillID(part.Meta()); ok {
		t.Errorf("FillID of the partial table: %q %v, want not filled", id, ok)
	}
	sub, err := Subset(got, 0.5, 1)
	if err != nil {
		t.Fatal(err)
	}
	for _, in := range []*table.Table{got, sub} {
		if _, err := Fill(in, s, table.Test); !errors.Is(err, ErrFilled) ||
			!strings.Contains(err.Error(), "(fill "+f.ID+")") {
			t.Errorf("Fill of a filled table: %v, want ErrFilled naming fill %s", err, f.ID)
		}
		if _, err := Fit(in, Options{Model: Ridge}); !errors.Is(err, ErrFilled) {
			t.Errorf("Fit on a filled table: %v, want ErrFilled", err)
		}
	}

	// Marks out of step with the rows are refused.
	other := filepath.Join(t.TempDir(), "other.parquet")
	f.Marks[5], f.Marks[6] = f.Marks[6], f.Marks[5]
	if err := f.Write(other); err != nil {
		t.Fatal(err)
	}
	if _, err := ReadMarks(other); err == nil || !strings.Contains(err.Error(), "mark 5") {
		t.Errorf("swapped marks: %v, want an error naming mark 5", err)
	}

	// A file that is not a marks file is refused.
	if err := os.WriteFile(MarksPath(other), []byte("not parquet"), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := ReadMarks(other); err == nil {
		t.Error("marks file of garbage: no error")
	}
	if err := table.Write(MarksPath(other), part.Meta(), part.Rows()); err != nil {
		t.Fatal(err)
	}
	if _, err := ReadMarks(other); err == nil || !strings.Contains(err.Error(), "columns") {
		t.Errorf("a table in place of the marks: %v, want an error about columns", err)
	}

	// Marks of another fill of the same architectures (a rewrite cut off between the
	// marks and the table) are refused.
	s2, err := Fit(part, Options{Model: Trees, Trees: TreeOptions{Bags: 2, Rounds: 20}})
	if err != nil {
		t.Fatal(err)
	}
	f2, err := Fill(part, s2, table.Test)
	if err != nil {
		t.Fatal(err)
	}
	if f2.ID == f.ID {
		t.Fatalf("two fills share the ID %s", f.ID)
	}
	if err := writeMarks(MarksPath(path), f2.Marks, f2.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := ReadMarks(path); err == nil || !strings.Contains(err.Error(), f2.ID) {
		t.Errorf("marks of another fill: %v, want an error naming fill %s", err, f2.ID)
	}
}

// A table with two epochs gets a model per epoch, and the filled table has every
// architecture at both.
func TestFillTwoEpochs(t *testing.T) {
	part, err := Subset(macroTable(t), 0.05, 3)
	if err != nil {
		t.Fatal(err)
	}
	rows := part.Rows()
	for _, r := range part.Rows() {
		r.Epoch = 10
		r.TestAcc = table.Float(*r.TestAcc * 0.8)
		rows = append(rows, r)
	}
	two, err := table.New(part.Meta(), rows)
	if err != nil {
		t.Fatal(err)
	}
	s, err := Fit(two, Options{Model: Ridge, Linear: true})
	if err != nil {
		t.Fatal(err)
	}
	if e := s.Epochs(); len(e) != 2 || s.Observations(10) != 328 || s.Observations(50) != 328 {
		t.Fatalf("epochs %v, observations %d and %d; want [10 50], 328 each", e,
			s.Observations(10), s.Observations(50))
	}
	f, err := Fill(two, s, table.Test)
	if err != nil {
		t.Fatal(err)
	}
	if len(f.Rows) != 2*6561 || f.Predicted != 2*(6561-328) {
		t.Fatalf("%d rows, %d predicted; want %d and %d", len(f.Rows), f.Predicted, 2*6561,
			2*(6561-328))
	}
	filled, err := table.New(f.Meta, f.Rows)
	if err != nil {
		t.Fatal(err)
	}

	// Measured: the seed mean at epoch 10 is 0.8 times the one at 50. Predicted: a
	// linear model of 0.8 y is 0.8 times the model of y (the evidence updates are
	// equivariant under scaling), up to their convergence tolerance.
	for i := 0; i < 6561; i += 50 {
		e10, err1 := filled.Lookup(i, table.MeanSeed, 10)
		e50, err2 := filled.Lookup(i, table.MeanSeed, 50)
		if err1 != nil || err2 != nil {
			t.Fatal(err1, err2)
		}
		tol := 1e-4
		if two.Has(i) {
			tol = 1e-12
		}
		if math.Abs(e10.TestAcc/e50.TestAcc-0.8) > tol {
			t.Errorf("index %d: epoch 10 %v, epoch 50 %v: ratio not 0.8 +- %g", i,
				e10.TestAcc, e50.TestAcc, tol)
		}
	}
}

// A partially trained resnet table (the space the bench runs on) fills to all 19,683
// architectures, each with its exact params and MACs.
func TestFillResNet(t *testing.T) {
	sp := space.ResNet
	var rows []table.Row
	for i := 0; i < sp.Len(); i += 97 {
		a := sp.Arch(i)
		acc := 0.80
		for k, c := range a {
			acc += 0.002 * float64(c*(k+1)) // larger kernels late help more
		}
		for _, seed := range []int64{0, 1} {
			macs, _ := sp.MACs(a)
			rows = append(rows, table.Row{Arch: sp.String(a), Index: int64(i),
				Seed: table.Int(seed), Epoch: 30, Params: sp.Params(a), MACs: table.Int(macs),
				TestAcc: table.Float(acc + 0.001*float64(seed))})
		}
	}
	part, err := table.New(table.Meta{Space: sp.Name(), Aggregate: table.PerSeed}, rows)
	if err != nil {
		t.Fatal(err)
	}
	s, err := Fit(part, Options{Model: Ridge, Linear: true})
	if err != nil {
		t.Fatal(err)
	}
	f, err := Fill(part, s, table.Test)
	if err != nil {
		t.Fatal(err)
	}
	filled, err := table.New(f.Meta, f.Rows)
	if err != nil {
		t.Fatal(err)
	}
	if filled.Count() != 19683 || f.Predicted != 19683-len(rows)/2 {
		t.Fatalf("filled %d architectures, %d predicted; want 19683, %d", filled.Count(),
			f.Predicted, 19683-len(rows)/2)
	}

	// The all-7x7 net: exact cost, and the additive truth 0.80 + 0.002 * 2 * 45 plus
	// the mean seed offset 0.0005: the evidence picks the additive model (interaction
	// scale 0), which recovers it.
	a, _ := sp.Parse("777777777")
	idx, _ := sp.Index(a)
	e, err := filled.Lookup(idx, table.MeanSeed, 30)
	if err != nil {
		t.Fatal(err)
	}
	if filled.Params(idx) != 815194 || math.Abs(e.TestAcc-0.9805) > 0.002 {
		t.Errorf("777777777: params %d, accuracy %v; want 815194 and 0.9805 +- 0.002",
			filled.Params(idx), e.TestAcc)
	}
}

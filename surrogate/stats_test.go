package surrogate

import (
	"errors"
	"math"
	"math/rand/v2"
	"testing"
)

// Hand-computed values: for each case the concordant and discordant pairs and the ties
// are counted in the comment.
func TestKendallTauHand(t *testing.T) {
	cases := []struct {
		name string
		x, y []float64
		want float64
	}{
		// 10 pairs: discordant (1,2) (1,3) (4,5), the other 7 concordant: (7-3)/10.
		{"no ties", []float64{1, 2, 3, 4, 5}, []float64{3, 1, 2, 5, 4}, 0.4},
		{"reversed", []float64{1, 2, 3}, []float64{3, 2, 1}, -1},
		// n0 = 6, one pair tied in x, one in y, C = 4, D = 0: 4 / sqrt(5*5).
		{"ties", []float64{1, 1, 2, 3}, []float64{1, 2, 2, 3}, 0.8},
		// n0 = 6, n1 = 2, n2 = 3 (one joint tie), C = 2, D = 0: 2 / sqrt(4*3).
		{"joint ties", []float64{1, 1, 2, 2}, []float64{1, 1, 2, 1}, 2 / math.Sqrt(12)},
		// C = 1 (pair 1,3), D = 1 (pair 2,3), pair (1,2) tied in x: 0.
		{"balanced", []float64{1, 1, 2}, []float64{1, 3, 2}, 0},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got, err := KendallTau(c.x, c.y)
			if err != nil {
				t.Fatal(err)
			}
			if math.Abs(got-c.want) > 1e-12 {
				t.Errorf("KendallTau = %.15g, want %.15g", got, c.want)
			}
		})
	}
}

// bruteKendall is the O(n^2) definition of tau-b.
func bruteKendall(x, y []float64) float64 {
	var c, d, tx, ty, n0 float64
	for i := range x {
		for j := i + 1; j < len(x); j++ {
			n0++
			dx, dy := x[i]-x[j], y[i]-y[j]
			switch {
			case dx == 0 && dy == 0:
				tx++
				ty++
			case dx == 0:
				tx++
			case dy == 0:
				ty++
			case dx*dy > 0:
				c++
			default:
				d++
			}
		}
	}
	return (c - d) / math.Sqrt((n0-tx)*(n0-ty))
}

func TestKendallTauBrute(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	for trial := range 200 {
		n := 2 + rng.IntN(60)
		levels := 1 + rng.IntN(8) // few levels: many ties
		x, y := make([]float64, n), make([]float64, n)
		for i := range x {
			x[i] = float64(rng.IntN(levels + 1))
			y[i] = float64(rng.IntN(levels+1)) + 0.5*x[i]
		}
		got, err := KendallTau(x, y)
		want := bruteKendall(x, y)
		if math.IsNaN(want) {
			if !errors.Is(err, ErrConstant) {
				t.Errorf("trial %d: constant sample gave %v, %v; want ErrConstant", trial, got, err)
			}
			continue
		}
		if err != nil || math.Abs(got-want) > 1e-12 {
			t.Errorf("trial %d (n=%d): KendallTau = %v, %v; brute force %v", trial, n, got, err,
				want)
		}
	}
}

func TestSpearmanHand(t *testing.T) {
	// Ranks of y: 1, 2, 3.5, 5, 3.5; against 1..5: sxy = 8, sxx = 10, syy = 9.5.
	got, err := Spearman([]float64{1, 2, 3, 4, 5}, []float64{5, 6, 7, 8, 7})
	if want := 8 / math.Sqrt(95); err != nil || math.Abs(got-want) > 1e-12 {
		t.Errorf("Spearman = %v, %v; want %v", got, err, want)
	}
}

func TestR2Hand(t *testing.T) {
	// Residual sum of squares 1, total 2.
	got, err := R2([]float64{1, 2, 3}, []float64{1, 2, 4})
	if err != nil || got != 0.5 {
		t.Errorf("R2 = %v, %v; want 0.5", got, err)
	}
}

func TestSparseKendallHand(t *testing.T) {
	// 0.9001 and 0.9004 both round to 0.900: one tie in x, C = 2, D = 0: 2/sqrt(2*3).
	got, err := SparseKendallTau([]float64{0.9001, 0.9004, 0.91}, []float64{0.5, 0.6, 0.7})
	if want := 2 / math.Sqrt(6); err != nil || math.Abs(got-want) > 1e-12 {
		t.Errorf("SparseKendallTau = %v, %v; want %v", got, err, want)
	}
	full, _ := KendallTau([]float64{0.9001, 0.9004, 0.91}, []float64{0.5, 0.6, 0.7})
	if full != 1 {
		t.Errorf("KendallTau before rounding = %v, want 1", full)
	}
}

func TestStatsErrors(t *testing.T) {
	one := []float64{1, 2, 3}
	flat := []float64{2, 2, 2}
	if _, err := KendallTau(one, flat); !errors.Is(err, ErrConstant) {
		t.Errorf("KendallTau of a constant: %v, want ErrConstant", err)
	}
	if _, err := Spearman(flat, one); !errors.Is(err, ErrConstant) {
		t.Errorf("Spearman of a constant: %v, want ErrConstant", err)
	}
	if _, err := R2(flat, one); !errors.Is(err, ErrConstant) {
		t.Errorf("R2 of a constant truth: %v, want ErrConstant", err)
	}
	if _, err := KendallTau(one, one[:2]); err == nil {
		t.Error("KendallTau of unequal lengths: no error")
	}
	if _, err := Spearman(one, []float64{1, math.NaN(), 2}); err == nil {
		t.Error("Spearman with NaN: no error")
	}
	if _, err := R2(one[:1], one[:1]); err == nil {
		t.Error("R2 of one value: no error")
	}
}

func BenchmarkKendallTau(b *testing.B) {
	rng := rand.New(rand.NewPCG(3, 4))
	n := 15625
	x, y := make([]float64, n), make([]float64, n)
	for i := range x {
		x[i] = math.Round(rng.Float64()*1000) / 1000
		y[i] = x[i] + rng.NormFloat64()*0.1
	}
	for b.Loop() {
		if _, err := KendallTau(x, y); err != nil {
			b.Fatal(err)
		}
	}
}

package reports

import (
	"errors"
	"math"
	"slices"
	"testing"
)

func near(a, b, tol float64) bool { return math.Abs(a-b) <= tol }

func TestSummarize(t *testing.T) {
	t.Run("five", func(t *testing.T) {
		// mean 3, s = sqrt(2.5), t(0.975, 4) = 2.776445: half width 1.963243.
		s := Summarize([]float64{5, 1, 4, 2, 3})
		if s.N != 5 || s.Mean != 3 || s.Median != 3 || s.Min != 1 || s.Max != 5 {
			t.Fatalf("got %+v", s)
		}
		if !s.HasMeanCI || !near(s.MeanLo, 1.036757, 1e-5) || !near(s.MeanHi, 4.963243, 1e-5) {
			t.Errorf("mean interval [%v, %v], want [1.036757, 4.963243]", s.MeanLo, s.MeanHi)
		}
		if s.HasMedianCI {
			t.Errorf("n = 5 has a median interval [%v, %v]; none exists at 95 %%", s.MedianLo,
				s.MedianHi)
		}
		want := "n = 5: too few runs for a median interval (need >= 6)"
		if len(s.Notes) != 1 || s.Notes[0] != want {
			t.Errorf("notes %q", s.Notes)
		}
	})
	t.Run("six", func(t *testing.T) {
		// The only 95 % interval for the median of 6 is [x(1), x(6)]: level 1 - 2/64.
		s := Summarize([]float64{1, 2, 3, 4, 5, 6})
		if !s.HasMedianCI || s.Median != 3.5 || s.MedianLo != 1 || s.MedianHi != 6 ||
			!near(s.MedianConfidence, 0.96875, 1e-9) {
			t.Errorf("median %v [%v, %v] at %v, want 3.5 [1, 6] at 0.96875", s.Median,
				s.MedianLo, s.MedianHi, s.MedianConfidence)
		}
		if len(s.Notes) != 0 {
			t.Errorf("notes %q, want none", s.Notes)
		}
	})
	t.Run("single", func(t *testing.T) {
		s := Summarize([]float64{0.8})
		if s.N != 1 || s.Mean != 0.8 || s.Median != 0.8 || s.HasMeanCI || s.HasMedianCI {
			t.Errorf("got %+v, want mean = median = 0.8 and no interval", s)
		}
		if !slices.Equal(s.Notes, []string{"n = 1: a single run, no interval"}) {
			t.Errorf("notes %q", s.Notes)
		}
	})
	t.Run("equal", func(t *testing.T) {
		s := Summarize([]float64{0.5, 0.5, 0.5, 0.5, 0.5, 0.5})
		if !s.HasMeanCI || s.MeanLo != 0.5 || s.MeanHi != 0.5 || !s.HasMedianCI ||
			s.MedianLo != 0.5 || s.MedianHi != 0.5 {
			t.Errorf("got %+v, want both intervals [0.5, 0.5]", s)
		}
		if !slices.Equal(s.Notes, []string{"all 6 values equal"}) {
			t.Errorf("notes %q", s.Notes)
		}
	})
	t.Run("empty", func(t *testing.T) {
		s := Summarize(nil)
		if s.N != 0 || s.HasMeanCI || !slices.Equal(s.Notes, []string{"no runs"}) {
			t.Errorf("got %+v", s)
		}
	})
}

func TestCompare(t *testing.T) {
	cases := []struct {
		name   string
		a, b   []float64
		p, a12 float64
	}{
		// Exact U distribution: U = 0 is one of C(6,3) = 20 splits, two-sided 2/20.
		{"separated3", []float64{1, 2, 3}, []float64{4, 5, 6}, 0.1, 0},
		// 2 / C(8,4) = 2/70.
		{"separated4", []float64{8, 6, 7, 5}, []float64{1, 2, 3, 4}, 2.0 / 70, 1},
		{"equal", []float64{0.7, 0.7, 0.7}, []float64{0.7, 0.7}, 1, 0.5},
		{"single", []float64{0.7}, []float64{0.7}, 1, 0.5},
		// A12 with ties: 1 vs {2,3,3}: 0; 2 vs {2,3,3}: 1/2 (twice): 1/9.
		{"ties", []float64{1, 2, 2}, []float64{2, 3, 3}, math.NaN(), 1.0 / 9},
		// b = {1} is one of the 5 values {1, 1, 1, 1, 0}; U_a = 1.5 when b = 1 (4/5) and 4
		// when b = 0 (1/5): both are at least 0.5 from the mean 2, so p = 1 (the doubled
		// tail is 1.6 before the cap). A12 = 1.5/4.
		{"tiesCap", []float64{1, 1, 1, 0}, []float64{1}, 1, 0.375},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r, err := Compare("a", c.a, "b", c.b)
			if err != nil {
				t.Fatal(err)
			}
			if math.IsNaN(r.P) || r.P < 0 || r.P > 1 {
				t.Fatalf("p = %v", r.P)
			}
			if !math.IsNaN(c.p) && !near(r.P, c.p, 1e-12) {
				t.Errorf("p = %v, want %v", r.P, c.p)
			}
			if !near(r.A12, c.a12, 1e-12) {
				t.Errorf("A12 = %v, want %v", r.A12, c.a12)
			}
			if r.NA != len(c.a) || r.NB != len(c.b) || r.PHolm != r.P {
				t.Errorf("got %+v", r)
			}
		})
	}
	if _, err := Compare("a", nil, "b", []float64{1}); !errors.Is(err, ErrEmptySample) {
		t.Errorf("empty sample: err = %v, want ErrEmptySample", err)
	}
	r, _ := Compare("a", []float64{0.7, 0.7}, "b", []float64{0.7})
	if !slices.Contains(r.Notes, "all values equal on both sides: p = 1") {
		t.Errorf("equal samples: notes %q", r.Notes)
	}
}

func TestMinP(t *testing.T) {
	// 2 / C(6,3) = 0.1; 2 / C(8,4) = 2/70; 2 / C(5,1) = 0.4; one each: 2/2 = 1.
	for _, c := range []struct {
		n1, n2 int
		want   float64
	}{{3, 3, 0.1}, {4, 4, 2.0 / 70}, {4, 1, 0.4}, {1, 4, 0.4}, {1, 1, 1}, {0, 3, 1}} {
		if got := MinP(c.n1, c.n2); !near(got, c.want, 1e-12) {
			t.Errorf("MinP(%d, %d) = %v, want %v", c.n1, c.n2, got, c.want)
		}
	}
}

func TestHolmAdjust(t *testing.T) {
	// Sorted 0.01, 0.03, 0.04 times 3, 2, 1: 0.03, 0.06, 0.04 -> running max 0.06.
	cs := []Comparison{{P: 0.01}, {P: 0.04}, {P: 0.03}, {P: 0.9}}
	HolmAdjust(cs)
	want := []float64{0.04, 0.09, 0.09, 0.9}
	for i, c := range cs {
		if !near(c.PHolm, want[i], 1e-12) {
			t.Errorf("comparison %d: PHolm = %v, want %v", i, c.PHolm, want[i])
		}
	}
}

func TestEffectSize(t *testing.T) {
	for _, c := range []struct {
		a12  float64
		want string
	}{{0.5, "negligible"}, {0.55, "negligible"}, {0.44, "small"}, {0.64, "medium"},
		{0.29, "large"}, {1, "large"}, {math.NaN(), "none"}} {
		if got := EffectSize(c.a12); got != c.want {
			t.Errorf("EffectSize(%v) = %q, want %q", c.a12, got, c.want)
		}
	}
}

func TestPercentileQuantile(t *testing.T) {
	s := []float64{1, 2, 2, 3}
	for _, c := range []struct{ x, want float64 }{{0, 0}, {1, 12.5}, {2, 50}, {2.5, 75}, {9, 100}} {
		if got := Percentile(s, c.x); got != c.want {
			t.Errorf("Percentile(%v) = %v, want %v", c.x, got, c.want)
		}
	}
	if !math.IsNaN(Percentile(nil, 1)) {
		t.Error("Percentile of an empty sample is not NaN")
	}
	for _, c := range []struct{ q, want float64 }{{0, 1}, {0.25, 1.75}, {0.5, 2}, {1, 3}} {
		if got := Quantile(s, c.q); got != c.want {
			t.Errorf("Quantile(%v) = %v, want %v", c.q, got, c.want)
		}
	}
}

func TestNewProportion(t *testing.T) {
	// Wilson 95 %: 5/10 -> [0.236593, 0.763407]; 0/10 -> [0, 0.277533].
	p := NewProportion(5, 10)
	if p.P != 0.5 || !near(p.Lo, 0.236593, 1e-6) || !near(p.Hi, 0.763407, 1e-6) {
		t.Errorf("5/10: %+v", p)
	}
	p = NewProportion(0, 10)
	if p.P != 0 || p.Lo != 0 || !near(p.Hi, 0.277533, 1e-6) {
		t.Errorf("0/10: %+v", p)
	}
	if p := NewProportion(0, 0); p != (Proportion{}) {
		t.Errorf("0/0: %+v", p)
	}
}

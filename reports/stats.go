package reports

import (
	"errors"
	"fmt"
	"math"
	"slices"
	"sort"

	"golang.org/x/perf/benchmath"
)

// Confidence is the confidence level of every interval in a report.
const Confidence = 0.95

// Summary describes one sample (a strategy's best M over its seeds): its mean with a
// Student-t interval and its median with a distribution-free order-statistic interval,
// both at level Confidence, as golang.org/x/perf/benchmath computes them.
//
// An interval that the sample cannot support is absent, never infinite or NaN: HasMeanCI
// is false for n < 2, HasMedianCI is false when no pair of order statistics covers the
// median at the requested level (n < 6 at 95 %). Notes name each such degenerate case in
// words fit for the report.
type Summary struct {
	N                int
	Mean             float64
	MeanLo, MeanHi   float64
	HasMeanCI        bool
	Median           float64
	MedianLo         float64
	MedianHi         float64
	HasMedianCI      bool
	MedianConfidence float64 // actual level of the median interval (>= Confidence)
	Min, Max         float64
	Notes            []string
}

// Summarize summarises values (in any order; not modified). An empty sample gives N = 0
// and a note; every other field is then zero.
func Summarize(values []float64) Summary {
	n := len(values)
	if n == 0 {
		return Summary{Notes: []string{"no runs"}}
	}

	// benchmath wants the values sorted.
	v := slices.Clone(values)
	sort.Float64s(v)
	th := benchmath.DefaultThresholds
	sample := benchmath.NewSample(v, &th)
	s := Summary{N: n, Min: v[0], Max: v[n-1]}

	mean := benchmath.AssumeNormal.Summary(sample, Confidence)
	s.Mean = mean.Center
	if n >= 2 && finite(mean.Lo) && finite(mean.Hi) {
		s.MeanLo, s.MeanHi, s.HasMeanCI = mean.Lo, mean.Hi, true
	}

	med := benchmath.AssumeNothing.Summary(sample, Confidence)
	s.Median = med.Center
	if finite(med.Lo) && finite(med.Hi) {
		s.MedianLo, s.MedianHi, s.HasMedianCI = med.Lo, med.Hi, true
		s.MedianConfidence = med.Confidence
	}

	// Name the degenerate cases.
	switch {
	case n == 1:
		s.Notes = append(s.Notes, "n = 1: a single run, no interval")
	case !s.HasMedianCI:
		s.Notes = append(s.Notes,
			fmt.Sprintf("n = %d: too few runs for a median interval (need >= 6)", n))
	}
	if n > 1 && s.Min == s.Max {
		s.Notes = append(s.Notes, fmt.Sprintf("all %d values equal", n))
	}
	return s
}

// Comparison is a two-sided Mann-Whitney U test between the samples of strategies A and B,
// with the Vargha-Delaney effect size.
type Comparison struct {
	A, B   string
	NA, NB int

	// P is the p-value of the hypothesis that both samples come from one distribution
	// (benchmath.AssumeNothing.Compare), capped at 1 (with ties the doubled exact tail can
	// pass 1). It is 1, not NaN, when every value of both samples is the same. PHolm is P
	// adjusted for all comparisons of the same group (Holm 1979).
	P, PHolm float64

	// A12 is the probability that a run of A beats a run of B, ties counted half:
	// (#{a > b} + #{a = b} / 2) / (NA NB). 0.5 means no effect; above 0.5 favours A.
	A12 float64

	Notes []string
}

// ErrEmptySample is returned when a comparison is asked for a sample with no values.
var ErrEmptySample = errors.New("reports: empty sample")

// Compare compares the samples a and b (any order; not modified) of the strategies named
// nameA and nameB. PHolm is set equal to P; HolmAdjust adjusts a whole family.
func Compare(nameA string, a []float64, nameB string, b []float64) (Comparison, error) {
	if len(a) == 0 || len(b) == 0 {
		return Comparison{}, fmt.Errorf("comparing %s (n = %d) with %s (n = %d): %w",
			nameA, len(a), nameB, len(b), ErrEmptySample)
	}
	c := Comparison{A: nameA, B: nameB, NA: len(a), NB: len(b), A12: A12(a, b)}

	sa, sb := slices.Clone(a), slices.Clone(b)
	sort.Float64s(sa)
	sort.Float64s(sb)
	th := benchmath.DefaultThresholds
	r := benchmath.AssumeNothing.Compare(benchmath.NewSample(sa, &th), benchmath.NewSample(sb, &th))
	c.P = r.P
	if sa[0] == sa[len(sa)-1] && sb[0] == sb[len(sb)-1] && sa[0] == sb[0] {
		c.P = 1
		c.Notes = append(c.Notes, "all values equal on both sides: p = 1")
	} else if math.IsNaN(c.P) {
		c.P = 1
		c.Notes = append(c.Notes, "the U test failed: p set to 1")
	} else if c.P > 1 {
		// With ties, doubling the exact one-sided tail can pass 1; a p-value cannot.
		c.P = 1
	}
	if mp := MinP(len(a), len(b)); mp >= benchmath.DefaultThresholds.CompareAlpha {
		c.Notes = append(c.Notes, fmt.Sprintf("n = %d + %d: p cannot fall below %.2g whatever "+
			"the values", len(a), len(b), mp))
	}
	c.PHolm = c.P
	return c, nil
}

// MinP is the smallest two-sided p-value the exact Mann-Whitney U test can give samples
// of sizes n1 and n2 (complete separation, no ties): 2 / C(n1 + n2, n1), at most 1.
func MinP(n1, n2 int) float64 {
	c := 1.0 // C(n1 + n2, n1), built up as a product of ratios
	for i := 1; i <= n1; i++ {
		c = c * float64(n2+i) / float64(i)
	}
	return min(1, 2/c)
}

// A12 is the Vargha-Delaney effect size of sample a over sample b:
// (#{a_i > b_j} + #{a_i = b_j} / 2) / (len(a) len(b)). It is NaN when a sample is empty.
func A12(a, b []float64) float64 {
	if len(a) == 0 || len(b) == 0 {
		return math.NaN()
	}
	sb := slices.Clone(b)
	sort.Float64s(sb)
	var wins float64
	for _, x := range a {
		lo := sort.SearchFloat64s(sb, x)                                  // b_j < x
		hi := sort.Search(len(sb), func(i int) bool { return sb[i] > x }) // b_j <= x
		wins += float64(lo) + float64(hi-lo)/2
	}
	return wins / float64(len(a)*len(b))
}

// EffectSize names the magnitude of an A12 value with Vargha and Delaney's (2000)
// thresholds on |A12 - 0.5|: below 0.06 negligible, below 0.14 small, below 0.21 medium,
// else large.
func EffectSize(a12 float64) string {
	d := math.Abs(a12 - 0.5)
	switch {
	case math.IsNaN(d):
		return "none"
	case d < 0.06:
		return "negligible"
	case d < 0.14:
		return "small"
	case d < 0.21:
		return "medium"
	}
	return "large"
}

// HolmAdjust sets PHolm of every comparison of cs to its Holm step-down adjusted p-value:
// with the m p-values sorted ascending, p_(i) becomes max over j <= i of min(1,
// (m - j + 1) p_(j)).
func HolmAdjust(cs []Comparison) {
	m := len(cs)
	order := make([]int, m)
	for i := range order {
		order[i] = i
	}
	sort.SliceStable(order, func(i, j int) bool { return cs[order[i]].P < cs[order[j]].P })
	run := 0.0
	for rank, i := range order {
		adj := min(1, float64(m-rank)*cs[i].P)
		run = max(run, adj)
		cs[i].PHolm = run
	}
}

// Percentile places x in sample as a mid-rank percentile: 100 (#{v < x} + #{v = x} / 2) /
// n. It is NaN for an empty sample.
func Percentile(sample []float64, x float64) float64 {
	if len(sample) == 0 {
		return math.NaN()
	}
	var below, equal int
	for _, v := range sample {
		switch {
		case v < x:
			below++
		case v == x:
			equal++
		}
	}
	return 100 * (float64(below) + float64(equal)/2) / float64(len(sample))
}

// Quantile returns the q-quantile (0 <= q <= 1) of sorted by linear interpolation between
// order statistics (the R-7 / NumPy default definition). It is NaN for an empty slice.
func Quantile(sorted []float64, q float64) float64 {
	n := len(sorted)
	if n == 0 {
		return math.NaN()
	}
	h := q * float64(n-1)
	lo := int(math.Floor(h))
	if lo >= n-1 {
		return sorted[n-1]
	}
	return sorted[lo] + (h-float64(lo))*(sorted[lo+1]-sorted[lo])
}

// Proportion is a share of runs with a Wilson score interval at level Confidence.
type Proportion struct {
	K, N   int
	P      float64
	Lo, Hi float64
}

// NewProportion returns k out of n with its Wilson interval; n = 0 gives a zero value.
func NewProportion(k, n int) Proportion {
	if n == 0 {
		return Proportion{}
	}
	const z = 1.959963984540054 // standard normal 0.975 quantile
	p := float64(k) / float64(n)
	nf := float64(n)
	den := 1 + z*z/nf
	center := (p + z*z/(2*nf)) / den
	half := z / den * math.Sqrt(p*(1-p)/nf+z*z/(4*nf*nf))
	return Proportion{K: k, N: n, P: p, Lo: max(0, center-half), Hi: min(1, center+half)}
}

func finite(x float64) bool { return !math.IsNaN(x) && !math.IsInf(x, 0) }

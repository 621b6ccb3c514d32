package surrogate

import (
	"fmt"
	"math"
	"slices"
	"sort"
)

// KendallTau returns Kendall's tau-b between x and y, which handles ties in either
// sample: tau_b = (C - D) / sqrt((n0 - n1) (n0 - n2)), with C and D the concordant and
// discordant pairs, n0 = n(n-1)/2, and n1, n2 the pairs tied in x and in y. It runs in
// O(n log n) (Knight's merge-sort algorithm), so it serves n in the tens of thousands.
//
// It returns an error when the lengths differ, n < 2, a value is NaN, or either sample
// is constant (tau-b is then undefined).
func KendallTau(x, y []float64) (float64, error) {
	if err := checkPaired("kendall tau", x, y); err != nil {
		return 0, err
	}
	n := len(x)

	// Sort the pairs by x, then y, and count the ties in x and the joint ties.
	idx := make([]int, n)
	for i := range idx {
		idx[i] = i
	}
	sort.Slice(idx, func(a, b int) bool {
		i, j := idx[a], idx[b]
		if x[i] != x[j] {
			return x[i] < x[j]
		}
		return y[i] < y[j]
	})
	var n1, n3 int64
	for i := 0; i < n; {
		j, k := i+1, i
		for ; j < n && x[idx[j]] == x[idx[i]]; j++ {
			if y[idx[j]] != y[idx[j-1]] {
				n3 += pairs(j - k)
				k = j
			}
		}
		n3 += pairs(j - k)
		n1 += pairs(j - i)
		i = j
	}

	// Merge-sort the y values (in x order) by y, counting the swaps: each swap is one
	// discordant pair.
	ys := make([]float64, n)
	for i, j := range idx {
		ys[i] = y[j]
	}
	swaps := mergeCount(ys, make([]float64, n))

	// Ties in y, now that ys is sorted.
	var n2 int64
	for i := 0; i < n; {
		j := i + 1
		for j < n && ys[j] == ys[i] {
			j++
		}
		n2 += pairs(j - i)
		i = j
	}

	n0 := pairs(n)
	if n1 == n0 || n2 == n0 {
		return 0, fmt.Errorf("kendall tau: %w", ErrConstant)
	}
	s := n0 - n1 - n2 + n3 - 2*swaps
	return float64(s) / math.Sqrt(float64(n0-n1)*float64(n0-n2)), nil
}

// pairs returns k(k-1)/2.
func pairs(k int) int64 { return int64(k) * int64(k-1) / 2 }

// mergeCount sorts a ascending with a stable merge sort, using buf as scratch, and
// returns the number of inversions (pairs i < j with a[i] > a[j]).
func mergeCount(a, buf []float64) int64 {
	n := len(a)
	if n < 2 {
		return 0
	}
	m := n / 2
	s := mergeCount(a[:m], buf[:m]) + mergeCount(a[m:], buf[m:])
	i, j, k := 0, m, 0
	for i < m && j < n {
		if a[j] < a[i] {
			buf[k] = a[j]
			s += int64(m - i)
			j++
		} else {
			buf[k] = a[i]
			i++
		}
		k++
	}
	k += copy(buf[k:], a[i:m])
	copy(buf[k:], a[j:n])
	copy(a, buf[:n])
	return s
}

// Spearman returns Spearman's rank correlation rho between x and y: the Pearson
// correlation of their ranks, tied values sharing their mean rank. It returns an error
// for mismatched lengths, n < 2, NaN, or a constant sample.
func Spearman(x, y []float64) (float64, error) {
	if err := checkPaired("spearman rho", x, y); err != nil {
		return 0, err
	}
	r, err := pearson(ranks(x), ranks(y))
	if err != nil {
		return 0, fmt.Errorf("spearman rho: %w", err)
	}
	return r, nil
}

// ranks returns the 1-based ranks of v, ties getting their mean rank.
func ranks(v []float64) []float64 {
	n := len(v)
	idx := make([]int, n)
	for i := range idx {
		idx[i] = i
	}
	sort.Slice(idx, func(a, b int) bool { return v[idx[a]] < v[idx[b]] })
	r := make([]float64, n)
	for i := 0; i < n; {
		j := i + 1
		for j < n && v[idx[j]] == v[idx[i]] {
			j++
		}
		mean := float64(i+j+1) / 2 // mean of the ranks i+1 .. j
		for k := i; k < j; k++ {
			r[idx[k]] = mean
		}
		i = j
	}
	return r
}

// pearson returns the correlation of x and y, or ErrConstant when one has no spread.
func pearson(x, y []float64) (float64, error) {
	mx, my := mean(x), mean(y)
	var sxy, sxx, syy float64
	for i := range x {
		dx, dy := x[i]-mx, y[i]-my
		sxy += dx * dy
		sxx += dx * dx
		syy += dy * dy
	}
	if sxx == 0 || syy == 0 {
		return 0, ErrConstant
	}
	return sxy / math.Sqrt(sxx*syy), nil
}

// R2 returns the coefficient of determination of the predictions pred for the truth
// y: 1 - sum (y - pred)^2 / sum (y - mean y)^2. It is 1 for a perfect prediction, 0 for
// predicting the mean, and negative for worse. It returns an error for mismatched
// lengths, n < 2, NaN, or a constant y.
func R2(y, pred []float64) (float64, error) {
	if err := checkPaired("r2", y, pred); err != nil {
		return 0, err
	}
	my := mean(y)
	var ss, st float64
	for i := range y {
		ss += (y[i] - pred[i]) * (y[i] - pred[i])
		st += (y[i] - my) * (y[i] - my)
	}
	if st == 0 {
		return 0, fmt.Errorf("r2: truth: %w", ErrConstant)
	}
	return 1 - ss/st, nil
}

// SparseKendallTau returns Kendall's tau-b after rounding both samples to a grid of
// step 0.001 (0.1 % of accuracy), so that differences below the measurement
// resolution count as ties (the "sparse Kendall tau" of NAS-Bench-301).
func SparseKendallTau(x, y []float64) (float64, error) {
	return KendallTau(roundTo(x, 1000), roundTo(y, 1000))
}

func roundTo(v []float64, scale float64) []float64 {
	r := make([]float64, len(v))
	for i, x := range v {
		r[i] = math.Round(x*scale) / scale
	}
	return r
}

func mean(v []float64) float64 {
	var s float64
	for _, x := range v {
		s += x
	}
	return s / float64(len(v))
}

func checkPaired(what string, x, y []float64) error {
	if len(x) != len(y) {
		return fmt.Errorf("%s: samples of %d and %d values", what, len(x), len(y))
	}
	if len(x) < 2 {
		return fmt.Errorf("%s: %d values, want at least 2", what, len(x))
	}
	if slices.ContainsFunc(x, math.IsNaN) || slices.ContainsFunc(y, math.IsNaN) {
		return fmt.Errorf("%s: sample holds NaN", what)
	}
	return nil
}

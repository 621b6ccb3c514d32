// Package metric defines the M-factor and its peers: the scores that trade a model's
// accuracy against its size.
//
// Accuracies are fractions in [0, 1]. The size efficiency of a model with P trainable
// parameters is S = P_min / P, where P_min is the smallest parameter count of the search
// space (space.PMin), so S is in (0, 1] and equals 1 for the smallest model.
package metric

import "math"

// Efficiency returns the size efficiency S = pmin / params. It returns NaN unless
// 0 < pmin <= params.
func Efficiency(params, pmin int64) float64 {
	if pmin <= 0 || params < pmin {
		return math.NaN()
	}
	return float64(pmin) / float64(params)
}

// M returns the M-factor, the harmonic mean of accuracy a and size efficiency s:
//
//	M = 2 a s / (a + s)
//
// It is 0 when a + s = 0, and NaN when a or s is NaN or negative.
func M(a, s float64) float64 {
	return MBeta(a, s, 1)
}

// MBeta returns the weighted M-factor, which trades accuracy a against size efficiency s
// like an F-beta score:
//
//	M_beta = (1 + beta^2) a s / (beta^2 a + s)
//
// beta = 1 gives M. beta > 1 puts weight on s (small models): as beta grows, M_beta tends to
// s, and beta = +Inf gives s. 0 < beta < 1 puts weight on a: as beta tends to 0, M_beta
// tends to a. It is 0 when both a and s are 0, and NaN when a or s is NaN or negative, or
// beta is NaN or not positive. It is computed without overflow for any beta.
func MBeta(a, s, beta float64) float64 {
	if !(a >= 0 && s >= 0 && beta > 0) {
		return math.NaN()
	}
	if beta <= 1 {
		b2 := beta * beta
		den := b2*a + s
		if den == 0 {
			return 0
		}
		return (1 + b2) * a * s / den
	}

	// Divided through by beta^2, so that a large beta cannot overflow.
	inv := 1 / (beta * beta)
	den := a + inv*s
	if den == 0 {
		return 0
	}
	return (inv + 1) * a * s / den
}

// AccuracyPerParam returns a / params, accuracy per trainable parameter.
func AccuracyPerParam(a float64, params int64) float64 {
	return a / float64(params)
}

// NetScore returns the NetScore of Wong (2019) with its published exponents:
//
//	NetScore = 20 log10( A^2 / (sqrt(P) sqrt(MACs)) )
//
// with A the accuracy in percent (100 a), P the parameters in millions and MACs the
// multiply-accumulates in millions. It returns NaN if params or macs is not positive.
func NetScore(a float64, params, macs int64) float64 {
	if params <= 0 || macs <= 0 {
		return math.NaN()
	}
	const alpha, beta, gamma = 2, 0.5, 0.5
	pct := 100 * a
	p, m := float64(params)/1e6, float64(macs)/1e6
	return 20 * math.Log10(math.Pow(pct, alpha)/(math.Pow(p, beta)*math.Pow(m, gamma)))
}

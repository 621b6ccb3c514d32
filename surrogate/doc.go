// Package surrogate predicts the accuracy of the architectures a lookup table lacks,
// says how sure it is, and measures on complete published tables how far such
// predictions can be trusted.
//
// # Models
//
// A model maps an architecture's choices (one categorical value per position of the
// space) to the seed-mean accuracy of one epoch; a table with several epochs gets one
// model per epoch, and an epoch between two of them the interpolation of their
// predictions. Parameters and MACs are never predicted: the space computes them
// exactly. Two families are offered (see Model):
//
//   - Ridge: Bayesian linear regression on the one-hot choices and every pairwise
//     interaction of two positions. The prior and noise precisions are set by
//     maximising the evidence, as is the weight of the interaction features (among
//     RidgeOptions.Scales); the predictive variance is the posterior one.
//   - Trees: a bag of gradient-boosted regression trees whose splits send a subset
//     of a position's choices left. The predictive variance is the spread between
//     bags plus the out-of-bag residual variance that the spread leaves unexplained.
//
// Both fit the logit of the accuracy unless Options.Linear is set, and both are
// deterministic for a fixed Options.Seed. Predictions are clipped to [0, 1]; an
// architecture outside the space or an epoch outside the fitted range is a
// *QueryError.
//
// # Validation
//
// Validate fits a model on a random share of a table's architectures and scores its
// predictions of the rest with R2, KendallTau (tau-b, O(n log n)), Spearman and
// SparseKendallTau; NoiseCeiling gives the same statistics between two training seeds.
// A model whose predictions are all equal fails with ErrConstant.
//
// # Filled tables
//
// Fill completes a partial table: every architecture of the space at every epoch,
// measured values as seed means, the rest predicted. Filled.Write stores it as an
// ordinary table (table.MeanOfSeed, its notes saying what share was predicted) plus a
// sidecar marks file (MarksPath) that says, value by value, whether it was measured or
// predicted and with what standard deviation. Tools that know nothing of the surrogate
// read the table as any other; ReadMarks gives the marks back, checked against the
// table's rows.
package surrogate

// Package reports turns mfbench benchmark results into a statistical comparison of NAS
// strategies: summaries with confidence intervals, rank tests with effect sizes, the
// anytime behaviour of each strategy, pictures as plain SVG, and the audit of the M-factor
// paper's Table 1 placed in the distribution of our own runs.
package reports

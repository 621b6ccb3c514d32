// Package reports turns mfbench benchmark results into a statistical comparison of NAS
// strategies: summaries with confidence intervals, rank tests with effect sizes, the
// anytime behaviour of each strategy, pictures as plain SVG, and the audit of the M-factor
// paper's Table 1 placed in the distribution of our own runs.
//
// # Input
//
// An Experiment holds the runs of several strategies on one table under one settings
// profile: for each run its trials (each scored on the table's seed-mean test accuracy,
// with the M of the run's pick after that trial) and its pick. cmd/report fills them by
// re-running the searches from their seeds through package bench; tests fill them from
// JSON. ReadBench adds `go test -bench` or cmd/mfbench output (golang.org/x/perf/benchfmt),
// keyed by the space=, profile=, strategy= and trials= parts of the benchmark names.
//
// # Statistics
//
// Summarize gives the mean with a Student-t interval and the median with an
// order-statistic interval (golang.org/x/perf/benchmath); Compare gives benchmath's
// two-sided Mann-Whitney U p-value and the Vargha-Delaney A12; HolmAdjust adjusts a family
// of comparisons. Degenerate samples are named, never turned into NaN or infinite
// intervals: one value has no interval, too few values have no median interval, equal
// samples give p = 1, and an empty sample is ErrEmptySample.
//
// # Output
//
// New builds a Report from an Input; Write puts report.md, index.html (the same content
// with the figures inline), one SVG file per figure and the numbers as CSV into a folder,
// each file written atomically. The same Input gives the same bytes.
package reports

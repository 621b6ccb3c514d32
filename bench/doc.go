// Package bench runs NAS strategies against lookup tables: one run is one
// strategy, one table, one seed and one budget, and its result is the
// trajectory of trials and the architecture the search chose. The
// package's benchmarks (go test -bench) report M-factor statistics over
// many seeds, named key=value so that benchstat can slice them.
//
// # The objective
//
// A run maximises M_beta (design.md section 2) of the validation accuracy
// where the table records it, else of the test accuracy; Result.Objective
// says which. A trial observes one training seed's accuracy, the seed
// drawn uniformly with the run's random source, as a real training run
// would give one outcome; with Options.SeedMean, or when the table holds
// only seed means, it observes the mean. The chosen architecture is the
// trial with the highest observed value (the first on ties), scored by
// M_beta of its seed-mean test accuracy; its regret is the table's best
// such score minus its own.
//
// # Rules every run keeps
//
//   - Determinism: the same problem and options give the same result, bit
//     for bit. A run draws from two streams seeded by Options.Seed, one for
//     the strategy and one for the observations (training seeds).
//   - Exact budgets: a run never spends more trials, or more simulated
//     seconds, than its budget. A trial that would cross a time budget is
//     not counted and ends the run.
//   - Repeats: every architecture a strategy asks for costs one trial and
//     is observed afresh (a new training seed drawn, its time spent), even
//     if it was asked before; strategies that deduplicate do so themselves.
//     Result.Repeats counts them.
//   - Exhaustion: a strategy that has nothing left to propose ends the run
//     cleanly, with Stop = StopExhausted and fewer trials than the budget.
//   - An unanswerable trial (the table lacks the architecture, seed or
//     epoch) ends the run: Run returns the partial result, Stop =
//     StopUnanswerable, and an error wrapping the table's *MissingError.
package bench

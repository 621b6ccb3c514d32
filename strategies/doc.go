// Package strategies implements the NAS search strategies of mfbench behind
// one ask/tell interface (Strategy): random search, regularized evolution,
// TPE (Optuna's and hyperopt's estimators), REINFORCE, PPO with an LSTM
// policy (as NNI ran it) and local search.
//
// A strategy sees only the number of choices at each position of the
// space and a *rand.Rand; it knows nothing of tables or training, so an
// answer may come from a table lookup (package bench) or a live training
// run. All randomness comes from the rand.Rand given: the same source
// state gives the same proposals, bit for bit.
//
// Settings come in two profiles, documented side by side in profiles.go:
// NNI (NNI v2.x defaults, the paper's setting, including TPE minimising
// what it is given) and Reference (NAS-Bench-201, NASLib and Optuna
// settings). Every settings struct's zero value selects documented
// defaults.
//
// How often an architecture is proposed is each strategy's own business
// (NNI's random search and local search never repeat one; evolution and
// the policy-gradient methods may); how a repeat is counted is the
// caller's rule (see package bench: a repeat costs a trial).
package strategies

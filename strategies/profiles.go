package strategies

import "fmt"

// Profile is one complete set of strategy settings. Start from NNI or
// Reference and change fields: fields may be added later.
type Profile struct {
	Name      string
	Random    RandomSettings
	Evolution EvolutionSettings
	TPE       TPESettings
	Reinforce ReinforceSettings
	PPO       PPOSettings
	Local     LocalSettings
}

// NNI holds Microsoft NNI v2.x's (Retiarii) defaults, as the paper ran
// them: deduplicating random search that gives up after 500 duplicates in
// a row; regularized evolution with population 100, tournament 25 without
// replacement, each position redrawn with probability 0.05; hyperopt's
// TPE (20 start-up trials, gamma 0.25, 24 candidates, prior weight 1)
// wired to minimise the value it is given, with NNI's random redraw of a
// duplicate proposal; PPO with an LSTM policy, lr 1e-4, an update every
// 20 trials. NNI has no REINFORCE or local search; those take the
// reference settings.
var NNI = Profile{
	Name:      "nni",
	Random:    RandomSettings{Dedup: true, MaxDuplicates: 500},
	Evolution: EvolutionSettings{Population: 100, Sample: 25, MutationProb: 0.05},
	TPE: TPESettings{Estimator: HyperoptParzen, Startup: 20, Gamma: 0.25, Candidates: 24,
		PriorWeight: 1, Minimize: true, RandomOnDuplicate: true},
	PPO:       PPOSettings{LR: 1e-4, Hidden: 64, Episodes: 20, Repeat: 5, Batch: 64},
	Local:     LocalSettings{Init: 10},
	Reinforce: ReinforceSettings{LR: 0.01, Momentum: 0.9, InitStd: 1e-3},
}

// Reference holds the settings of NAS-Bench-201 / NATS-Bench and NASLib:
// random search with replacement; regularized evolution with population
// 10, tournament 3 drawn with replacement, one position changed to a
// different choice; REINFORCE over a table of logits, Adam lr 0.01,
// baseline momentum 0.9; Optuna's TPESampler (10 start-up trials, gamma(n)
// = min(ceil(0.1 n), 25), 24 candidates, prior weight 1), maximising;
// local search from the best of 10 random architectures (White et al.
// 2021). PPO keeps NNI's settings.
var Reference = Profile{
	Name:      "reference",
	Random:    RandomSettings{},
	Evolution: EvolutionSettings{Population: 10, Sample: 3, SampleWithReplacement: true},
	TPE: TPESettings{Estimator: OptunaParzen, Startup: 10, Gamma: 0.1, Candidates: 24,
		PriorWeight: 1},
	Reinforce: ReinforceSettings{LR: 0.01, Momentum: 0.9, InitStd: 1e-3},
	PPO:       PPOSettings{LR: 1e-4, Hidden: 64, Episodes: 20, Repeat: 5, Batch: 64},
	Local:     LocalSettings{Init: 10},
}

// ProfileByName returns NNI ("nni") or Reference ("reference").
func ProfileByName(name string) (Profile, error) {
	switch name {
	case NNI.Name:
		return NNI, nil
	case Reference.Name:
		return Reference, nil
	}
	return Profile{}, fmt.Errorf("strategies: unknown profile %q (want nni or reference)", name)
}

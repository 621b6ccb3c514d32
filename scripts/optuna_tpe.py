#!/usr/bin/python3
"""Optuna's TPESampler on an mfbench table, for a side-by-side with mfbench's TPE.

Reads the CSV that `mfbench -dump SPACE` writes (index, choices, score of the
seed-mean test accuracy, then the objective per training seed) and runs, for
each seed, a study of TRIALS trials with optuna.samplers.TPESampler at its
defaults (seeded), maximising. As in mfbench's harness, a trial observes the
objective of one training seed drawn uniformly (numpy, seeded), and the chosen
architecture is the best observed trial, scored by its seed-mean test score.

Output: one Go benchmark-format line per seed, for benchstat:

  BenchmarkSearch/space=S/profile=reference/strategy=optuna-tpe/trials=50 1 NS ns/op
      M mfactor R regret T ns/suggestion

ns/suggestion is the mean time of study.ask() plus the suggest_categorical
calls (where Optuna's sampler runs), per trial.

Usage: go run ./cmd/mfbench -dump nas-bench-macro > /tmp/macro.csv
       /usr/bin/python3 scripts/optuna_tpe.py /tmp/macro.csv [SEEDS] [TRIALS] [FIRST] > out.txt
(seeds FIRST .. FIRST+SEEDS-1; FIRST defaults to 0)
"""

import sys
import time

import numpy as np
import optuna


def load(path):
    header, rows = {}, {}
    with open(path) as f:
        for line in f:
            if line.startswith("# "):
                key, value = line[2:].rstrip("\n").split(": ", 1)
                header[key] = value
                continue
            parts = line.strip().split(",")
            rows[parts[1]] = (float(parts[2]), [float(x) for x in parts[3:]])
    return header, rows


def main():
    path = sys.argv[1]
    seeds = int(sys.argv[2]) if len(sys.argv) > 2 else 1000
    trials = int(sys.argv[3]) if len(sys.argv) > 3 else 50
    first = int(sys.argv[4]) if len(sys.argv) > 4 else 0
    header, rows = load(path)
    space = header["space"]
    npos = len(next(iter(rows)))
    dims = [max(int(a[i]) for a in rows) + 1 for i in range(npos)]
    optimum = max(score for score, _ in rows.values())
    optuna.logging.set_verbosity(optuna.logging.WARNING)

    # The same configuration lines as cmd/mfbench, so benchstat can put the
    # two side by side; Optuna's version goes to stderr.
    print("goos: linux\ngoarch: amd64\npkg: github.com/mfbench/mfbench/bench")
    print(f"seeds: {seeds}\n\nobjective: {header['objective']}\noptimum: {header['optimum']}")
    print(f"optuna {optuna.__version__}", file=sys.stderr)
    name = f"BenchmarkSearch/space={space}/profile=reference/strategy=optuna-tpe/trials={trials}"
    for seed in range(first, first + seeds):
        rng = np.random.default_rng(seed)
        study = optuna.create_study(direction="maximize",
                                    sampler=optuna.samplers.TPESampler(seed=seed))
        start, asking = time.perf_counter(), 0.0
        best_value, best_arch = -np.inf, None
        for _ in range(trials):
            t0 = time.perf_counter()
            trial = study.ask()
            arch = "".join(str(trial.suggest_categorical(f"p{i}", list(range(d))))
                           for i, d in enumerate(dims))
            asking += time.perf_counter() - t0
            values = rows[arch][1]
            value = values[rng.integers(len(values))]
            study.tell(trial, value)
            if value > best_value:
                best_value, best_arch = value, arch
        total = time.perf_counter() - start
        m = rows[best_arch][0]
        print(f"{name} 1 {int(total * 1e9)} ns/op {m:.6g} mfactor {optimum - m:.6g} regret "
              f"{asking / trials * 1e9:.0f} ns/suggestion", flush=True)


if __name__ == "__main__":
    main()

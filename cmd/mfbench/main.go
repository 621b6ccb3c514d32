// Command mfbench runs NAS strategies against lookup tables over many seeds
// and writes one benchmark result line per run, in the Go benchmark format,
// so that benchstat can compare strategies with rank tests.
//
// Usage:
//
//	mfbench [flags]
//
// Each line is named key=value, for example
//
//	BenchmarkSearch/space=nas-bench-macro/profile=nni/strategy=re/trials=50 1 38211 ns/op 0.7412 mfactor 0.1049 regret 0.8593 test-acc 598672 params
//
// and holds one seed's run: the M_beta (unit mfactor), regret, seed-mean
// test accuracy and params of the architecture the search chose, and the
// run's wall time. The strategies of a profile are those its benchmark
// runs: nni has random, re, tpe and ppo (the paper's four), reference has
// random, re, tpe, reinforce and local.
//
// # Flags
//
//	-seeds N        runs per strategy and space, seeds 0..N-1 (default 1000)
//	-trials N       trial budget per run (default 50)
//	-spaces LIST    comma-separated table names in -testdata (default
//	                nas-bench-macro,nas-bench-201, plus resnet when its table exists)
//	-profiles LIST  nni,reference (default both)
//	-strategies LIST  only these strategies (default: each profile's set)
//	-testdata DIR   where NAME.parquet tables are (default testdata)
//	-o FILE         write to FILE atomically instead of stdout; finished blocks are
//	                kept in FILE.partial, so a killed run started again resumes
//	-workers N      goroutines (default GOMAXPROCS); results do not depend on it
//	-dump SPACE     instead of running, write SPACE's objective as CSV (index, choices,
//	                score of the seed-mean test accuracy, value per training seed or the
//	                mean) for other tools, such as scripts/optuna_tpe.py
//
// # Example
//
//	go run ./cmd/mfbench -o bench/testdata/matrix.txt
//	go run golang.org/x/perf/cmd/benchstat -col /strategy bench/testdata/matrix.txt
//
// benchstat then prints, per space and profile, each strategy's mean with
// a 95 % interval and, against the first column (random), the change and
// the Mann-Whitney U p-value.
package main

import (
	"bufio"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"time"

	"github.com/mfbench/mfbench/bench"
	"github.com/mfbench/mfbench/strategies"
	"github.com/mfbench/mfbench/table"
)

func main() {
	if err := run(os.Stdout, os.Stderr, os.Args[1:]); err != nil {
		fmt.Fprintln(os.Stderr, "mfbench:", err)
		if errors.Is(err, errUsage) {
			os.Exit(2)
		}
		os.Exit(1)
	}
}

var errUsage = errors.New("usage")

// profileStrategies is what each profile runs by default.
var profileStrategies = map[string][]string{
	"nni":       {"random", "re", "tpe", "ppo"},
	"reference": {"random", "re", "tpe", "reinforce", "local"},
}

func run(stdout, stderr io.Writer, args []string) error {
	fs := flag.NewFlagSet("mfbench", flag.ContinueOnError)
	fs.SetOutput(stderr)
	seeds := fs.Int("seeds", 1000, "runs per strategy and space")
	trials := fs.Int("trials", 50, "trial budget per run")
	spaces := fs.String("spaces", "", "comma-separated table names (default: the shipped tables)")
	profiles := fs.String("profiles", "nni,reference", "comma-separated profiles")
	only := fs.String("strategies", "", "only these strategies (default: each profile's set)")
	testdata := fs.String("testdata", "testdata", "folder of NAME.parquet tables")
	out := fs.String("o", "", "output file (default stdout)")
	workers := fs.Int("workers", 0, "goroutines (default GOMAXPROCS)")
	dump := fs.String("dump", "", "write this space's objective as CSV and exit")
	if err := fs.Parse(args); err != nil {
		return fmt.Errorf("%w: %v", errUsage, err)
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("%w: unexpected arguments %q", errUsage, fs.Args())
	}
	if *seeds < 1 || *trials < 1 {
		return fmt.Errorf("%w: -seeds %d and -trials %d must be >= 1", errUsage, *seeds, *trials)
	}

	// Resolve spaces, profiles and strategies before running anything.
	names := split(*spaces)
	if *dump != "" {
		names = []string{*dump}
	}
	if len(names) == 0 {
		names = []string{"nas-bench-macro", "nas-bench-201"}
		if _, err := os.Stat(filepath.Join(*testdata, "resnet.parquet")); err == nil {
			names = append(names, "resnet")
		}
	}
	var profs []strategies.Profile
	for _, n := range split(*profiles) {
		p, err := strategies.ProfileByName(n)
		if err != nil {
			return fmt.Errorf("%w: -profiles: %v", errUsage, err)
		}
		profs = append(profs, p)
	}
	for _, s := range split(*only) {
		if !slices.Contains(strategies.Names, s) {
			return fmt.Errorf("%w: -strategies: unknown %q (want %v)", errUsage, s,
				strategies.Names)
		}
	}
	problems := make([]*bench.Problem, len(names))
	for i, n := range names {
		t, err := table.Read(filepath.Join(*testdata, n+".parquet"))
		if err != nil {
			return err
		}
		if problems[i], err = bench.NewProblem(t, bench.ProblemOptions{}); err != nil {
			return err
		}
	}

	// Write to a buffer, then to stdout or atomically to -o.
	var buf strings.Builder
	w := bufio.NewWriter(&buf)
	if *dump != "" {
		writeCSV(w, problems[0])
		return finish(w, &buf, stdout, *out)
	}
	fmt.Fprintf(w, "goos: %s\ngoarch: %s\npkg: github.com/mfbench/mfbench/bench\n",
		runtime.GOOS, runtime.GOARCH)
	fmt.Fprintf(w, "seeds: %d\n", *seeds)
	seedList := make([]uint64, *seeds)
	for i := range seedList {
		seedList[i] = uint64(i)
	}
	// With -o, finished blocks are kept in FILE.partial (rewritten
	// atomically after each block) so that a killed run resumes there.
	partial := ""
	done := map[string][]string{}
	if *out != "" {
		partial = *out + ".partial"
		done = readPartial(partial, *seeds)
	}
	for _, p := range problems {
		fmt.Fprintf(w, "\nobjective: %s\noptimum: %s M=%.4f\n", p.Objective(false),
			p.Optimum.Arch, p.Optimum.M)
		for _, pr := range profs {
			for _, st := range profileStrategies[pr.Name] {
				if *only != "" && !slices.Contains(split(*only), st) {
					continue
				}
				name := fmt.Sprintf("BenchmarkSearch/space=%s/profile=%s/strategy=%s/trials=%d",
					p.Space.Name(), pr.Name, st, *trials)
				if lines, ok := done[name]; ok {
					for _, l := range lines {
						fmt.Fprintln(w, l)
					}
					fmt.Fprintf(stderr, "%s: resumed from %s\n", name, partial)
					continue
				}
				o := bench.Options{Strategy: st, Profile: pr, Budget: bench.Budget{Trials: *trials}}
				start := time.Now()
				rs, err := bench.RunSeeds(p, o, seedList, *workers)
				if err != nil {
					return err
				}
				per := time.Since(start).Nanoseconds() / int64(len(rs))
				for _, r := range rs {
					c := r.Chosen
					fmt.Fprintf(w, "%s 1 %d ns/op %.6g mfactor %.6g regret %.6g test-acc "+
						"%d params\n", name, per, c.M, c.Regret, c.TestAcc, c.Params)
				}
				fmt.Fprintf(stderr, "%s: %d seeds in %v\n", name, len(rs),
					time.Since(start).Round(time.Millisecond))
				if partial != "" {
					if err := w.Flush(); err != nil {
						return err
					}
					if err := writeAtomic(partial, buf.String()); err != nil {
						return err
					}
				}
			}
		}
	}
	if err := finish(w, &buf, stdout, *out); err != nil {
		return err
	}
	if partial != "" {
		os.Remove(partial)
	}
	return nil
}

// readPartial returns the result lines of each block of a partial output
// that holds all seeds; a missing or unreadable file resumes nothing.
func readPartial(path string, seeds int) map[string][]string {
	done := map[string][]string{}
	data, err := os.ReadFile(path)
	if err != nil {
		return done
	}
	if !strings.Contains(string(data), fmt.Sprintf("\nseeds: %d\n", seeds)) {
		return done
	}
	for _, l := range strings.Split(string(data), "\n") {
		if name, _, ok := strings.Cut(l, " "); ok && strings.HasPrefix(name, "BenchmarkSearch/") {
			done[name] = append(done[name], l)
		}
	}
	for name, lines := range done {
		if len(lines) != seeds {
			delete(done, name)
		}
	}
	return done
}

func finish(w *bufio.Writer, buf *strings.Builder, stdout io.Writer, out string) error {
	if err := w.Flush(); err != nil {
		return err
	}
	if out == "" {
		_, err := io.WriteString(stdout, buf.String())
		return err
	}
	return writeAtomic(out, buf.String())
}

// writeCSV writes three comment lines (space, objective and optimum, the
// last two as cmd/mfbench's output names them), then one line per
// architecture the table can answer: index, choices (one digit per
// position), score, then the value observed per training seed (or, for a
// table of means, the mean).
func writeCSV(w io.Writer, p *bench.Problem) {
	seeds := p.Seeds
	if len(seeds) == 0 {
		seeds = []int64{table.MeanSeed}
	}
	fmt.Fprintf(w, "# space: %s\n# objective: %s\n# optimum: %s M=%.4f\n", p.Space.Name(),
		p.Objective(false), p.Optimum.Arch, p.Optimum.M)
	for i := range p.Space.Len() {
		sc := p.Score(i)
		if sc != sc {
			continue
		}
		var b strings.Builder
		for _, c := range p.Space.Arch(i) {
			fmt.Fprint(&b, c)
		}
		fmt.Fprintf(w, "%d,%s,%.17g", i, b.String(), sc)
		for _, s := range seeds {
			fmt.Fprintf(w, ",%.17g", p.Value(i, s))
		}
		fmt.Fprintln(w)
	}
}

func split(s string) []string {
	var out []string
	for _, f := range strings.Split(s, ",") {
		if f = strings.TrimSpace(f); f != "" {
			out = append(out, f)
		}
	}
	return out
}

// writeAtomic writes data to a temporary file beside path, then renames it.
// The folder is created if missing.
func writeAtomic(path, data string) error {
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return err
	}
	f, err := os.CreateTemp(filepath.Dir(path), filepath.Base(path)+".tmp*")
	if err != nil {
		return err
	}
	if _, err := f.WriteString(data); err != nil {
		f.Close()
		os.Remove(f.Name())
		return err
	}
	if err := f.Close(); err != nil {
		os.Remove(f.Name())
		return err
	}
	if err := os.Rename(f.Name(), path); err != nil {
		os.Remove(f.Name())
		return err
	}
	return nil
}

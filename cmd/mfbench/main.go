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
//	-strategies LIST  only these strategies (default: each profile's set); each must be
//	                run by one of -profiles
//	-beta B         beta of M_beta, a finite number > 0 (default 1)
//	-testdata DIR   where NAME.parquet tables are (default testdata)
//	-o FILE         write to FILE (mode 0644) atomically instead of stdout; finished blocks
//	                are kept in FILE.partial, so a killed run started again resumes. FILE's
//	                folder must exist, except out/ (relative to the working folder), which
//	                is created
//	-workers N      goroutines (default GOMAXPROCS); results do not depend on it
//	-dump SPACE     instead of running, write SPACE's objective as CSV (index, choices,
//	                score of the seed-mean test accuracy, value per training seed or the
//	                mean) for other tools, such as scripts/optuna_tpe.py
//
// -h or -help prints the flags and exits 0. A list flag that names nothing, an unknown
// name, a strategy no selected profile runs, a bad -beta or an -o that is a folder or lies
// in a missing folder is a usage error: exit status 2, before anything runs. Any other
// failure exits 1.
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
	"io/fs"
	"math"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"time"

	"github.com/mfbench/mfbench/bench"
	"github.com/mfbench/mfbench/internal/atomicfile"
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
	fs.SetOutput(io.Discard) // errors are returned; -h prints the usage to stdout
	seeds := fs.Int("seeds", 1000, "runs per strategy and space")
	trials := fs.Int("trials", 50, "trial budget per run")
	spaces := fs.String("spaces", "", "comma-separated table names (default: the shipped tables)")
	profiles := fs.String("profiles", "nni,reference", "comma-separated profiles")
	only := fs.String("strategies", "", "only these strategies (default: each profile's set)")
	testdata := fs.String("testdata", "testdata", "folder of NAME.parquet tables")
	out := fs.String("o", "", "output file (default stdout); its folder must exist, except out/")
	workers := fs.Int("workers", 0, "goroutines (default GOMAXPROCS)")
	dump := fs.String("dump", "", "write this space's objective as CSV and exit")
	beta := fs.Float64("beta", 1, "beta of M_beta, a finite number > 0")
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			fmt.Fprint(stdout, "usage: mfbench [flags]\n\nmfbench runs NAS strategies on "+
				"lookup tables and writes one Go benchmark line per run.\n\nFlags:\n")
			fs.SetOutput(stdout)
			fs.PrintDefaults()
			return nil
		}
		return fmt.Errorf("%w: %v (mfbench -h lists the flags)", errUsage, err)
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("%w: unexpected arguments %q", errUsage, fs.Args())
	}
	if *seeds < 1 || *trials < 1 {
		return fmt.Errorf("%w: -seeds %d and -trials %d must be >= 1", errUsage, *seeds, *trials)
	}
	if !(*beta > 0) || math.IsInf(*beta, 0) {
		return fmt.Errorf("%w: -beta %v, want a finite number > 0", errUsage, *beta)
	}
	set := map[string]bool{}
	fs.Visit(func(f *flag.Flag) { set[f.Name] = true })

	// Resolve spaces, profiles and strategies before running anything: a selection
	// that names nothing, or selects no run, is a usage error.
	names := split(*spaces)
	if set["spaces"] && len(names) == 0 {
		return fmt.Errorf("%w: -spaces %q names no table", errUsage, *spaces)
	}
	if *dump != "" {
		names = []string{*dump}
	}
	if len(names) == 0 {
		names = []string{"nas-bench-macro", "nas-bench-201"}
		if _, err := os.Stat(filepath.Join(*testdata, "resnet.parquet")); err == nil {
			names = append(names, "resnet")
		}
	}
	profs, plan, err := selectRuns(*profiles, *only, set["strategies"])
	if err != nil {
		return err
	}
	if *out != "" {
		if err := checkOut(*out); err != nil {
			return err
		}
	}
	problems := make([]*bench.Problem, len(names))
	for i, n := range names {
		t, err := table.Read(filepath.Join(*testdata, n+".parquet"))
		if err != nil {
			return err
		}
		if problems[i], err = bench.NewProblem(t, bench.ProblemOptions{Beta: *beta}); err != nil {
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
	header := fmt.Sprintf("goos: %s\ngoarch: %s\npkg: github.com/mfbench/mfbench/bench\n"+
		"seeds: %d\nbeta: %g\n", runtime.GOOS, runtime.GOARCH, *seeds, *beta)
	fmt.Fprint(w, header)
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
		done = readPartial(partial, header, *seeds)
	}
	for _, p := range problems {
		fmt.Fprintf(w, "\nobjective: %s\noptimum: %s M=%.4f\n", p.Objective(false),
			p.Optimum.Arch, p.Optimum.M)
		for _, pr := range profs {
			for _, st := range plan[pr.Name] {
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

// selectRuns resolves -profiles and -strategies (explicit: -strategies was given) into
// the profiles and, per profile name, the strategies to run. An empty or unknown profile
// or strategy, or a strategy that none of the profiles runs, is a usage error.
func selectRuns(profiles, only string, explicit bool) ([]strategies.Profile,
	map[string][]string, error) {
	var profs []strategies.Profile
	names := split(profiles)
	if len(names) == 0 {
		return nil, nil, fmt.Errorf("%w: -profiles %q names no profile (want nni, reference "+
			"or both)", errUsage, profiles)
	}
	for _, n := range names {
		p, err := strategies.ProfileByName(n)
		if err != nil {
			return nil, nil, fmt.Errorf("%w: -profiles: %v", errUsage, err)
		}
		if _, ok := profileStrategies[n]; !ok {
			return nil, nil, fmt.Errorf("%w: -profiles: %q has no benchmark set", errUsage, n)
		}
		if slices.ContainsFunc(profs, func(q strategies.Profile) bool { return q.Name == n }) {
			return nil, nil, fmt.Errorf("%w: -profiles: %q given twice", errUsage, n)
		}
		profs = append(profs, p)
	}
	want := split(only)
	if explicit && len(want) == 0 {
		return nil, nil, fmt.Errorf("%w: -strategies %q names no strategy", errUsage, only)
	}
	for _, s := range want {
		if !slices.Contains(strategies.Names, s) {
			return nil, nil, fmt.Errorf("%w: -strategies: unknown %q (want %v)", errUsage, s,
				strategies.Names)
		}
		ok := false
		for _, n := range names {
			ok = ok || slices.Contains(profileStrategies[n], s)
		}
		if !ok {
			return nil, nil, fmt.Errorf("%w: -strategies: %s is run by no profile of -profiles "+
				"%s (nni runs %v, reference %v)", errUsage, s, strings.Join(names, ","),
				profileStrategies["nni"], profileStrategies["reference"])
		}
	}
	run := map[string][]string{}
	for _, n := range names {
		for _, s := range profileStrategies[n] {
			if len(want) == 0 || slices.Contains(want, s) {
				run[n] = append(run[n], s)
			}
		}
	}
	return profs, run, nil
}

// checkOut checks the -o path before anything runs: it must not be a folder, and its
// folder must exist, except the default out/, which is created.
func checkOut(path string) error {
	if fi, err := os.Stat(path); err == nil && fi.IsDir() {
		return fmt.Errorf("%w: -o %s is a directory, want a file", errUsage, path)
	}
	dir := filepath.Dir(path)
	fi, err := os.Stat(dir)
	switch {
	case errors.Is(err, fs.ErrNotExist) && filepath.Clean(dir) == "out":
		if err := os.Mkdir(dir, 0o755); err != nil {
			return fmt.Errorf("-o %s: %w", path, err)
		}
	case errors.Is(err, fs.ErrNotExist):
		return fmt.Errorf("%w: -o %s: folder %s does not exist (only out/ is created)",
			errUsage, path, dir)
	case err != nil:
		return fmt.Errorf("-o %s: %w", path, err)
	case !fi.IsDir():
		return fmt.Errorf("%w: -o %s: %s is not a folder", errUsage, path, dir)
	}
	// A file can be created there (the result is written there atomically at the end).
	f, err := os.CreateTemp(dir, filepath.Base(path)+".tmp*")
	if err != nil {
		return fmt.Errorf("-o %s: %w", path, err)
	}
	f.Close()
	return os.Remove(f.Name())
}

// readPartial returns the result lines of each block of a partial output
// that starts with header (same seeds and beta) and holds all seeds; a
// missing or unreadable file resumes nothing.
func readPartial(path, header string, seeds int) map[string][]string {
	done := map[string][]string{}
	data, err := os.ReadFile(path)
	if err != nil {
		return done
	}
	if !strings.HasPrefix(string(data), header) {
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

// writeAtomic writes data to path through a temporary file beside it (mode 0644).
// path's folder must exist.
func writeAtomic(path, data string) error {
	return atomicfile.WriteFile(path, []byte(data))
}

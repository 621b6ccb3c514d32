// Command report turns mfbench benchmark results into a statistical comparison of NAS
// strategies: a folder with report.md, index.html (the same content, figures inline),
// the figures as SVG files and the numbers as CSV.
//
// Usage:
//
//	report [flags] [BENCH-FILE ...]
//
// It re-runs every strategy of each profile from seeds 0..N-1 on each table (through
// package bench, bit for bit the runs of cmd/mfbench and go test -bench), which gives the
// per-run curves and picks the figures need, and adds every BENCH-FILE (output of
// cmd/mfbench or go test -bench, in the Go benchmark format) as a side-by-side comparison.
//
// # Flags
//
//	-out DIR          output folder (default out/report)
//	-tables LIST      comma-separated table files (default testdata/nas-bench-macro.parquet,
//	                  testdata/nas-bench-201.parquet, and testdata/resnet.parquet first when
//	                  it exists)
//	-profiles LIST    nni,reference (default both); nni runs random, re, tpe and ppo (the
//	                  paper's four), reference runs random, re, tpe, reinforce and local
//	-seeds N          runs per strategy (default 100)
//	-seeds-for LIST   strategy=N overrides of -seeds (default none), such as ppo=20; each
//	                  strategy given must be run by one of -profiles
//	-trials N         trial budget per run (default 50)
//	-beta B           beta of M_beta, a finite number > 0 (default 1)
//	-workers N        goroutines (default GOMAXPROCS); results do not depend on it
//
// The paper's Table 1 is placed in the nni experiment of the resnet table when it is
// among the tables, else in that of NAS-Bench-Macro, and the report says which and why.
//
// # Example
//
//	go run ./cmd/report -out out/report
//	go run ./cmd/report -seeds 1000 -out out/report bench/testdata/matrix.txt
//
// A BENCH-FILE with no benchmark result (no line in the Go benchmark format whose name has
// a strategy= part) is an error naming the file. Lines the format cannot parse, and values
// out of range (mfactor, regret, test-acc outside [0, 1], params <= 0, NaN or infinite) are
// skipped and listed in the report under "Lines skipped while reading".
//
// -h or -help prints the flags and exits 0. Exit status 2 means a usage error (among them
// a list flag that names nothing, an unknown profile or strategy, a -seeds-for strategy
// that no selected profile runs, a bad -beta, an -out that is a file), 1 any other failure.
package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/mfbench/mfbench/reports"
	"github.com/mfbench/mfbench/strategies"
)

func main() {
	if err := run(os.Stdout, os.Stderr, os.Args[1:]); err != nil {
		fmt.Fprintln(os.Stderr, "report:", err)
		if errors.Is(err, errUsage) {
			os.Exit(2)
		}
		os.Exit(1)
	}
}

var errUsage = errors.New("usage")

// config is the parsed command line.
type config struct {
	out      string
	tables   []string
	profiles []string
	seeds    int
	seedsFor map[string]int
	trials   int
	beta     float64
	workers  int
	bench    []string
	command  string
}

// parse parses args. For -h or -help it prints the usage to stdout and returns a nil
// config and error.
func parse(stdout io.Writer, args []string) (*config, error) {
	fs := flag.NewFlagSet("report", flag.ContinueOnError)
	fs.SetOutput(io.Discard) // errors are returned, not printed
	c, err := parseInto(fs, args)
	if errors.Is(err, flag.ErrHelp) {
		fmt.Fprint(stdout, "usage: report [flags] [BENCH-FILE ...]\n\nreport re-runs NAS "+
			"strategies on lookup tables and writes a statistical comparison of them,\nwith "+
			"each BENCH-FILE (cmd/mfbench or go test -bench output) side by side.\n\nFlags:\n")
		fs.SetOutput(stdout)
		fs.PrintDefaults()
		return nil, nil
	}
	return c, err
}

// parseInto defines the flags on fs and parses args.
func parseInto(fs *flag.FlagSet, args []string) (*config, error) {
	c := &config{}
	fs.StringVar(&c.out, "out", "out/report", "output folder")
	tables := fs.String("tables", "", "comma-separated table files (default: the shipped tables)")
	profiles := fs.String("profiles", "nni,reference", "comma-separated settings profiles")
	fs.IntVar(&c.seeds, "seeds", 100, "runs per strategy, seeds 0..N-1")
	seedsFor := fs.String("seeds-for", "", "strategy=N overrides of -seeds, such as ppo=20")
	fs.IntVar(&c.trials, "trials", 50, "trial budget per run")
	fs.Float64Var(&c.beta, "beta", 1, "beta of M_beta")
	fs.IntVar(&c.workers, "workers", 0, "goroutines (default GOMAXPROCS)")
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return nil, err
		}
		return nil, fmt.Errorf("%w: %v (report -h lists the flags)", errUsage, err)
	}
	set := map[string]bool{}
	fs.Visit(func(f *flag.Flag) { set[f.Name] = true })
	if c.seeds < 1 || c.trials < 1 {
		return nil, fmt.Errorf("%w: -seeds %d and -trials %d must be >= 1", errUsage, c.seeds,
			c.trials)
	}
	if !(c.beta > 0) || math.IsInf(c.beta, 0) {
		return nil, fmt.Errorf("%w: -beta %v, want a finite number > 0", errUsage, c.beta)
	}
	if fi, err := os.Stat(c.out); err == nil && !fi.IsDir() {
		return nil, fmt.Errorf("%w: -out %s is a file, want a folder", errUsage, c.out)
	}
	c.profiles = split(*profiles)
	if len(c.profiles) == 0 {
		return nil, fmt.Errorf("%w: -profiles %q names no profile (want nni, reference or both)",
			errUsage, *profiles)
	}
	for i, p := range c.profiles {
		if _, ok := profileStrategies[p]; !ok {
			return nil, fmt.Errorf("%w: -profiles: unknown profile %q (want nni or reference)",
				errUsage, p)
		}
		if slices.Contains(c.profiles[:i], p) {
			return nil, fmt.Errorf("%w: -profiles: %q given twice", errUsage, p)
		}
	}
	c.seedsFor = map[string]int{}
	for _, kv := range split(*seedsFor) {
		k, v, ok := strings.Cut(kv, "=")
		k = strings.TrimSpace(k)
		n, err := strconv.Atoi(strings.TrimSpace(v))
		if !ok || err != nil || n < 1 {
			return nil, fmt.Errorf("%w: -seeds-for: %q, want strategy=N with N >= 1", errUsage, kv)
		}
		if !slices.Contains(strategies.Names, k) {
			return nil, fmt.Errorf("%w: -seeds-for: unknown strategy %q (want one of %v)",
				errUsage, k, strategies.Names)
		}
		if _, dup := c.seedsFor[k]; dup {
			return nil, fmt.Errorf("%w: -seeds-for: %s given twice", errUsage, k)
		}
		run := false
		for _, p := range c.profiles {
			run = run || slices.Contains(profileStrategies[p], k)
		}
		if set["seeds-for"] && !run {
			return nil, fmt.Errorf("%w: -seeds-for: %s is run by no profile of -profiles %s "+
				"(nni runs %v, reference %v)", errUsage, k, strings.Join(c.profiles, ","),
				profileStrategies["nni"], profileStrategies["reference"])
		}
		c.seedsFor[k] = n
	}
	c.tables = split(*tables)
	if set["tables"] && len(c.tables) == 0 {
		return nil, fmt.Errorf("%w: -tables %q names no table", errUsage, *tables)
	}
	if len(c.tables) == 0 {
		c.tables = []string{"testdata/nas-bench-macro.parquet", "testdata/nas-bench-201.parquet"}
		if _, err := os.Stat("testdata/resnet.parquet"); err == nil {
			c.tables = append([]string{"testdata/resnet.parquet"}, c.tables...)
		}
	}
	c.bench = fs.Args()
	c.command = "report " + strings.Join(args, " ")
	if len(args) == 0 {
		c.command = "report"
	}
	return c, nil
}

func run(stdout, stderr io.Writer, args []string) error {
	c, err := parse(stdout, args)
	if err != nil || c == nil {
		return err
	}
	log := slog.New(slog.NewTextHandler(stderr, nil))
	start := time.Now()

	in := reports.Input{Title: "mfbench report: NAS strategies compared on the M-factor",
		Command: c.command}
	for _, path := range c.bench {
		f, err := os.Open(path)
		if err != nil {
			return err
		}
		b, err := reports.ReadBench(f, filepath.Base(path))
		f.Close()
		if err != nil {
			return err
		}
		if len(b.Keys) == 0 {
			return fmt.Errorf("%s: no benchmark results with a strategy= name part (%d lines "+
				"skipped), want cmd/mfbench or go test -bench output", path, len(b.Warnings))
		}
		if len(b.Warnings) > 0 {
			log.Warn("benchmark input: skipped lines or values, listed in the report",
				"file", path, "skipped", len(b.Warnings))
		}
		in.Bench = append(in.Bench, b)
	}

	// Re-run the searches on every complete table.
	for _, path := range c.tables {
		ti, err := tableInfo(path)
		if err != nil {
			return err
		}
		in.Tables = append(in.Tables, ti)
		if ti.Architectures < ti.SpaceSize {
			in.Notes = append(in.Notes, fmt.Sprintf("`%s` holds %d of the %d architectures "+
				"of %s: no search was run on it (a trial could ask for one it lacks).", path,
				ti.Architectures, ti.SpaceSize, ti.Space))
			continue
		}
		for _, prof := range c.profiles {
			e, err := experiment(c, path, prof)
			if err != nil {
				return err
			}
			log.Info("experiment", "name", e.Name, "runs", len(e.Runs),
				"elapsed", time.Since(start).Round(time.Millisecond))
			in.Experiments = append(in.Experiments, e)
		}
	}
	in.Paper = paperPlacement(in.Experiments)

	r, err := reports.New(in)
	if err != nil {
		return err
	}
	if err := r.Write(c.out); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "wrote %s (report.md, index.html, %d figures, %d CSV files) in %v\n",
		c.out, len(r.SVGs()), len(r.CSV()), time.Since(start).Round(time.Millisecond))
	return nil
}

// paperPlacement picks the nni experiment of the paper's space, else NAS-Bench-Macro's.
func paperPlacement(es []*reports.Experiment) reports.PaperPlacement {
	for _, e := range es {
		if e.Space == "resnet" && e.Profile == "nni" {
			return reports.PaperPlacement{Experiment: e.Name, Why: "This is the paper's own " +
				"space, searched with NNI's settings as the paper ran them."}
		}
	}
	for _, e := range es {
		if e.Space == "nas-bench-macro" && e.Profile == "nni" {
			return reports.PaperPlacement{Experiment: e.Name, Why: "**Stand-in:** no complete " +
				"table of the paper's ResNet space (`resnet`) exists yet, so NAS-Bench-Macro, " +
				"the published table closest to it (a CIFAR-10 macro space of 3^8 " +
				"architectures with a comparable range of M), stands in. Its M values are " +
				"not the paper's: its P_min (387,882) and accuracies differ, so these " +
				"percentiles say where the paper's numbers would fall among ours, not " +
				"whether they reproduce."}
		}
	}
	return reports.PaperPlacement{}
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

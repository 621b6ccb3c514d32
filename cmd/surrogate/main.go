// Command surrogate predicts the accuracy of architectures a lookup table lacks,
// completes partial tables, and validates its predictions on the published tables.
//
// Usage:
//
//	surrogate validate [flags]          held-out and benchmark-level validation, Markdown
//	surrogate subset -in T -frac F -out P   keep F % of T's architectures (-frac 2: 2 %)
//	surrogate fill -in P -out FILLED    complete a partial table with predictions
//	surrogate predict -table T ARCH...  predicted accuracy and its standard deviation
//
// # validate
//
// Fits each model on 1, 2, 5, 10 and 50 % of the architectures of NAS-Bench-Macro
// (target: the mean of its three seeds) and of NAS-Bench-201 (seed means), predicts
// the rest, and reports R^2, Kendall tau-b, Spearman rho, sparse Kendall tau
// (accuracies rounded to 0.1 %) and the coverage of the 95 % predictive interval,
// averaged over random splits; beside them the noise ceiling, the same statistics
// between two training seeds of NAS-Bench-Macro. Then it runs the strategies on
// tables filled from 2 % of NAS-Bench-Macro and on the real table, and reports
// whether their ranking by mean best M is preserved. Flags:
//
//	-macro FILE       NAS-Bench-Macro table (default testdata/nas-bench-macro.parquet)
//	-nb201 FILE       NAS-Bench-201 table (default testdata/nas-bench-201.parquet);
//	                  "" skips it
//	-fractions LIST   training shares in percent (default 1,2,5,10,50)
//	-repeats N        random splits per share (default 3)
//	-seed N           seed of the splits and models (default 0)
//	-models LIST      ridge,trees (default both)
//	-bench-frac P     share of the filled tables, in percent (default 2); 0 skips the
//	                  benchmark-level part
//	-draws N          filled tables per model, subset seeds 1..N (default 2)
//	-profile NAME     strategy settings, nni or reference (default reference)
//	-strategies LIST  strategies to run (default random,re,tpe,reinforce,local)
//	-runs N           runs per strategy and table (default 100)
//	-trials N         trials per run (default 50)
//	-o FILE           write the report to FILE atomically instead of stdout
//
// # subset, fill, predict
//
//	surrogate subset -in testdata/nas-bench-macro.parquet -frac 2 -seed 1 -out part.parquet
//	surrogate fill -in part.parquet -out filled.parquet [-model trees] [-seed 0]
//	surrogate predict -table part.parquet [-epoch E] 22100000 11100000
//
// subset keeps every row of a random share of the input's architectures, drawn with
// -seed N (default 0). Its -frac P is a percentage in (0, 100]: -frac 2 keeps 2 % of
// them, not 200 %. The output must not be the input file.
//
// fill writes a table of seed means with every architecture of the space at every
// epoch of the input, and beside it the marks file (filled.marks.parquet: arch,
// index, epoch, predicted, acc_std, seeds) saying which values were predicted and
// how uncertain they are; the table's notes say what share was predicted. Flags of
// fill and predict: -model ridge or trees (default trees), -seed N (default 0), and
// -column valid to model validation accuracy instead of test accuracy. fill and
// predict refuse a table that fill made (its notes name the fill, or a marks file lies
// beside it): its predicted values would pass for measurements. Fill the partial
// table it was made from instead. fill refuses an -out that is its -in, or whose marks
// file would be.
//
// surrogate -h prints a summary of the commands; surrogate COMMAND -h its flags.
// Errors are printed as "surrogate: message" on stderr. Exit status: 0 on success and
// for -h, 2 for a usage error, 1 for any other failure.
package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/mfbench/mfbench/internal/atomicfile"
	"github.com/mfbench/mfbench/strategies"
	"github.com/mfbench/mfbench/surrogate"
	"github.com/mfbench/mfbench/table"
)

func main() {
	err := run(os.Stdout, os.Stderr, os.Args[1:])
	if err == nil {
		return
	}
	fmt.Fprintln(os.Stderr, errorLine(err))
	var ue usageError
	if errors.As(err, &ue) {
		os.Exit(2)
	}
	os.Exit(1)
}

// errorLine is err as the command prints it: "surrogate: message", without repeating
// the prefix that the package's errors carry.
func errorLine(err error) string {
	msg := err.Error()
	if !strings.HasPrefix(msg, "surrogate: ") {
		msg = "surrogate: " + msg
	}
	return msg
}

const usage = `usage:
  surrogate validate [flags]                  validate the models, Markdown report
  surrogate subset -in T -frac P -out PART    keep P % of T's architectures
                                              (a percentage: -frac 2 keeps 2 %)
  surrogate fill -in PART -out FILLED         complete a partial table with predictions
  surrogate predict -table T ARCH...          predicted accuracy and standard deviation
Run surrogate COMMAND -h for a command's flags.
`

// errHelp reports that -h printed the help; run returns nil for it.
var errHelp = errors.New("help printed")

// usageError is a bad command line.
type usageError struct{ msg string }

func (e usageError) Error() string { return e.msg }

func usagef(format string, args ...any) error {
	return usageError{fmt.Sprintf(format, args...)}
}

// run runs the command line args (without the program name). Help asked for with -h
// goes to stdout and returns nil.
func run(stdout, stderr io.Writer, args []string) error {
	err := dispatch(stdout, stderr, args)
	if errors.Is(err, errHelp) {
		return nil
	}
	return err
}

func dispatch(stdout, stderr io.Writer, args []string) error {
	if len(args) == 0 {
		return usagef("missing command: validate, subset, fill or predict " +
			"(surrogate -h for help)")
	}
	switch args[0] {
	case "validate":
		return runValidate(stdout, stderr, args[1:])
	case "subset":
		return runSubset(stdout, stderr, args[1:])
	case "fill":
		return runFill(stdout, stderr, args[1:])
	case "predict":
		return runPredict(stdout, stderr, args[1:])
	case "-h", "-help", "--help", "help":
		_, err := io.WriteString(stdout, usage)
		return err
	}
	return usagef("unknown command %q: want validate, subset, fill or predict "+
		"(surrogate -h for help)", args[0])
}

// newFlags returns the flag set of a command; parse reports its errors and help.
func newFlags(name string) *flag.FlagSet {
	fs := flag.NewFlagSet("surrogate "+name, flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	fs.Usage = func() {}
	return fs
}

// parse parses args into fs. Positional arguments are an error unless positional;
// -h prints the usage and fs's flags to stdout and returns errHelp.
func parse(stdout io.Writer, fs *flag.FlagSet, args []string, positional bool) error {
	cmd := strings.TrimPrefix(fs.Name(), "surrogate ")
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			fmt.Fprintf(stdout, "%sFlags of %s:\n", usage, fs.Name())
			fs.SetOutput(stdout)
			fs.PrintDefaults()
			fs.SetOutput(io.Discard)
			return errHelp
		}
		return usagef("%s: %v (%s -h for help)", cmd, err, fs.Name())
	}
	if !positional && fs.NArg() > 0 {
		return usagef("%s: unexpected arguments %q (flags go before them; %s -h for help)",
			cmd, fs.Args(), fs.Name())
	}
	return nil
}

// samePath reports whether paths a and b name the same file: the same cleaned
// absolute path, or, when both exist, the same file by os.SameFile (links).
func samePath(a, b string) bool {
	aa, err1 := filepath.Abs(a)
	ab, err2 := filepath.Abs(b)
	if err1 == nil && err2 == nil && aa == ab {
		return true
	}
	sa, err1 := os.Stat(a)
	sb, err2 := os.Stat(b)
	return err1 == nil && err2 == nil && os.SameFile(sa, sb)
}

// notFilled refuses the table t read from path when fill made it: its notes name a
// fill, or a marks file lies beside it.
func notFilled(cmd, path string, t *table.Table) error {
	if id, ok := surrogate.FillID(t.Meta()); ok {
		if id != "" {
			id = " (fill " + id + ")"
		}
		return fmt.Errorf("%s: %s is a surrogate-filled table%s: its predicted values "+
			"would pass for measurements; use the partial table it was made from", cmd,
			path, id)
	}
	if mp := surrogate.MarksPath(path); fileExists(mp) {
		return fmt.Errorf("%s: %s has a fill's marks file %s beside it, so it looks like a "+
			"surrogate-filled table: its predicted values would pass for measurements; use "+
			"the partial table it was made from (or remove the marks file if it is stale)",
			cmd, path, mp)
	}
	return nil
}

func fileExists(path string) bool {
	_, err := os.Stat(path)
	return err == nil
}

func parseModels(s string) ([]surrogate.Model, error) {
	var ms []surrogate.Model
	for f := range strings.SplitSeq(s, ",") {
		m := surrogate.Model(strings.TrimSpace(f))
		switch m {
		case surrogate.Ridge, surrogate.Trees:
			ms = append(ms, m)
		default:
			return nil, usagef("-models: unknown model %q (want ridge or trees)", f)
		}
	}
	return ms, nil
}

func parseColumn(s string) (table.Column, error) {
	switch s {
	case "test":
		return table.Test, nil
	case "valid":
		return table.Valid, nil
	}
	return 0, usagef("-column %q: want test or valid", s)
}

func runValidate(stdout, stderr io.Writer, args []string) error {
	fs := newFlags("validate")
	macroPath := fs.String("macro", "testdata/nas-bench-macro.parquet", "NAS-Bench-Macro table")
	nbPath := fs.String("nb201", "testdata/nas-bench-201.parquet", "NAS-Bench-201 table")
	fracs := fs.String("fractions", "1,2,5,10,50", "training shares in percent")
	repeats := fs.Int("repeats", 3, "random splits per share")
	seed := fs.Uint64("seed", 0, "seed of the splits and models")
	modelList := fs.String("models", "ridge,trees", "models")
	benchFrac := fs.Float64("bench-frac", 2, "share of the filled tables in percent; 0 skips")
	draws := fs.Int("draws", 2, "filled tables per model")
	profile := fs.String("profile", "reference", "strategy settings: nni or reference")
	strats := fs.String("strategies", "random,re,tpe,reinforce,local", "strategies")
	runs := fs.Int("runs", 100, "runs per strategy and table")
	trials := fs.Int("trials", 50, "trials per run")
	out := fs.String("o", "", "write the report to this file")
	if err := parse(stdout, fs, args, false); err != nil {
		return err
	}
	log := slog.New(slog.NewTextHandler(stderr, nil))
	var fr []float64
	for f := range strings.SplitSeq(*fracs, ",") {
		v, err := strconv.ParseFloat(strings.TrimSpace(f), 64)
		if err != nil || !(v > 0 && v < 100) {
			return usagef("-fractions: %q is not a percentage in (0, 100)", f)
		}
		fr = append(fr, v/100)
	}
	models, err := parseModels(*modelList)
	if err != nil {
		return err
	}
	if *repeats < 1 || *runs < 2 || *trials < 1 || *draws < 1 {
		return usagef("-repeats, -draws and -trials must be >= 1 and -runs >= 2")
	}
	if !(*benchFrac >= 0 && *benchFrac < 100) {
		return usagef("-bench-frac %v: want a percentage in [0, 100)", *benchFrac)
	}
	prof, err := strategies.ProfileByName(*profile)
	if err != nil {
		return usagef("-profile: %v", err)
	}
	var names []string
	for s := range strings.SplitSeq(*strats, ",") {
		names = append(names, strings.TrimSpace(s))
	}

	// Read the tables first: a bad path fails before any work.
	for _, in := range []string{*macroPath, *nbPath} {
		if *out != "" && in != "" && samePath(*out, in) {
			return usagef("validate: -o %s names the same file as the table %s", *out, in)
		}
	}
	macro, err := table.Read(*macroPath)
	if err != nil {
		return err
	}
	var nb *table.Table
	if *nbPath != "" {
		if nb, err = table.Read(*nbPath); err != nil {
			return err
		}
	}

	var b strings.Builder
	vo := surrogate.ValidateOptions{Fractions: fr, Repeats: *repeats, Seed: *seed,
		Models: models}
	// The command line without -o, so that the report does not depend on where it goes.
	var shown []string
	fs.Visit(func(f *flag.Flag) {
		v := f.Value.String()
		if v == "" || strings.ContainsAny(v, " \t\"'") {
			v = strconv.Quote(v)
		}
		if f.Name != "o" {
			shown = append(shown, "-"+f.Name+" "+v)
		}
	})
	cmdline := "go run ./cmd/surrogate validate " + strings.Join(shown, " ")
	fmt.Fprintf(&b, "## Surrogate validation\n\nGenerated by `%s`. Deterministic: the "+
		"same flags give the same report.\n\n", strings.TrimSpace(cmdline))
	fmt.Fprintf(&b, "### Held-out prediction\n\nEach model is fitted on a random share "+
		"of the architectures and scores the rest; figures are means over %d random "+
		"splits (± their standard deviation). Coverage is the share of held-out "+
		"accuracies inside the model's central 95 %% predictive interval.\n\n", *repeats)
	for _, tb := range []*table.Table{macro, nb} {
		if tb == nil {
			continue
		}
		log.Info("validating", "space", tb.Space().Name())
		vs, err := surrogate.Validate(tb, vo)
		if err != nil {
			return err
		}
		target := "the mean of its seeds"
		if tb.Meta().Aggregate == table.MeanOfSeed {
			target = "the published seed means"
		}
		fmt.Fprintf(&b, "#### %s (%d architectures; target: %s, test accuracy, "+
			"epoch %d)\n\n", tb.Space().Name(), tb.Count(), target, tb.MaxEpoch())
		fmt.Fprintln(&b, "| model | train | archs | R^2 | Kendall tau | Spearman rho | "+
			"sparse tau | coverage |")
		fmt.Fprintln(&b, "|---|---|---|---|---|---|---|---|")
		for _, v := range vs {
			fmt.Fprintf(&b, "| %s | %g %% | %d | %s | %s | %s | %s | %.3f |\n", v.Model,
				100*v.Fraction, v.Train, pm(v.Mean.R2, v.Std.R2), pm(v.Mean.Kendall,
					v.Std.Kendall), pm(v.Mean.Spearman, v.Std.Spearman),
				pm(v.Mean.SparseKendall, v.Std.SparseKendall), v.Mean.Coverage)
		}
		fmt.Fprintln(&b)
	}

	// The noise ceiling: one training seed predicting another.
	ps, err := surrogate.NoiseCeiling(macro, table.Test, 0)
	if err != nil {
		return err
	}
	fmt.Fprintf(&b, "#### Noise ceiling: %s, one training seed against another\n\n",
		macro.Space().Name())
	fmt.Fprintln(&b, "| seeds | archs | R^2 | Kendall tau | Spearman rho | sparse tau |")
	fmt.Fprintln(&b, "|---|---|---|---|---|---|")
	for _, p := range ps {
		fmt.Fprintf(&b, "| %d vs %d | %d | %.3f | %.3f | %.3f | %.3f |\n", p.A, p.B,
			p.Scores.N, p.Scores.R2, p.Scores.Kendall, p.Scores.Spearman,
			p.Scores.SparseKendall)
	}
	fmt.Fprintln(&b, "\nA single seed is a noisier target than the mean of three that the "+
		"models are scored against, so a model can pass this ceiling; it still says how "+
		"much of the ranking a rerun changes.")
	fmt.Fprintln(&b)

	// Benchmark level.
	if *benchFrac > 0 {
		log.Info("benchmark-level validation", "strategies", names, "runs", *runs)
		fmt.Fprintf(&b, "### Benchmark level\n\n")
		ds := make([]uint64, *draws)
		for i := range ds {
			ds[i] = uint64(i + 1)
		}
		c := benchCheck{Fraction: *benchFrac / 100, Strategies: names, Profile: prof,
			Trials: *trials, Runs: *runs}
		if err := benchValidation(&b, macro, c, ds, models); err != nil {
			return fmt.Errorf("benchmark-level validation: %w", err)
		}
	}
	return emit(stdout, *out, b.String())
}

// pm formats a mean and its standard deviation.
func pm(m, sd float64) string { return fmt.Sprintf("%.3f ± %.3f", m, sd) }

// emit writes s to path atomically, or to stdout when path is empty.
func emit(stdout io.Writer, path, s string) (err error) {
	if path == "" {
		_, err := io.WriteString(stdout, s)
		return err
	}
	return atomicfile.WriteFile(path, []byte(s))
}

func runSubset(stdout, stderr io.Writer, args []string) error {
	fs := newFlags("subset")
	in := fs.String("in", "", "complete table to draw from")
	frac := fs.Float64("frac", 0, "percentage of the architectures to keep, in (0, 100]:\n"+
		"2 keeps 2 % of them")
	seed := fs.Uint64("seed", 0, "seed of the draw")
	out := fs.String("out", "", "partial table to write (not the -in file)")
	if err := parse(stdout, fs, args, false); err != nil {
		return err
	}
	if *in == "" || *out == "" {
		return usagef("subset: -in and -out are required")
	}
	if !(*frac > 0 && *frac <= 100) {
		return usagef("subset: -frac %v: want a percentage in (0, 100] (2 means 2 %%)", *frac)
	}
	if samePath(*in, *out) {
		return usagef("subset: -out %s names the same file as -in %s; write the subset "+
			"to another file", *out, *in)
	}
	t, err := table.Read(*in)
	if err != nil {
		return err
	}
	p, err := surrogate.Subset(t, *frac/100, *seed)
	if err != nil {
		return err
	}
	if err := table.Write(*out, p.Meta(), p.Rows()); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "%s: %d of %d architectures of %s\n", *out, p.Count(), t.Count(),
		*in)
	return nil
}

// fitFlags are the flags fill and predict share.
type fitFlags struct {
	model  *string
	seed   *uint64
	column *string
}

func addFitFlags(fs *flag.FlagSet) fitFlags {
	return fitFlags{
		model:  fs.String("model", "trees", "model: ridge or trees"),
		seed:   fs.Uint64("seed", 0, "seed of the model"),
		column: fs.String("column", "test", "accuracy to model: test or valid"),
	}
}

func (f fitFlags) options() (surrogate.Options, error) {
	ms, err := parseModels(*f.model)
	if err != nil {
		return surrogate.Options{}, err
	}
	if len(ms) != 1 {
		return surrogate.Options{}, usagef("-model: want one model")
	}
	c, err := parseColumn(*f.column)
	if err != nil {
		return surrogate.Options{}, err
	}
	return surrogate.Options{Model: ms[0], Seed: *f.seed, Column: c}, nil
}

func runFill(stdout, stderr io.Writer, args []string) error {
	fs := newFlags("fill")
	in := fs.String("in", "", "partial table (not a filled one)")
	out := fs.String("out", "", "filled table to write (marks beside it; not the -in file)")
	ff := addFitFlags(fs)
	if err := parse(stdout, fs, args, false); err != nil {
		return err
	}
	if *in == "" || *out == "" {
		return usagef("fill: -in and -out are required")
	}
	if samePath(*in, *out) {
		return usagef("fill: -out %s names the same file as -in %s; write the filled "+
			"table to another file", *out, *in)
	}
	if mp := surrogate.MarksPath(*out); samePath(*in, mp) {
		return usagef("fill: the marks file %s of -out %s would overwrite -in %s", mp,
			*out, *in)
	}
	o, err := ff.options()
	if err != nil {
		return err
	}
	t, err := table.Read(*in)
	if err != nil {
		return err
	}
	if err := notFilled("fill", *in, t); err != nil {
		return err
	}
	s, err := surrogate.Fit(t, o)
	if err != nil {
		return err
	}
	f, err := surrogate.Fill(t, s, o.Column)
	if err != nil {
		return err
	}
	if err := f.Write(*out); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "%s: %d values, %d predicted (%.1f %%) by %s; marks in %s\n", *out,
		len(f.Rows), f.Predicted, 100*float64(f.Predicted)/float64(len(f.Rows)), o.Model,
		surrogate.MarksPath(*out))
	return nil
}

func runPredict(stdout, stderr io.Writer, args []string) error {
	fs := newFlags("predict")
	in := fs.String("table", "", "table to fit on")
	epoch := fs.Int64("epoch", 0, "epoch (default: the table's last)")
	ff := addFitFlags(fs)
	if err := parse(stdout, fs, args, true); err != nil {
		return err
	}
	if *in == "" || fs.NArg() == 0 {
		return usagef("predict: -table and at least one architecture are required")
	}
	o, err := ff.options()
	if err != nil {
		return err
	}
	t, err := table.Read(*in)
	if err != nil {
		return err
	}
	if err := notFilled("predict", *in, t); err != nil {
		return err
	}
	if *epoch == 0 {
		*epoch = t.MaxEpoch()
	}
	s, err := surrogate.Fit(t, o)
	if err != nil {
		return err
	}
	sp := t.Space()
	for _, arg := range fs.Args() {
		a, err := sp.Parse(arg)
		if err != nil {
			return err
		}
		p, err := s.Predict(a, *epoch)
		if err != nil {
			return err
		}
		idx, _ := sp.Index(a)
		note := "predicted"
		if e, err := t.Lookup(idx, table.MeanSeed, *epoch); err == nil {
			note = fmt.Sprintf("predicted; measured %.4f", e.Accuracy(o.Column))
		}
		fmt.Fprintf(stdout, "%s\t%.4f ± %.4f\t%s\n", sp.String(a), p.Mean, p.Std, note)
	}
	return nil
}

package reports

import (
	"bytes"
	"encoding/csv"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"

	"github.com/mfbench/mfbench/internal/atomicfile"
	"github.com/mfbench/mfbench/metric"
)

// Input is everything a report is built from. Every field may be empty; the report says
// what it lacks.
type Input struct {
	// Title heads the report; "" means "mfbench report".
	Title string

	// Command is the command line that produced the report, quoted in it.
	Command string

	// Notes are what a reader must know about the whole report, listed at its top.
	Notes []string

	// Experiments are the re-run searches, one section each.
	Experiments []*Experiment

	// Tables describe the tables the experiments ran on, with their optimum per beta.
	Tables []TableInfo

	// Bench are `go test -bench` outputs (ReadBench), compared side by side.
	Bench []*BenchInput

	// Paper says where the paper's Table 1 is placed.
	Paper PaperPlacement
}

// TableInfo describes one lookup table for the report.
type TableInfo struct {
	Path          string
	Space         string
	Architectures int    // architectures the table has
	SpaceSize     int    // architectures of the space
	Aggregate     string // per-seed or mean-of-seeds
	Source        string // where the numbers come from
	Optima        []BetaOptimum
}

// BetaOptimum is the table's best architecture under M_beta for one beta.
type BetaOptimum struct {
	Beta float64
	Point
}

// PaperPlacement chooses the experiment in whose distribution the paper's single-run
// numbers are placed (it should run the NNI-faithful profile on the paper's table), and
// says why that table was used.
type PaperPlacement struct {
	Experiment string // Experiment.Name; "" leaves the placement out
	Why        string // one or two sentences for the report
}

// PaperStrategies maps the strategy names of the paper's Table 1 to ours.
var PaperStrategies = map[string]string{
	"policy RL":             "ppo",
	"regularized evolution": "re",
	"random":                "random",
	"TPE":                   "tpe",
}

// Placement is one paper row placed in our distribution of final best M.
type Placement struct {
	metric.AuditRow
	Strategy   string  // our strategy name
	Runs       int     // our runs (0: the strategy is missing from the experiment)
	From       string  // where the runs come from: the experiment, or a benchmark input
	Median     float64 // our median final best M
	Q1, Q3     float64
	PctPrinted float64 // percentile of the printed M in our runs
	PctM       float64 // percentile of the M recomputed from the row's own A and P
}

// Report is a built report: its content and the numbers behind it.
type Report struct {
	Title      string
	doc        document
	csv        map[string][][]string
	svgs       map[string]string
	Placements []Placement
}

// New builds the report of in. It fails only on an experiment that does not validate.
func New(in Input) (*Report, error) {
	r := &Report{Title: in.Title, csv: map[string][][]string{}, svgs: map[string]string{}}
	if r.Title == "" {
		r.Title = "mfbench report"
	}
	for _, e := range in.Experiments {
		if err := e.Validate(); err != nil {
			return nil, fmt.Errorf("reports: %w", err)
		}
	}
	d := &r.doc
	d.heading(1, "%s", r.Title)
	if in.Command != "" {
		d.para("Made by `%s`. Every number below is also in the CSV files beside this "+
			"page; every interval is at %g %%.", in.Command, 100*Confidence)
	}
	d.list(in.Notes)
	r.overview(in)
	for _, e := range in.Experiments {
		var marks map[string]float64
		if e.Name == in.Paper.Experiment {
			marks = map[string]float64{}
			for _, a := range metric.AuditTable1() {
				marks[PaperStrategies[a.Strategy]] = a.M
			}
		}
		r.experiment(e, marks)
	}
	r.tables(in.Tables)
	r.bench(in.Bench)
	r.audit(in)
	r.methods()
	return r, nil
}

// overview lists, per strategy, the median final best M in every experiment, and marks a
// strategy missing from an experiment as missing.
func (r *Report) overview(in Input) {
	if len(in.Experiments) == 0 {
		return
	}
	var names []string
	for _, e := range in.Experiments {
		for _, s := range e.Strategies() {
			if !slices.Contains(names, s) {
				names = append(names, s)
			}
		}
	}
	d := &r.doc
	d.heading(2, "Overview")
	d.para("Median M of the architecture each run returned (its seed-mean test accuracy "+
		"against its size), over runs, with the %g %% interval of the median. **missing**: the "+
		"strategy was not run in that experiment (nothing is averaged in its place).",
		100*Confidence)
	header := []string{"strategy"}
	for _, e := range in.Experiments {
		header = append(header, e.Name)
	}
	var rows [][]string
	var missing []string
	for _, s := range names {
		row := []string{s}
		for _, e := range in.Experiments {
			vals := e.bestOf(s)
			if len(vals) == 0 {
				row = append(row, "missing")
				missing = append(missing, fmt.Sprintf("%s: missing from %s", s, e.Name))
				continue
			}
			row = append(row, fmtMedian(Summarize(vals), 4))
		}
		rows = append(rows, row)
	}
	d.table(header, rows)
	d.list(missing)
}

// tables lists the tables and how beta moves their optimum.
func (r *Report) tables(ts []TableInfo) {
	if len(ts) == 0 {
		return
	}
	d := &r.doc
	d.heading(2, "Tables")
	for _, t := range ts {
		d.heading(3, "%s", t.Space)
		d.list([]string{fmt.Sprintf("file `%s`: %d of the space's %d architectures, %s",
			t.Path, t.Architectures, t.SpaceSize, t.Aggregate), "source: " + t.Source})
		if len(t.Optima) == 0 {
			continue
		}
		d.para("The optimum under M_beta (seed-mean test accuracy): beta > 1 weights size, " +
			"beta < 1 accuracy.")
		var rows [][]string
		for _, o := range t.Optima {
			rows = append(rows, []string{g(o.Beta), "`" + o.Arch + "`",
				fmt.Sprintf("%.4f", o.Accuracy), strconv.FormatInt(o.Params, 10),
				fmt.Sprintf("%.4f", o.M)})
			r.addCSV("optima.csv", []string{t.Space, g(o.Beta), o.Arch, g(o.Accuracy),
				strconv.FormatInt(o.Params, 10), g(o.M)})
		}
		d.table([]string{"beta", "architecture", "accuracy", "params", "M_beta"}, rows)
	}
}

// experiment writes the section of e; marks, when not nil, are the paper's M per strategy,
// drawn on the distribution figure.
func (r *Report) experiment(e *Experiment, marks map[string]float64) {
	d := &r.doc
	stats := e.Stats()
	d.heading(2, "%s", e.Title)
	opt := e.Optimum
	facts := []string{
		fmt.Sprintf("table: `%s` (space `%s`, P_min = %d)", e.Table, e.Space, e.PMin),
		fmt.Sprintf("settings profile: `%s`; budget: %d trials per run; runs: %d", e.Profile,
			e.Budget, len(e.Runs)),
		fmt.Sprintf("objective the strategies were told: %s", e.Objective),
		fmt.Sprintf("the table's optimum under M_beta (beta = %g, seed-mean test accuracy): `%s`, "+
			"accuracy %.4f, %d params, M = %.4f", e.Beta, opt.Arch, opt.Accuracy, opt.Params,
			opt.M),
	}
	d.list(append(facts, e.Notes...))

	// Summary table.
	d.heading(3, "Final best M")
	header := []string{"strategy", "runs", "mean M [95 % CI]", "median M [95 % CI]",
		"P(optimum) [95 % CI]", "within 1 %", "trials to within 1 % (median)", "mean regret",
		"pick accuracy (median)", "pick params (median)", "distinct picks", "notes"}
	var rows [][]string
	for _, st := range stats {
		rows = append(rows, []string{st.Strategy, strconv.Itoa(st.Runs), fmtMean(st.Best, 4),
			fmtMedian(st.Best, 4), fmtProp(st.Reach), fmtPct(st.Near.P),
			fmtTrials(st.TrialsToNear, st.Near), fmt.Sprintf("%.4f", st.Regret.Mean),
			fmt.Sprintf("%.4f", st.Accuracy.Median), fmt.Sprintf("%.0f", st.Params.Median),
			strconv.Itoa(distinctPicks(e, st.Strategy)), strings.Join(st.Best.Notes, "; ")})
		r.addCSV("summary.csv", summaryCSV(e, st))
	}
	d.table(header, rows)

	// Figures.
	d.heading(3, "Figures")
	curves := e.Curves()
	for _, c := range curves {
		for i := range c.Median {
			r.addCSV("curves.csv", []string{e.Name, c.Strategy, strconv.Itoa(i + 1), g(c.Q1[i]),
				g(c.Median[i]), g(c.Q3[i]), strconv.Itoa(c.Runs[i])})
		}
	}
	r.fig(e.Name+"-anytime.svg", "Anytime curves: median (line) and inter-quartile band of the "+
		"M of each run's pick so far, against trials; dashed: the table's optimum. The pick is "+
		"the best observed trial, scored on seed-mean test accuracy, so with noisy "+
		"observations a run's curve can dip.",
		anytimeFigure(e, curves))
	paperNote := ""
	if marks != nil {
		paperNote = " Black diamonds: the paper's Table 1 M for the same strategy (recomputed " +
			"from its A and P; a single run each, on its own table)."
	}
	r.fig(e.Name+"-final.svg", "Distribution of the final best M per strategy: box from the "+
		"first to the third quartile, thick line at the median, whiskers at the 5th and 95th "+
		"percentiles, one dot per run (at most 300 shown)."+paperNote, distributionFigure(e, stats,
		marks))
	if len(e.Plane) > 0 {
		r.fig(e.Name+"-plane.svg", "The table on the accuracy/params plane (grey: density of "+
			"its architectures), its Pareto front (black staircase), the curve of equal M through "+
			"the optimum (dotted; the ringed dot), and each strategy's picks (dot area: number of "+
			"runs that returned that architecture).", planeFigure(e, stats))
	}
	r.fig(e.Name+"-top20.svg", "The best fifth (by M) of each run's trials, pooled over "+
		"runs: their test accuracy (left) and params (right).", top20Figure(e, stats))

	// Pairwise tests.
	cs := e.Comparisons()
	if len(cs) > 0 {
		d.heading(3, "Pairwise rank tests")
		adj := fmt.Sprintf("p adjusted for the %d comparisons by Holm's method", len(cs))
		if len(cs) == 1 {
			adj = "one comparison, so p (Holm) = p"
		}
		d.para("Two-sided Mann-Whitney U test on the final best M (benchstat's test), %s; "+
			"A12 is the probability that a run of A returns a better M than a run of B (ties "+
			"count half).", adj)
		rows = nil
		for _, c := range cs {
			rows = append(rows, []string{c.A, c.B, fmt.Sprintf("%d + %d", c.NA, c.NB),
				fmtP(c.P), fmtP(c.PHolm), fmt.Sprintf("%.3f", c.A12), EffectSize(c.A12),
				strings.Join(c.Notes, "; ")})
			r.addCSV("comparisons.csv", []string{e.Name, c.A, c.B, strconv.Itoa(c.NA),
				strconv.Itoa(c.NB), g(c.P), g(c.PHolm), g(c.A12), EffectSize(c.A12)})
		}
		d.table([]string{"A", "B", "n", "p", "p (Holm)", "A12", "effect", "notes"}, rows)
	}

	// Top fifth table.
	d.heading(3, "The best fifth of each strategy's trials")
	rows = nil
	for _, st := range stats {
		rows = append(rows, []string{st.Strategy, strconv.Itoa(st.Top20Accuracy.N),
			fmtMedianIQR(st.Top20, func(p Point) float64 { return p.Accuracy }, "%.4f"),
			fmtMedianIQR(st.Top20, func(p Point) float64 { return float64(p.Params) }, "%.0f")})
	}
	d.table([]string{"strategy", "trials pooled", "accuracy: median [IQR]",
		"params: median [IQR]"}, rows)
}

func (r *Report) fig(file, caption, svg string) {
	if svg == "" {
		return
	}
	r.svgs[file] = svg
	r.doc.figure(file, caption, svg)
}

// bench compares `go test -bench` inputs configuration by configuration.
func (r *Report) bench(inputs []*BenchInput) {
	if len(inputs) == 0 {
		return
	}
	d := &r.doc
	d.heading(2, "Benchmark results (`go test -bench`)")
	var names []string
	for _, in := range inputs {
		names = append(names, "`"+in.Name+"`")
	}
	d.para("Inputs: %s. A sample has one value per result line: one seed per line in the "+
		"output of cmd/mfbench, a mean over b.N seeds per line (one per -count) in that of "+
		"go test -bench. With one line there is no interval. A configuration absent from an "+
		"input is **missing** there, not averaged in. The last column compares the last "+
		"input with the first (Mann-Whitney U; A12 of the last over the first).",
		strings.Join(names, ", "))

	// Groups and strategies in first-seen order over all inputs.
	var groups []BenchKey
	strats := map[BenchKey][]string{}
	for _, in := range inputs {
		for _, k := range in.Keys {
			gk := k.Group()
			if !slices.Contains(groups, gk) {
				groups = append(groups, gk)
			}
			if !slices.Contains(strats[gk], k.Strategy) {
				strats[gk] = append(strats[gk], k.Strategy)
			}
		}
	}
	units := []string{"mfactor", "regret", "test-acc", "params"}
	for _, gk := range groups {
		d.heading(3, "%s", gk)
		header := []string{"strategy", "metric"}
		for _, in := range inputs {
			header = append(header, in.Name)
		}
		if len(inputs) > 1 {
			header = append(header, "vs "+inputs[0].Name)
		}
		var rows [][]string
		var missing []string
		for _, s := range strats[gk] {
			k := gk
			k.Strategy = s
			for _, in := range inputs {
				if in.Samples[k] == nil {
					missing = append(missing, fmt.Sprintf("%s: missing from %s", s, in.Name))
				}
			}
			for _, u := range units {
				row := []string{s, u}
				have := false
				for _, in := range inputs {
					vals, ok := in.Samples[k][u]
					if !ok {
						row = append(row, "missing")
						continue
					}
					have = true
					sm := Summarize(vals)
					row = append(row, fmtBench(sm, u))
					r.addCSV("bench.csv", []string{in.Name, k.Space, k.Profile, k.Strategy,
						strconv.Itoa(k.Trials), k.Other, u, strconv.Itoa(sm.N), g(sm.Mean),
						g(sm.Median), ci(sm.HasMeanCI, sm.MeanLo), ci(sm.HasMeanCI, sm.MeanHi)})
				}
				if !have {
					continue
				}
				if len(inputs) > 1 {
					row = append(row, benchDelta(inputs, k, u))
				}
				rows = append(rows, row)
			}
		}
		d.table(header, rows)
		d.list(missing)
	}
	var warns []string
	for _, in := range inputs {
		warns = append(warns, in.Warnings...)
	}
	if len(warns) > 0 {
		d.para("Lines skipped while reading:")
		d.list(warns)
	}
}

// benchDelta compares the last input with the first on unit u.
func benchDelta(inputs []*BenchInput, k BenchKey, u string) string {
	a, b := inputs[0].Samples[k][u], inputs[len(inputs)-1].Samples[k][u]
	c, err := Compare(inputs[len(inputs)-1].Name, b, inputs[0].Name, a)
	if err != nil {
		return "missing"
	}
	s := fmt.Sprintf("p = %s, A12 = %.2f", fmtP(c.P), c.A12)
	if len(c.Notes) > 0 {
		s += " (" + strings.Join(c.Notes, "; ") + ")"
	}
	return s
}

// audit writes the paper's Table 1 recomputed, and each row placed in our distribution.
func (r *Report) audit(in Input) {
	d := &r.doc
	d.heading(2, "The paper's Table 1, audited and placed")
	rows := metric.AuditTable1()
	d.para("Table 1 of the M-factor paper, recomputed from its own accuracy A and params P "+
		"with P_min = %d (the all-3x3 ResNet of its space):", metric.PaperPMin)
	var tr [][]string
	for _, a := range rows {
		tr = append(tr, []string{a.Strategy, fmt.Sprintf("%.2f", a.PrintedM),
			fmt.Sprintf("%.4f", a.Accuracy), strconv.FormatInt(a.Params, 10),
			fmt.Sprintf("%.4f", a.S), fmt.Sprintf("%.4f", a.M), yesNo(a.Agrees)})
	}
	d.table([]string{"strategy", "printed M", "A", "P", "S = P_min/P", "M from A and P",
		"agrees"}, tr)
	var arith []string
	for _, a := range rows {
		if a.Agrees {
			continue
		}
		s := fmt.Sprintf("%s: 2 x %.4f x %.4f / (%.4f + %.4f) = %.4f, printed %.2f", a.Strategy,
			a.Accuracy, a.S, a.Accuracy, a.S, a.M, a.PrintedM)
		if a.MatchesM != "" {
			s += "; the printed value is the M of the " + a.MatchesM + " row"
		}
		arith = append(arith, s+".")
	}
	d.list(arith)

	// Placement.
	var e *Experiment
	for _, x := range in.Experiments {
		if x.Name == in.Paper.Experiment {
			e = x
		}
	}
	if e == nil {
		d.para("The paper's numbers are not placed: no experiment was chosen for it.")
		return
	}
	d.para("Each of these numbers comes from a single run. Below, each is placed in our "+
		"distribution over seeds of the same strategy's final best M, experiment `%s` "+
		"(profile `%s`, %d trials), or a benchmark input with more single-run lines of the "+
		"same space, profile, strategy and budget. %s", e.Name, e.Profile, e.Budget,
		in.Paper.Why)
	tr = nil
	for _, a := range rows {
		p := Placement{AuditRow: a, Strategy: PaperStrategies[a.Strategy], From: e.Name}
		vals := e.bestOf(p.Strategy)

		// A benchmark input with more single-run lines of the same setting serves better.
		k := BenchKey{Space: e.Space, Profile: e.Profile, Strategy: p.Strategy, Trials: e.Budget}
		for _, b := range in.Bench {
			if v := b.Samples[k]["mfactor"]; b.PerRun[k] && len(v) > len(vals) {
				vals, p.From = v, b.Name
			}
		}
		p.Runs = len(vals)
		if p.Runs == 0 {
			tr = append(tr, []string{a.Strategy, p.Strategy, fmt.Sprintf("%.2f", a.PrintedM),
				fmt.Sprintf("%.4f", a.M), "missing", "", "", ""})
			r.Placements = append(r.Placements, p)
			continue
		}
		sorted := slices.Clone(vals)
		slices.Sort(sorted)
		p.Median, p.Q1, p.Q3 = Quantile(sorted, 0.5), Quantile(sorted, 0.25), Quantile(sorted, 0.75)
		p.PctPrinted, p.PctM = Percentile(vals, a.PrintedM), Percentile(vals, a.M)
		r.Placements = append(r.Placements, p)
		tr = append(tr, []string{a.Strategy, p.Strategy, fmt.Sprintf("%.2f", a.PrintedM),
			fmt.Sprintf("%.4f", a.M), fmt.Sprintf("%d (`%s`)", p.Runs, p.From),
			fmt.Sprintf("%.4f [%.4f, %.4f]", p.Median, p.Q1, p.Q3), fmtPctile(p.PctPrinted),
			fmtPctile(p.PctM)})
		r.addCSV("paper.csv", []string{a.Strategy, p.Strategy, g(a.PrintedM), g(a.M), p.From,
			strconv.Itoa(p.Runs), g(p.Median), g(p.PctPrinted), g(p.PctM)})
	}
	d.table([]string{"paper", "ours", "printed M", "M from A and P", "our runs",
		"our median [IQR]", "percentile of printed M", "percentile of recomputed M"}, tr)
}

// methods states how every number was computed.
func (r *Report) methods() {
	d := &r.doc
	d.heading(2, "Methods")
	d.list([]string{
		"Final best M: the M_beta of the architecture a run returns (its best observed " +
			"trial), scored on the table's seed-mean test accuracy and P_min / P.",
		"Mean: Student-t interval; median: distribution-free interval between two order " +
			"statistics (golang.org/x/perf/benchmath), which needs at least 6 runs at 95 %. " +
			"A single run has no interval, and the report says so instead of printing one.",
		"Rank test: two-sided Mann-Whitney U (benchmath), exact for small samples; when " +
			"every value of both samples is equal, p = 1. Holm's step-down adjustment over " +
			"all pairs of an experiment. Effect size: Vargha-Delaney A12, named negligible, " +
			"small, medium or large at |A12 - 0.5| of 0.06, 0.14 and 0.21.",
		"P(optimum): share of runs whose pick has the optimum's M, with a Wilson interval. " +
			"Within 1 %: share of runs whose pick reached 99 % of the optimum's M within the " +
			"budget; trials to within 1 % is the median over those runs only.",
		"Anytime curves: per trial, quartiles over runs of the M of the run's pick so far: " +
			"the trial with the best observed value (the first on ties), scored like the " +
			"final pick. A run that exhausted the space keeps its last pick.",
		"Best fifth: the ceil(n/5) trials of highest M of each run, pooled over runs.",
		"Percentile of a paper number: mid-rank, 100 (#{ours < x} + #{ours = x}/2) / n.",
	})
}

// Markdown returns report.md; its figures are the files SVGs returns.
func (r *Report) Markdown() string { return r.doc.markdown() }

// HTML returns index.html: the same content with the figures inline.
func (r *Report) HTML() string { return r.doc.html(r.Title) }

// SVGs returns the figures by file name. The caller must not modify the map.
func (r *Report) SVGs() map[string]string { return r.svgs }

// csvHeaders fixes the columns of each CSV file.
var csvHeaders = map[string][]string{
	"summary.csv": {"experiment", "strategy", "runs", "mean", "mean_lo", "mean_hi", "median",
		"median_lo", "median_hi", "p_optimum", "p_optimum_lo", "p_optimum_hi", "p_within_1pct",
		"trials_to_within_1pct_median", "regret_mean", "pick_acc_median", "pick_params_median",
		"top20_acc_median", "top20_params_median"},
	"comparisons.csv": {"experiment", "a", "b", "n_a", "n_b", "p", "p_holm", "a12", "effect"},
	"curves.csv":      {"experiment", "strategy", "trial", "q1", "median", "q3", "runs"},
	"paper.csv": {"paper_strategy", "strategy", "printed_m", "recomputed_m", "source",
		"runs", "our_median", "pct_printed", "pct_recomputed"},
	"optima.csv": {"space", "beta", "arch", "accuracy", "params", "m_beta"},
	"bench.csv": {"input", "space", "profile", "strategy", "trials", "other", "unit", "n", "mean",
		"median", "mean_lo", "mean_hi"},
}

func (r *Report) addCSV(file string, row []string) { r.csv[file] = append(r.csv[file], row) }

// CSV returns the numbers of the report as CSV files by name (header row first).
func (r *Report) CSV() map[string][]byte {
	out := map[string][]byte{}
	for name, rows := range r.csv {
		var b bytes.Buffer
		w := csv.NewWriter(&b)
		w.Write(csvHeaders[name])
		w.WriteAll(rows) // flushes; a bytes.Buffer does not fail
		out[name] = b.Bytes()
	}
	return out
}

// Files returns every file of the report folder by name: report.md, index.html, the
// figures and the CSV files.
func (r *Report) Files() map[string][]byte {
	files := map[string][]byte{
		"report.md":  []byte(r.Markdown()),
		"index.html": []byte(r.HTML()),
	}
	for name, s := range r.svgs {
		files[name] = []byte(s)
	}
	for name, b := range r.CSV() {
		files[name] = b
	}
	return files
}

// Write writes the report's files into dir, creating it. Each file is written to a
// temporary file in dir and renamed over its name, so a reader sees the old file or the
// new one, never part of one.
func (r *Report) Write(dir string) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return fmt.Errorf("reports: %w", err)
	}
	files := r.Files()
	names := make([]string, 0, len(files))
	for n := range files {
		names = append(names, n)
	}
	slices.Sort(names)
	for _, n := range names {
		if err := writeAtomic(filepath.Join(dir, n), files[n]); err != nil {
			return err
		}
	}
	return nil
}

func writeAtomic(path string, data []byte) error {
	if err := atomicfile.WriteFile(path, data); err != nil {
		return fmt.Errorf("reports: writing %s: %w", path, err)
	}
	return nil
}

// Formatting helpers: every number of the report goes through one of these.

func g(v float64) string { return strconv.FormatFloat(v, 'g', 6, 64) }

func ci(ok bool, v float64) string {
	if !ok {
		return ""
	}
	return g(v)
}

func fmtMean(s Summary, prec int) string {
	if s.N == 0 {
		return "missing"
	}
	if !s.HasMeanCI {
		return fmt.Sprintf("%.*f (no interval)", prec, s.Mean)
	}
	return fmt.Sprintf("%.*f [%.*f, %.*f]", prec, s.Mean, prec, s.MeanLo, prec, s.MeanHi)
}

func fmtMedian(s Summary, prec int) string {
	if s.N == 0 {
		return "missing"
	}
	if !s.HasMedianCI {
		return fmt.Sprintf("%.*f (no interval, n = %d)", prec, s.Median, s.N)
	}
	return fmt.Sprintf("%.*f [%.*f, %.*f]", prec, s.Median, prec, s.MedianLo, prec, s.MedianHi)
}

func fmtMedianIQR(ps []Point, v func(Point) float64, format string) string {
	if len(ps) == 0 {
		return "none"
	}
	xs := make([]float64, len(ps))
	for i, p := range ps {
		xs[i] = v(p)
	}
	slices.Sort(xs)
	return fmt.Sprintf(format+" ["+format+", "+format+"]", Quantile(xs, 0.5), Quantile(xs, 0.25),
		Quantile(xs, 0.75))
}

func fmtProp(p Proportion) string {
	if p.N == 0 {
		return "missing"
	}
	return fmt.Sprintf("%d/%d = %.2f [%.2f, %.2f]", p.K, p.N, p.P, p.Lo, p.Hi)
}

func fmtPct(v float64) string { return fmt.Sprintf("%.0f %%", 100*v) }

func fmtPctile(v float64) string {
	if math.IsNaN(v) {
		return "missing"
	}
	return fmt.Sprintf("%.1f", v)
}

func fmtTrials(s Summary, near Proportion) string {
	if s.N == 0 {
		return "never"
	}
	str := fmt.Sprintf("%.0f", s.Median)
	if near.K < near.N {
		str += fmt.Sprintf(" (over the %d of %d runs that got there)", near.K, near.N)
	}
	return str
}

func fmtP(p float64) string {
	if p < 0.0001 {
		return "< 0.0001"
	}
	return strconv.FormatFloat(p, 'g', 3, 64)
}

func fmtBench(s Summary, unit string) string {
	prec := 4
	if unit == "params" {
		prec = 0
	}
	if s.N == 1 {
		return fmt.Sprintf("%.*f (n = 1, no interval)", prec, s.Mean)
	}
	return fmtMean(s, prec) + fmt.Sprintf(" (n = %d)", s.N)
}

func yesNo(b bool) string {
	if b {
		return "yes"
	}
	return "no"
}

func summaryCSV(e *Experiment, st StrategyStats) []string {
	b := st.Best
	return []string{e.Name, st.Strategy, strconv.Itoa(st.Runs), g(b.Mean), ci(b.HasMeanCI,
		b.MeanLo), ci(b.HasMeanCI, b.MeanHi), g(b.Median), ci(b.HasMedianCI, b.MedianLo),
		ci(b.HasMedianCI, b.MedianHi), g(st.Reach.P), g(st.Reach.Lo), g(st.Reach.Hi),
		g(st.Near.P), ci(st.TrialsToNear.N > 0, st.TrialsToNear.Median), g(st.Regret.Mean),
		g(st.Accuracy.Median), g(st.Params.Median), g(st.Top20Accuracy.Median),
		g(st.Top20Params.Median)}
}

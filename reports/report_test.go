package reports

import (
	"bytes"
	"encoding/json"
	"encoding/xml"
	"flag"
	"io"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/golden")

// fixture loads the hand-made experiments and benchmark outputs of testdata.
func fixture(t *testing.T) Input {
	t.Helper()
	data, err := os.ReadFile("testdata/experiments.json")
	if err != nil {
		t.Fatal(err)
	}
	var es []*Experiment
	if err := json.Unmarshal(data, &es); err != nil {
		t.Fatal(err)
	}
	// The toy table's c (0.9, P_min) is best at every beta: M_0.5 = 1.25 x 0.9 / (0.25 x 0.9 +
	// 1) = 0.918367; M_2 = 5 x 0.9 / (4 x 0.9 + 1) = 0.978261.
	c := Point{Arch: "c", Accuracy: 0.9, Params: 100}
	opt := func(b, m float64) BetaOptimum { p := c; p.M = m; return BetaOptimum{b, p} }
	tables := []TableInfo{{Path: "testdata/toy", Space: "toy", Architectures: 4, SpaceSize: 4,
		Aggregate: "mean-of-seeds", Source: "hand-made",
		Optima: []BetaOptimum{opt(0.5, 0.918367), opt(1, 0.9474), opt(2, 0.978261)}}}
	in := Input{Title: "golden report", Command: "report (fixture)", Experiments: es,
		Tables: tables,
		Paper:  PaperPlacement{Experiment: "toy-nni", Why: "The toy table stands in."}}
	for _, name := range []string{"bench-old.txt", "bench-new.txt"} {
		f, err := os.Open(filepath.Join("testdata", name))
		if err != nil {
			t.Fatal(err)
		}
		b, err := ReadBench(f, name)
		f.Close()
		if err != nil {
			t.Fatal(err)
		}
		in.Bench = append(in.Bench, b)
	}
	return in
}

// TestGolden builds the report of the fixture and compares every file with
// testdata/golden; a mismatch writes NAME.got beside the golden file.
func TestGolden(t *testing.T) {
	r, err := New(fixture(t))
	if err != nil {
		t.Fatal(err)
	}
	files := r.Files()
	want := []string{"bench.csv", "comparisons.csv", "curves.csv", "index.html",
		"optima.csv", "paper.csv", "report.md", "summary.csv", "toy-nni-anytime.svg",
		"toy-nni-final.svg", "toy-nni-plane.svg", "toy-nni-top20.svg", "toy-reference-anytime.svg",
		"toy-reference-final.svg", "toy-reference-plane.svg", "toy-reference-top20.svg"}
	var names []string
	for n := range files {
		names = append(names, n)
	}
	slices.Sort(names)
	if !slices.Equal(names, want) {
		t.Errorf("files %q, want %q", names, want)
	}
	for _, n := range names {
		if strings.HasSuffix(n, ".svg") {
			wellFormed(t, n, files[n])
		}
		golden := filepath.Join("testdata", "golden", n)
		if *update {
			if err := os.MkdirAll(filepath.Dir(golden), 0o755); err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(golden, files[n], 0o644); err != nil {
				t.Fatal(err)
			}
			continue
		}
		exp, err := os.ReadFile(golden)
		if err != nil {
			t.Errorf("%v (run go test -update to create it)", err)
			continue
		}
		if !bytes.Equal(files[n], exp) {
			os.WriteFile(golden+".got", files[n], 0o644)
			t.Errorf("%s differs from %s (got written to %s.got):\n%s", n, golden, golden,
				firstDiff(string(exp), string(files[n])))
		}
	}
}

// wellFormed checks that data is well-formed XML whose root is an svg element.
func wellFormed(t *testing.T, name string, data []byte) {
	t.Helper()
	d := xml.NewDecoder(bytes.NewReader(data))
	root := ""
	for {
		tok, err := d.Token()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Errorf("%s: not well-formed XML: %v", name, err)
			return
		}
		if se, ok := tok.(xml.StartElement); ok && root == "" {
			root = se.Name.Local
		}
	}
	if root != "svg" {
		t.Errorf("%s: root element %q, want svg", name, root)
	}
}

// firstDiff shows the first line where want and got differ.
func firstDiff(want, got string) string {
	w, g := strings.Split(want, "\n"), strings.Split(got, "\n")
	for i := range max(len(w), len(g)) {
		var a, b string
		if i < len(w) {
			a = w[i]
		}
		if i < len(g) {
			b = g[i]
		}
		if a != b {
			return "line " + strconv.Itoa(i+1) + ":\n-" + a + "\n+" + b
		}
	}
	return "(same lines)"
}

// TestFixtureStats checks the numbers of the fixture against values computed by hand
// (M of a, b, c, d: 0.5455, 0.381, 0.9474, 0.7467; the optimum is c).
func TestFixtureStats(t *testing.T) {
	in := fixture(t)
	e := in.Experiments[0]
	st := e.Stats()
	byName := map[string]StrategyStats{}
	for _, s := range st {
		byName[s.Strategy] = s
	}
	if got := e.Strategies(); !slices.Equal(got, []string{"random", "re", "solo", "flat-a",
		"flat-b"}) {
		t.Fatalf("strategies %q", got)
	}

	// random picks c, d, d, a: mean (0.9474 + 2 x 0.7467 + 0.5455) / 4 = 0.746575.
	r := byName["random"]
	if r.Runs != 4 || !near(r.Best.Mean, 0.746575, 1e-12) || !near(r.Best.Median, 0.7467, 1e-12) {
		t.Errorf("random: %+v", r.Best)
	}
	if r.Reach.K != 1 || r.Near.K != 1 || r.TrialsToNear.Median != 3 {
		t.Errorf("random: reach %d, near %d, trials to near %v; want 1, 1, 3", r.Reach.K,
			r.Near.K, r.TrialsToNear.Median)
	}
	// re picks c, c, c, d and gets within 1 % of c at trials 1, 2 and 2.
	re := byName["re"]
	if re.Reach.K != 3 || re.Near.K != 3 || re.TrialsToNear.Median != 2 {
		t.Errorf("re: reach %d, near %d, trials to near %v; want 3, 3, 2", re.Reach.K, re.Near.K,
			re.TrialsToNear.Median)
	}
	if s := byName["solo"].Best; s.N != 1 || s.HasMeanCI || s.HasMedianCI {
		t.Errorf("solo: %+v, want one run without interval", s)
	}

	// Pairs: random vs re has A12 (1.5 + 1 + 0.5 + 0.5 + 0) / 16 = 0.21875; flat-a vs
	// flat-b are all 0.7467: p = 1.
	cs := e.Comparisons()
	if len(cs) != 10 {
		t.Fatalf("%d comparisons, want 10", len(cs))
	}
	for _, c := range cs {
		if math.IsNaN(c.P) || math.IsNaN(c.PHolm) || math.IsNaN(c.A12) {
			t.Errorf("%s vs %s: NaN in %+v", c.A, c.B, c)
		}
		switch c.A + "/" + c.B {
		case "random/re":
			if !near(c.A12, 0.21875, 1e-12) {
				t.Errorf("random vs re: A12 %v, want 0.21875", c.A12)
			}
		case "flat-a/flat-b":
			if c.P != 1 || c.A12 != 0.5 {
				t.Errorf("flat-a vs flat-b: p %v A12 %v, want 1 and 0.5", c.P, c.A12)
			}
		}
	}

	// Anytime curve of random at trial 1: best M {0.5455, 0.381, 0.7467, 0.5455}.
	c := e.Curves()[0]
	if c.Strategy != "random" || !near(c.Q1[0], 0.381+0.75*(0.5455-0.381), 1e-12) ||
		c.Median[0] != 0.5455 || !near(c.Q3[0], 0.5455+0.25*(0.7467-0.5455), 1e-12) ||
		c.Runs[0] != 4 {
		t.Errorf("random curve at trial 1: %v %v %v (%d runs)", c.Q1[0], c.Median[0], c.Q3[0],
			c.Runs[0])
	}

	// Pareto front of a (0.6, 200), b (0.8, 400), c (0.9, 100), d (0.7, 125): c alone.
	if f := ParetoFront(e.Plane); len(f) != 1 || f[0].Arch != "c" {
		t.Errorf("Pareto front %v, want c", f)
	}
	front := ParetoFront([]Point{{Arch: "x", Accuracy: 0.5, Params: 1},
		{Arch: "y", Accuracy: 0.7, Params: 3}, {Arch: "z", Accuracy: 0.6, Params: 4},
		{Arch: "w", Accuracy: 0.5, Params: 1}})
	if len(front) != 2 || front[0].Arch != "x" || front[1].Arch != "y" {
		t.Errorf("Pareto front %v, want x, y", front)
	}

	// Paper placement: random's printed 0.75 is above 3 of 4 runs (75); re's 0.82 above 1
	// of 4 (25); policy RL comes from the one ppo line of bench-old.txt (0.90: percentile
	// 0); TPE is missing.
	rep, err := New(in)
	if err != nil {
		t.Fatal(err)
	}
	want := map[string][2]float64{"random": {75, 25}, "regularized evolution": {25, 25},
		"policy RL": {0, 0}}
	from := map[string]string{"random": "toy-nni", "regularized evolution": "toy-nni",
		"policy RL": "bench-old.txt", "TPE": "toy-nni"}
	for _, p := range rep.Placements {
		if p.From != from[p.AuditRow.Strategy] {
			t.Errorf("%s: placed from %q, want %q", p.AuditRow.Strategy, p.From,
				from[p.AuditRow.Strategy])
		}
		if w, ok := want[p.AuditRow.Strategy]; ok {
			if p.PctPrinted != w[0] || p.PctM != w[1] {
				t.Errorf("%s: percentiles %v, %v, want %v", p.AuditRow.Strategy, p.PctPrinted,
					p.PctM, w)
			}
		} else if p.Runs != 0 {
			t.Errorf("%s: %d runs, want missing", p.AuditRow.Strategy, p.Runs)
		}
	}
}

func TestTopFifth(t *testing.T) {
	var trials []Trial
	for _, m := range []float64{0.1, 0.5, 0.3, 0.5, 0.2, 0.9} {
		trials = append(trials, Trial{Point: Point{M: m}})
	}
	// ceil(6/5) = 2: 0.9, then the first 0.5.
	got := TopFifth(trials)
	if len(got) != 2 || got[0].M != 0.9 || got[1].M != 0.5 {
		t.Errorf("TopFifth = %v", got)
	}
	if got := TopFifth(trials[:1]); len(got) != 1 {
		t.Errorf("TopFifth of one trial = %v", got)
	}
	if got := TopFifth(nil); len(got) != 0 {
		t.Errorf("TopFifth of none = %v", got)
	}
}

func TestReadBench(t *testing.T) {
	in := fixture(t)
	old := in.Bench[0]
	if len(old.Keys) != 3 {
		t.Fatalf("keys %v, want random, re, ppo", old.Keys)
	}
	k := BenchKey{Space: "toy", Profile: "nni", Strategy: "re", Trials: 3}
	if got := old.Samples[k]["mfactor"]; !slices.Equal(got, []float64{0.6, 0.7, 0.8}) {
		t.Errorf("re mfactor %v", got)
	}
	if len(old.Warnings) != 2 {
		t.Errorf("warnings %q, want the bad line and the name without strategy", old.Warnings)
	}
	k.Strategy = "ppo"
	if in.Bench[1].Samples[k] != nil {
		t.Errorf("ppo in bench-new: %v", in.Bench[1].Samples[k])
	}
}

func TestValidate(t *testing.T) {
	e := &Experiment{Name: "x", Budget: 1, PMin: 1,
		Runs: []Run{{Strategy: "s", Pick: Point{M: math.NaN()}}}}
	if err := e.Validate(); err == nil || !strings.Contains(err.Error(), "run 0 (s seed 0)") {
		t.Errorf("NaN pick: err = %v", err)
	}
	if _, err := New(Input{Experiments: []*Experiment{e}}); err == nil {
		t.Error("New accepted an invalid experiment")
	}
}

func TestWrite(t *testing.T) {
	r, err := New(fixture(t))
	if err != nil {
		t.Fatal(err)
	}
	dir := filepath.Join(t.TempDir(), "out")
	if err := r.Write(dir); err != nil {
		t.Fatal(err)
	}
	ents, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	if len(ents) != len(r.Files()) {
		t.Errorf("%d files written, want %d (no temporary files left)", len(ents), len(r.Files()))
	}
	md, _ := os.ReadFile(filepath.Join(dir, "report.md"))
	if !bytes.Equal(md, []byte(r.Markdown())) {
		t.Error("report.md differs from Markdown()")
	}
}

// TestEmpty builds reports from nothing, from an experiment without runs and from one
// whose only run has no trials (a space exhausted at once): no panic, and the report
// says what it lacks.
func TestEmpty(t *testing.T) {
	for name, in := range map[string]Input{
		"nothing": {},
		"no runs": {Experiments: []*Experiment{{Name: "e", Budget: 5, PMin: 10}},
			Paper: PaperPlacement{Experiment: "e"}},
		"no trials": {Experiments: []*Experiment{{Name: "e", Budget: 5, PMin: 10,
			Runs: []Run{{Strategy: "random"}}}}},
	} {
		r, err := New(in)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		md := r.Markdown()
		if !strings.Contains(md, "## The paper's Table 1, audited and placed") {
			t.Errorf("%s: no audit in\n%s", name, md)
		}
		placed := "| policy RL | ppo | 0.84 | 0.8494 | missing"
		if name == "no runs" && !strings.Contains(md, placed) {
			t.Errorf("%s: placement of a missing strategy:\n%s", name, md)
		}
		if h := r.HTML(); strings.Contains(h, "NaN") || strings.Contains(h, "Inf") {
			t.Errorf("%s: NaN in the report:\n%s", name, md)
		}
	}
}

// TestReadBenchRange: values out of their unit's range are skipped with a warning naming
// the line, the value and the range; the report lists the warnings; other units pass.
func TestReadBenchRange(t *testing.T) {
	const text = "BenchmarkS/strategy=re-2 1 5 ns/op 1.2 mfactor -0.01 regret -0.5 test-acc " +
		"0 params 7 widgets\n" +
		"BenchmarkS/strategy=re-2 1 5 ns/op 0.5 mfactor 0 regret 1 test-acc 10 params\n" +
		"BenchmarkS/strategy=re-2 1 5 ns/op 0 mfactor 1.0001 regret 0.9 test-acc -3 params\n"
	in, err := ReadBench(strings.NewReader(text), "r.txt")
	if err != nil {
		t.Fatal(err)
	}
	k := BenchKey{Strategy: "re"}
	for u, want := range map[string][]float64{"mfactor": {0.5, 0}, "regret": {0},
		"test-acc": {1, 0.9}, "params": {10}, "widgets": {7}} {
		if got := in.Samples[k][u]; !slices.Equal(got, want) {
			t.Errorf("%s: %v, want %v", u, got, want)
		}
	}
	want := []string{
		"r.txt:1: S/strategy=re-2: 1.2 mfactor is out of range (want 0 to 1), skipped",
		"r.txt:1: S/strategy=re-2: -0.01 regret is out of range (want 0 to 1), skipped",
		"r.txt:1: S/strategy=re-2: -0.5 test-acc is out of range (want 0 to 1), skipped",
		"r.txt:1: S/strategy=re-2: 0 params is out of range (want > 0), skipped",
		"r.txt:3: S/strategy=re-2: 1.0001 regret is out of range (want 0 to 1), skipped",
		"r.txt:3: S/strategy=re-2: -3 params is out of range (want > 0), skipped",
	}
	if !slices.Equal(in.Warnings, want) {
		t.Errorf("warnings\n%q\nwant\n%q", in.Warnings, want)
	}
	r, err := New(Input{Bench: []*BenchInput{in}})
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(r.Markdown(), "Lines skipped while reading:") ||
		!strings.Contains(r.Markdown(), want[3]) {
		t.Errorf("report lacks the warnings:\n%s", r.Markdown())
	}
}

package main

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/mfbench/mfbench/internal/cmdtest"
	"github.com/mfbench/mfbench/surrogate"
	"github.com/mfbench/mfbench/table"
)

const macroPath = "../../testdata/nas-bench-macro.parquet"

// TestMain runs main instead of the tests when cmdtest.Run starts this binary.
func TestMain(m *testing.M) {
	cmdtest.Main(main)
	os.Exit(m.Run())
}

// runMain runs the command with args and returns its stdout, stderr and exit status.
func runMain(t *testing.T, args ...string) (stdout, stderr string, code int) {
	t.Helper()
	return cmdtest.Run(t, args...)
}

func TestUsageErrors(t *testing.T) {
	cases := [][]string{
		nil,
		{"train"},
		{"validate", "-fractions", "0,50"},
		{"validate", "-fractions", "100"},
		{"validate", "-models", "gp"},
		{"validate", "-runs", "1"},
		{"validate", "-profile", "nas"},
		{"validate", "extra"},
		{"fill", "-in", macroPath},
		{"fill", "-in", macroPath, "-out", "x.parquet", "-column", "train"},
		{"subset", "-in", macroPath, "-out", "x.parquet", "-frac", "0"},
		{"subset", "-in", macroPath, "-out", "x.parquet", "-frac", "NaN"},
		{"subset", "-in", macroPath, "-out", "x.parquet", "-frac", "101"},
		{"subset", "-in", macroPath, "-out", "x.parquet", "-frac", "-Inf"},
		{"subset", "-in", macroPath, "-out", "x.parquet", "-frac", "2", "extra"},
		{"fill", "-in", macroPath, "-out", "x.parquet", "extra"},
		{"validate", "-fractions", "NaN"},
		{"validate", "-bench-frac", "NaN"},
		{"validate", "-macro", macroPath, "-o", macroPath},
		{"predict", "-table", macroPath},
		{"subset", "-nosuch"},
	}
	for _, args := range cases {
		var out, errb bytes.Buffer
		err := run(&out, &errb, args)
		var ue usageError
		if !errors.As(err, &ue) {
			t.Errorf("run %q: %v, want a usage error", args, err)
		}
	}
}

// The package doc is the manual: every flag of every command is in it.
func TestDocNamesEveryFlag(t *testing.T) {
	src, err := os.ReadFile("main.go")
	if err != nil {
		t.Fatal(err)
	}
	doc := string(src[:bytes.Index(src, []byte("\npackage main"))])
	flagLine := regexp.MustCompile(`(?m)^\s+-(\S+)`)
	for _, cmd := range []string{"validate", "subset", "fill", "predict"} {
		var out, errb bytes.Buffer
		if err := run(&out, &errb, []string{cmd, "-h"}); err != nil {
			t.Fatalf("%s -h: %v", cmd, err)
		}
		for _, m := range flagLine.FindAllStringSubmatch(out.String(), -1) {
			if !strings.Contains(doc, "-"+m[1]+" ") {
				t.Errorf("flag -%s of %s is not in the package doc", m[1], cmd)
			}
		}
	}
}

func TestSubsetFillPredict(t *testing.T) {
	dir := t.TempDir()
	part := filepath.Join(dir, "part.parquet")
	filled := filepath.Join(dir, "filled.parquet")
	var out, errb bytes.Buffer
	if err := run(&out, &errb, []string{"subset", "-in", macroPath, "-frac", "5", "-seed", "2",
		"-out", part}); err != nil {
		t.Fatal(err)
	}
	if want := "328 of 6561 architectures"; !strings.Contains(out.String(), want) {
		t.Errorf("subset printed %q, want %q", out.String(), want)
	}
	out.Reset()
	if err := run(&out, &errb, []string{"fill", "-in", part, "-out", filled, "-model",
		"ridge"}); err != nil {
		t.Fatal(err)
	}
	if want := "6561 values, 6233 predicted (95.0 %) by ridge"; !strings.Contains(out.String(),
		want) {
		t.Errorf("fill printed %q, want %q", out.String(), want)
	}
	ft, err := table.Read(filled)
	if err != nil {
		t.Fatal(err)
	}
	marks, err := surrogate.ReadMarks(filled)
	if err != nil || len(marks) != 6561 || ft.Count() != 6561 {
		t.Fatalf("filled table: %d architectures, %d marks, %v", ft.Count(), len(marks), err)
	}

	// A filled table is no input for fill or predict: its predictions would pass for
	// measurements. The command says so in one line and exits 1, writing nothing.
	id, ok := surrogate.FillID(ft.Meta())
	if !ok || len(id) != 16 {
		t.Fatalf("FillID of the filled table: %q %v", id, ok)
	}
	f2 := filepath.Join(dir, "f2.parquet")
	o, errs, code := runMain(t, "fill", "-in", filled, "-out", f2, "-model", "ridge")
	want := "surrogate: fill: " + filled + " is a surrogate-filled table (fill " + id +
		"): its predicted values would pass for measurements; use the partial table it " +
		"was made from\n"
	if code != 1 || o != "" || errs != want {
		t.Errorf("fill of a filled table: exit %d, stdout %q, stderr %q; want 1 and %q",
			code, o, errs, want)
	}
	if fileExists(f2) || fileExists(surrogate.MarksPath(f2)) {
		t.Error("fill of a filled table wrote a file")
	}
	err = run(&out, &errb, []string{"predict", "-table", filled, "22222222"})
	if err == nil || !strings.Contains(err.Error(), "is a surrogate-filled table") {
		t.Errorf("predict on a filled table: %v, want a refusal", err)
	}
	// Its notes stripped, it is still known by the marks file beside it.
	meta := ft.Meta()
	meta.Notes = ""
	bare := filepath.Join(dir, "bare.parquet")
	if err := table.Write(bare, meta, ft.Rows()); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(surrogate.MarksPath(bare), nil, 0o644); err != nil {
		t.Fatal(err)
	}
	err = run(&out, &errb, []string{"fill", "-in", bare, "-out", f2})
	if err == nil || !strings.Contains(err.Error(), "has a fill's marks file "+
		surrogate.MarksPath(bare)+" beside it") {
		t.Errorf("fill of a table with a marks file: %v, want a refusal", err)
	}

	// predict says which architectures were measured.
	pt, err := table.Read(part)
	if err != nil {
		t.Fatal(err)
	}
	measured := ""
	for i := range 6561 {
		if pt.Has(i) {
			measured = pt.Space().String(pt.Space().Arch(i))
			break
		}
	}
	out.Reset()
	if err := run(&out, &errb, []string{"predict", "-table", part, "-model", "ridge",
		measured, "2,2,2,2,2,2,2,2"}); err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSpace(out.String()), "\n")
	if len(lines) != 2 || !strings.Contains(lines[0], "measured") ||
		!strings.HasPrefix(lines[1], "22222222\t") || strings.Contains(lines[1], "measured") {
		t.Errorf("predict printed %q", out.String())
	}
	if err := run(&out, &errb, []string{"predict", "-table", part, "-epoch", "60",
		"22222222"}); err == nil || !strings.Contains(err.Error(), "epoch outside") {
		t.Errorf("predict at epoch 60 of a 50-epoch table: %v, want an epoch error", err)
	}
}

// A small validate run produces every section of the report.
func TestValidateSmall(t *testing.T) {
	var out, errb bytes.Buffer
	err := run(&out, &errb, []string{"validate", "-macro", macroPath, "-nb201", "",
		"-fractions", "5", "-repeats", "1", "-models", "ridge", "-runs", "4", "-trials",
		"30", "-draws", "1", "-strategies", "random,local"})
	if err != nil {
		t.Fatal(err)
	}
	s := out.String()
	for _, want := range []string{
		"#### nas-bench-macro (6561 architectures; target: the mean of its seeds",
		"| ridge | 5 % | 328 |",
		"| 0 vs 1 | 6561 | 0.988 | 0.882 |",
		"### Benchmark level",
		"Model ridge, subset seed 1: 131 measured, 6430 predicted",
		"| ridge | 1 |",
	} {
		if !strings.Contains(s, want) {
			t.Errorf("report lacks %q:\n%s", want, s)
		}
	}
}

// -h, -help and help print the usage on stdout and exit 0; a command's -h adds its
// flags, and subset's says that -frac is a percentage.
func TestHelp(t *testing.T) {
	for _, args := range [][]string{{"-h"}, {"-help"}, {"help"}, {"--help"}} {
		out, errs, code := runMain(t, args...)
		if code != 0 || !strings.HasPrefix(out, "usage:\n  surrogate validate") ||
			errs != "" {
			t.Errorf("surrogate %s: exit %d, stdout %q, stderr %q; want 0 and the usage",
				args[0], code, out, errs)
		}
	}
	out, errs, code := runMain(t, "subset", "-h")
	if code != 0 || errs != "" || !strings.Contains(out, "Flags of surrogate subset:") ||
		!strings.Contains(out, "percentage of the architectures to keep") ||
		!strings.Contains(out, "2 keeps 2 % of them") {
		t.Errorf("surrogate subset -h: exit %d, stdout %q, stderr %q", code, out, errs)
	}
}

// A usage error exits 2 with one "surrogate: " line naming the problem.
func TestMainUsageExit(t *testing.T) {
	cases := []struct {
		args []string
		want string
	}{
		{[]string{"subset", "-in", macroPath, "-frac", "2", "-out", "x.parquet", "extra"},
			`surrogate: subset: unexpected arguments ["extra"]`},
		{[]string{"subset", "-bogus"},
			"surrogate: subset: flag provided but not defined: -bogus"},
		{[]string{"subset", "-in", macroPath, "-frac", "NaN", "-out", "x.parquet"},
			"surrogate: subset: -frac NaN: want a percentage in (0, 100] (2 means 2 %)"},
		{[]string{"subset", "-in", macroPath, "-frac", "2", "-out", macroPath},
			"surrogate: subset: -out " + macroPath + " names the same file as -in " +
				macroPath},
		{nil, "surrogate: missing command"},
	}
	for _, c := range cases {
		out, errs, code := runMain(t, c.args...)
		if code != 2 || out != "" || !strings.HasPrefix(errs, c.want) ||
			strings.Count(errs, "\n") != 1 {
			t.Errorf("surrogate %q: exit %d, stdout %q, stderr %q; want 2 and %q", c.args,
				code, out, errs, c.want)
		}
	}
}

// subset and fill refuse to write over their input, whichever way -out names it:
// the same path, an unclean one, or a link to it. The input is left as it was.
func TestOutputIsInput(t *testing.T) {
	dir := t.TempDir()
	in := filepath.Join(dir, "t.parquet")
	orig, err := os.ReadFile(macroPath)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(in, orig, 0o644); err != nil {
		t.Fatal(err)
	}
	link := filepath.Join(dir, "link.parquet")
	if err := os.Symlink(in, link); err != nil {
		t.Fatal(err)
	}
	unclean := filepath.Join(dir, ".", "sub", "..", "t.parquet")
	for _, out := range []string{in, unclean, link} {
		for _, args := range [][]string{
			{"subset", "-in", in, "-frac", "2", "-out", out},
			{"fill", "-in", in, "-out", out, "-model", "ridge"},
		} {
			var o, e bytes.Buffer
			err := run(&o, &e, args)
			var ue usageError
			if !errors.As(err, &ue) || !strings.Contains(err.Error(), "names the same "+
				"file as -in") || !strings.Contains(err.Error(), in) ||
				!strings.Contains(err.Error(), out) {
				t.Errorf("run %q: %v, want a usage error naming %s and %s", args, err, in,
					out)
			}
		}
	}
	// fill's marks file must not land on the input either.
	marksIn := filepath.Join(dir, "x.marks.parquet")
	if err := os.WriteFile(marksIn, orig, 0o644); err != nil {
		t.Fatal(err)
	}
	var o, e bytes.Buffer
	err = run(&o, &e, []string{"fill", "-in", marksIn, "-out", filepath.Join(dir, "x.parquet")})
	if !strings.Contains(fmtErr(err), "would overwrite -in") {
		t.Errorf("fill onto its own marks: %v, want a refusal", err)
	}
	for _, p := range []string{in, marksIn} {
		if got, err := os.ReadFile(p); err != nil || !bytes.Equal(got, orig) {
			t.Errorf("%s changed (%v)", p, err)
		}
	}
}

func fmtErr(err error) string {
	if err == nil {
		return "<nil>"
	}
	return err.Error()
}

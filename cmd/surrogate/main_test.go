package main

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/mfbench/mfbench/surrogate"
	"github.com/mfbench/mfbench/table"
)

const macroPath = "../../testdata/nas-bench-macro.parquet"

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
		{"predict", "-table", macroPath},
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
		if err := run(&out, &errb, []string{cmd, "-h"}); err == nil {
			t.Fatalf("%s -h: no error", cmd)
		}
		for _, m := range flagLine.FindAllStringSubmatch(errb.String(), -1) {
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

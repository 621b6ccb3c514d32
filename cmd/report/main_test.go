package main

import (
	"bytes"
	"errors"
	"flag"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/mfbench/mfbench/reports"
	"github.com/mfbench/mfbench/table"
)

// TestRun builds a small report from the shipped NAS-Bench-Macro table: 3 seeds, ppo 2.
func TestRun(t *testing.T) {
	dir := t.TempDir()
	var out, errb bytes.Buffer
	err := run(&out, &errb, []string{"-out", dir, "-seeds", "3", "-seeds-for", "ppo=2",
		"-trials", "10", "-tables", "../../testdata/nas-bench-macro.parquet",
		"../../reports/testdata/bench-old.txt"})
	if err != nil {
		t.Fatalf("%v\n%s", err, errb.String())
	}
	if !strings.Contains(out.String(), "(report.md, index.html, 8 figures, 6 CSV files)") {
		t.Errorf("stdout %q", out.String())
	}
	md, err := os.ReadFile(filepath.Join(dir, "report.md"))
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{
		"## nas-bench-macro, nni profile",
		"## nas-bench-macro, reference profile",
		"ppo ran 2 seeds, not 3 (-seeds-for).",
		"**Stand-in:**",
		"experiment `nas-bench-macro-nni` (profile `nni`, 10 trials)",
		"| random | 0.75 | 0.6799 | 401498 | 0.6786 | 0.6793 | no |",
		"`11100000`, accuracy 0.8392, 454666 params, M = 0.8461",
		"### space=toy profile=nni trials=3",
		"| 1 | `11100000` | 0.8392 | 454666 | 0.8461 |", // design.md section 3
		"| 4 | `10000000` | 0.5725 | 396298 | 0.9395 |",
	} {
		if !strings.Contains(string(md), want) {
			t.Errorf("report.md lacks %q", want)
		}
	}
	for _, f := range []string{"index.html", "summary.csv", "curves.csv",
		"nas-bench-macro-nni-plane.svg", "nas-bench-macro-reference-anytime.svg"} {
		if _, err := os.Stat(filepath.Join(dir, f)); err != nil {
			t.Error(err)
		}
	}
}

func TestUsage(t *testing.T) {
	for _, args := range [][]string{
		{"-seeds", "0"},
		{"-beta", "-1"},
		{"-profiles", "nas"},
		{"-seeds-for", "ppo"},
		{"-nosuchflag"},
	} {
		err := run(io.Discard, io.Discard, args)
		if !errors.Is(err, errUsage) {
			t.Errorf("%q: err = %v, want a usage error", args, err)
		}
	}
	err := run(io.Discard, io.Discard, []string{"-out", t.TempDir(), "no-such-file.txt"})
	if err == nil || errors.Is(err, errUsage) || !strings.Contains(err.Error(), "no-such-file") {
		t.Errorf("missing bench file: err = %v", err)
	}
}

// TestDocFlags checks that the package doc lists every flag, and no other.
func TestDocFlags(t *testing.T) {
	src, err := os.ReadFile("main.go")
	if err != nil {
		t.Fatal(err)
	}
	doc, _, _ := strings.Cut(string(src), "package main")
	fs := flag.NewFlagSet("report", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	if _, err := parseInto(fs, nil); err != nil {
		t.Fatal(err)
	}
	n := 0
	fs.VisitAll(func(f *flag.Flag) {
		n++
		if !strings.Contains(doc, "//\t-"+f.Name+" ") {
			t.Errorf("doc lacks -%s", f.Name)
		}
	})
	if got := strings.Count(doc, "//\t-"); got != n {
		t.Errorf("doc lists %d flags, the command has %d", got, n)
	}
}

// TestPaperPlacement: the resnet table's nni experiment wins; without it NAS-Bench-Macro
// stands in and the report says so; with neither, nothing is placed.
func TestPaperPlacement(t *testing.T) {
	macro := &reports.Experiment{Name: "m", Space: "nas-bench-macro", Profile: "nni"}
	ref := &reports.Experiment{Name: "r", Space: "resnet", Profile: "reference"}
	res := &reports.Experiment{Name: "n", Space: "resnet", Profile: "nni"}
	if p := paperPlacement([]*reports.Experiment{macro, ref, res}); p.Experiment != "n" ||
		strings.Contains(p.Why, "Stand-in") {
		t.Errorf("with resnet: %+v", p)
	}
	if p := paperPlacement([]*reports.Experiment{ref, macro}); p.Experiment != "m" ||
		!strings.Contains(p.Why, "**Stand-in:**") {
		t.Errorf("without resnet nni: %+v", p)
	}
	if p := paperPlacement([]*reports.Experiment{ref}); p.Experiment != "" {
		t.Errorf("neither: %+v", p)
	}
}

// TestScreenshot runs scripts/screenshot.sh on a small report and on a blank page, which
// it must refuse. It needs Chromium (Debian: apt-get install -y chromium).
func TestScreenshot(t *testing.T) {
	if testing.Short() {
		t.Skip("-short: no Chromium run")
	}
	if _, err := exec.LookPath("chromium"); err != nil {
		t.Skip("chromium not installed (apt-get install -y chromium): screenshot not checked")
	}
	dir := t.TempDir()
	err := run(io.Discard, io.Discard, []string{"-out", dir, "-seeds", "8", "-seeds-for",
		"ppo=2", "-trials", "10", "-tables", "../../testdata/nas-bench-macro.parquet"})
	if err != nil {
		t.Fatal(err)
	}
	png := filepath.Join(dir, "shot.png")
	out, err := exec.Command("../../scripts/screenshot.sh", dir, png, "1000", "1600").
		CombinedOutput()
	if err != nil {
		t.Fatalf("screenshot.sh: %v\n%s", err, out)
	}
	if fi, err := os.Stat(png); err != nil || fi.Size() < 60000 {
		t.Errorf("screenshot %s: %v, %v", png, fi, err)
	}

	blank := filepath.Join(dir, "blank.html")
	os.WriteFile(blank, []byte("<!DOCTYPE html><html><body></body></html>"), 0o644)
	out, err = exec.Command("../../scripts/screenshot.sh", blank, filepath.Join(dir, "b.png"),
		"1000", "1600").CombinedOutput()
	if err == nil || !strings.Contains(string(out), "looks blank") {
		t.Errorf("blank page: err %v, output %s", err, out)
	}
}

// TestPartialTable: a table that lacks architectures of its space is described but not
// searched, and the report says why.
func TestPartialTable(t *testing.T) {
	meta, rows, err := table.ReadRows("../../testdata/nas-bench-macro.parquet")
	if err != nil {
		t.Fatal(err)
	}
	var part []table.Row
	for _, r := range rows {
		if r.Index < 100 {
			part = append(part, r)
		}
	}
	dir := t.TempDir()
	path := filepath.Join(dir, "part.parquet")
	if err := table.Write(path, meta, part); err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(dir, "out")
	if err := run(io.Discard, io.Discard, []string{"-out", out, "-tables", path}); err != nil {
		t.Fatal(err)
	}
	md, err := os.ReadFile(filepath.Join(out, "report.md"))
	if err != nil {
		t.Fatal(err)
	}
	want := "holds 100 of the 6561 architectures of nas-bench-macro: no search was run on it"
	if !strings.Contains(string(md), want) || strings.Contains(string(md), "nni profile") {
		t.Errorf("report.md lacks %q or has a search:\n%s", want, md)
	}
	if !strings.Contains(string(md), "The paper's numbers are not placed") {
		t.Error("the paper was placed without an experiment")
	}
}

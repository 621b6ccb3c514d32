package main

import (
	"bytes"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/mfbench/mfbench/internal/cmdtest"
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

// TestUsage: each selection that names nothing, selects no run or is unknown, a bad -beta
// and an -out that is a file are usage errors naming them, returned before any run.
func TestUsage(t *testing.T) {
	file := filepath.Join(t.TempDir(), "f")
	if err := os.WriteFile(file, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"-seeds", "0"}, "-seeds 0"},
		{[]string{"-beta", "-1"}, "-beta -1, want a finite number > 0"},
		{[]string{"-beta", "0"}, "-beta 0,"},
		{[]string{"-beta", "Inf"}, "-beta +Inf, want a finite number > 0"},
		{[]string{"-beta", "-Inf"}, "-beta -Inf,"},
		{[]string{"-beta", "NaN"}, "-beta NaN,"},
		{[]string{"-profiles", "nas"}, `unknown profile "nas"`},
		{[]string{"-profiles", ""}, `-profiles "" names no profile`},
		{[]string{"-profiles", " , "}, `-profiles " , " names no profile`},
		{[]string{"-profiles", "nni,nni"}, `-profiles: "nni" given twice`},
		{[]string{"-tables", ""}, `-tables "" names no table`},
		{[]string{"-seeds-for", "ppo"}, `-seeds-for: "ppo", want strategy=N`},
		{[]string{"-seeds-for", "bogus=3"}, `-seeds-for: unknown strategy "bogus"`},
		{[]string{"-seeds-for", "re=3,re=4"}, "-seeds-for: re given twice"},
		{[]string{"-profiles", "reference", "-seeds-for", "ppo=3"},
			"-seeds-for: ppo is run by no profile of -profiles reference"},
		{[]string{"-profiles", "nni", "-seeds-for", "re=2,local=3"},
			"-seeds-for: local is run by no profile of -profiles nni"},
		{[]string{"-out", file}, "-out " + file + " is a file"},
		{[]string{"-nosuchflag"}, "-nosuchflag (report -h lists the flags)"},
	} {
		var stdout, stderr bytes.Buffer
		err := run(&stdout, &stderr, c.args)
		if !errors.Is(err, errUsage) || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%q: err = %v, want a usage error with %q", c.args, err, c.want)
		}
		if stdout.Len() > 0 || stderr.Len() > 0 {
			t.Errorf("%q: output %q %q, want none", c.args, stdout.String(), stderr.String())
		}
	}
	// By default every strategy runs -seeds seeds.
	c, err := parse(io.Discard, []string{"-profiles", "reference"})
	if err != nil || len(c.seedsFor) != 0 {
		t.Errorf("-profiles reference: %v, %+v", err, c)
	}
	err = run(io.Discard, io.Discard, []string{"-out", t.TempDir(), "no-such-file.txt"})
	if err == nil || errors.Is(err, errUsage) || !strings.Contains(err.Error(), "no-such-file") {
		t.Errorf("missing bench file: err = %v", err)
	}
}

// TestBenchInput: a file with no benchmark result is an error naming it, before any run;
// values out of range are skipped and listed in the report.
func TestBenchInput(t *testing.T) {
	dir := t.TempDir()
	for name, text := range map[string]string{
		"junk.txt":  "hello\n",
		"empty.txt": "",
		"table.csv": "index,choices,score\n0,000,0.5\n1,001,0.6\n",
		"nostrategy.txt": "BenchmarkSearch/space=x-2 1 100 ns/op 0.5 mfactor\n" +
			"BenchmarkSearch/space=x-2 1 oops ns/op\n",
	} {
		path := filepath.Join(dir, name)
		if err := os.WriteFile(path, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
		out := filepath.Join(dir, "out-"+name)
		err := run(io.Discard, io.Discard, []string{"-out", out, path})
		if err == nil || errors.Is(err, errUsage) ||
			!strings.HasPrefix(err.Error(), path+": no benchmark results") {
			t.Errorf("%s: err = %v, want an error naming the file", name, err)
		}
		if _, err := os.Stat(out); !os.IsNotExist(err) {
			t.Errorf("%s: report written: %v", name, err)
		}
	}

	bad := filepath.Join(dir, "bad.txt")
	line := "BenchmarkSearch/space=nas-bench-201/profile=reference/strategy=re/trials=5 1 9 " +
		"ns/op %s mfactor 0.1 regret 0.9 test-acc %s params\n"
	text := fmt.Sprintf(line, "0.8", "100000") + fmt.Sprintf(line, "1.7", "-2")
	if err := os.WriteFile(bad, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(dir, "out")
	var stderr bytes.Buffer
	err := run(io.Discard, &stderr, []string{"-out", out, "-seeds", "1", "-seeds-for", "",
		"-trials", "5", "-profiles", "reference", "-tables",
		"../../testdata/nas-bench-201.parquet", bad})
	if err != nil {
		t.Fatal(err)
	}
	md, err := os.ReadFile(filepath.Join(out, "report.md"))
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{
		"bad.txt:2: Search/space=nas-bench-201/profile=reference/strategy=re/trials=5: 1.7 " +
			"mfactor is out of range (want 0 to 1), skipped",
		"trials=5: -2 params is out of range (want > 0), skipped",
		"| re | mfactor | 0.8000 (n = 1, no interval) |", "| re | params | 100000 (n = 1, no interval) |",
	} {
		if !strings.Contains(string(md), want) {
			t.Errorf("report.md lacks %q", want)
		}
	}
	if !strings.Contains(stderr.String(), "skipped=2") {
		t.Errorf("stderr lacks the warning count: %s", stderr.String())
	}
}

// TestHelp: -h and -help print the usage once, on stdout, and succeed without a report.
func TestHelp(t *testing.T) {
	for _, h := range []string{"-h", "-help"} {
		var stdout, stderr bytes.Buffer
		out := filepath.Join(t.TempDir(), "out")
		if err := run(&stdout, &stderr, []string{"-out", out, h}); err != nil {
			t.Errorf("%s: %v", h, err)
		}
		o := stdout.String()
		if strings.Count(o, "usage: report") != 1 || strings.Count(o, "\n  -seeds-for ") != 1 ||
			stderr.Len() > 0 {
			t.Errorf("%s: stdout %q, stderr %q", h, o, stderr.String())
		}
		if _, err := os.Stat(out); !os.IsNotExist(err) {
			t.Errorf("%s: a report was written", h)
		}
	}
}

// TestExitStatus runs the command (this test binary, as main) for its exit status:
// -h exits 0, a usage error 2 with one line on stderr.
func TestExitStatus(t *testing.T) {
	for _, c := range []struct {
		args   []string
		status int
		stderr string
	}{
		{[]string{"-h"}, 0, ""},
		{[]string{"-seeds-for", "bogus=3"}, 2, "report: usage: -seeds-for: unknown strategy " +
			"\"bogus\" (want one of [random re tpe reinforce ppo local])\n"},
		{[]string{"-beta", "Inf"}, 2, "report: usage: -beta +Inf, want a finite number > 0\n"},
	} {
		_, stderr, status := cmdtest.Run(t, c.args...)
		if status != c.status || stderr != c.stderr {
			t.Errorf("%q: exit %d, stderr %q; want %d, %q", c.args, status, stderr,
				c.status, c.stderr)
		}
	}
}

// TestMain runs main instead of the tests when cmdtest.Run starts this binary.
func TestMain(m *testing.M) {
	cmdtest.Main(main)
	os.Exit(m.Run())
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

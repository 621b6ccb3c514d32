package main

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/mfbench/mfbench/internal/cmdtest"
)

func TestRunWritesOneLinePerSeedAndResumes(t *testing.T) {
	dir := t.TempDir()
	out := filepath.Join(dir, "m.txt")
	args := []string{"-testdata", "../../testdata", "-seeds", "7", "-trials", "20",
		"-spaces", "nas-bench-201", "-profiles", "reference", "-strategies", "random,re",
		"-o", out}
	var stdout, stderr bytes.Buffer
	if err := run(&stdout, &stderr, args); err != nil {
		t.Fatal(err, stderr.String())
	}
	data, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	if fi, err := os.Stat(out); err != nil || fi.Mode().Perm() != 0o644 {
		t.Errorf("output mode: %v, %v; want 0644", fi.Mode(), err)
	}
	if !strings.Contains(string(data), "\nseeds: 7\nbeta: 1\n") {
		t.Errorf("header lacks seeds: 7 and beta: 1:\n%s", data)
	}
	lines := 0
	for _, l := range strings.Split(string(data), "\n") {
		if strings.HasPrefix(l, "BenchmarkSearch/space=nas-bench-201/profile=reference/strategy=") {
			lines++
			if f := strings.Fields(l); len(f) != 12 || f[5] != "mfactor" || f[11] != "params" {
				t.Errorf("line %q: want name, 1, ns/op and four metrics", l)
			}
		}
	}
	if lines != 14 {
		t.Errorf("%d result lines, want 7 seeds x 2 strategies", lines)
	}

	// A partial file with the first block complete: that block is reused.
	first := strings.Split(string(data), "strategy=re/")[0]
	first = first[:strings.LastIndex(first, "\n")+1]
	if err := os.WriteFile(out+".partial", []byte(first), 0o644); err != nil {
		t.Fatal(err)
	}
	stderr.Reset()
	if err := run(&stdout, &stderr, args); err != nil {
		t.Fatal(err)
	}
	again, _ := os.ReadFile(out)
	if !strings.Contains(stderr.String(), "strategy=random/trials=20: resumed") ||
		strings.Contains(stderr.String(), "strategy=re/trials=20: resumed") {
		t.Errorf("stderr %q: want random resumed, re run", stderr.String())
	}
	strip := func(s string) string { // ns/op differ between runs
		var b strings.Builder
		for _, l := range strings.Split(s, "\n") {
			if f := strings.Fields(l); len(f) > 3 && f[3] == "ns/op" {
				l = f[0] + " " + strings.Join(f[4:], " ")
			}
			b.WriteString(l + "\n")
		}
		return b.String()
	}
	if strip(string(again)) != strip(string(data)) {
		t.Error("resumed output differs from the first")
	}
	if _, err := os.Stat(out + ".partial"); !os.IsNotExist(err) {
		t.Errorf("partial file left behind: %v", err)
	}

	// A partial file of another beta is not reused.
	if err := os.WriteFile(out+".partial", []byte(first), 0o644); err != nil {
		t.Fatal(err)
	}
	stderr.Reset()
	beta2 := append(slices.Clone(args), "-beta", "2")
	if err := run(&stdout, &stderr, beta2); err != nil {
		t.Fatal(err)
	}
	if strings.Contains(stderr.String(), "resumed") {
		t.Errorf("stderr %q: a beta 1 partial resumed a beta 2 run", stderr.String())
	}
	b2, _ := os.ReadFile(out)
	if !strings.Contains(string(b2), "\nbeta: 2\n") || !strings.Contains(string(b2), ", beta 2,") {
		t.Errorf("-beta 2 output lacks beta: 2 or the objective's beta 2:\n%.400s", b2)
	}

	if err := run(&stdout, &stderr, []string{"-seeds", "0"}); err == nil {
		t.Error("-seeds 0: no error")
	}
}

// TestUsageErrors: each selection that names nothing, selects no run or is unknown, each
// bad -beta and each bad -o is a usage error naming it, returned before any run.
func TestUsageErrors(t *testing.T) {
	dir := t.TempDir()
	base := []string{"-testdata", "../../testdata", "-seeds", "1", "-trials", "1",
		"-spaces", "nas-bench-201"}
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"-strategies", "ppo", "-profiles", "reference"},
			"-strategies: ppo is run by no profile of -profiles reference"},
		{[]string{"-strategies", "local", "-profiles", "nni"},
			"-strategies: local is run by no profile of -profiles nni"},
		{[]string{"-strategies", "random,ppo", "-profiles", "reference"}, "ppo is run by no"},
		{[]string{"-strategies", "bogus"}, `-strategies: unknown "bogus"`},
		{[]string{"-strategies", ""}, `-strategies "" names no strategy`},
		{[]string{"-strategies", ","}, `-strategies "," names no strategy`},
		{[]string{"-profiles", ""}, `-profiles "" names no profile`},
		{[]string{"-profiles", "nas"}, `-profiles: `},
		{[]string{"-profiles", "nni,nni"}, `-profiles: "nni" given twice`},
		{[]string{"-spaces", ""}, `-spaces "" names no table`},
		{[]string{"-beta", "Inf"}, "-beta +Inf, want a finite number > 0"},
		{[]string{"-beta", "-Inf"}, "-beta -Inf,"},
		{[]string{"-beta", "NaN"}, "-beta NaN,"},
		{[]string{"-beta", "0"}, "-beta 0,"},
		{[]string{"-beta", "-1"}, "-beta -1,"},
		{[]string{"-o", dir}, "-o " + dir + " is a directory"},
		{[]string{"-o", filepath.Join(dir, "no", "x.txt")},
			"folder " + filepath.Join(dir, "no") + " does not exist"},
		{[]string{"-nosuchflag"}, "-nosuchflag (mfbench -h lists the flags)"},
		{[]string{"extra"}, `unexpected arguments ["extra"]`},
	} {
		var stdout, stderr bytes.Buffer
		err := run(&stdout, &stderr, append(slices.Clone(base), c.args...))
		if !errors.Is(err, errUsage) || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%q: err = %v, want a usage error with %q", c.args, err, c.want)
		}
		if stdout.Len() > 0 || stderr.Len() > 0 {
			t.Errorf("%q: output %q %q, want none", c.args, stdout.String(), stderr.String())
		}
	}
	if ents, _ := os.ReadDir(dir); len(ents) != 0 {
		t.Errorf("files left in %s: %v", dir, ents)
	}
}

// TestOutFolder: -o out/FILE creates out/ (make bench relies on it), nothing else.
func TestOutFolder(t *testing.T) {
	td, err := filepath.Abs("../../testdata")
	if err != nil {
		t.Fatal(err)
	}
	t.Chdir(t.TempDir())
	var stdout, stderr bytes.Buffer
	err = run(&stdout, &stderr, []string{"-testdata", td, "-seeds", "2", "-trials", "3",
		"-spaces", "nas-bench-201", "-profiles", "reference", "-strategies", "random",
		"-o", "out/b.txt"})
	if err != nil {
		t.Fatal(err, stderr.String())
	}
	data, err := os.ReadFile("out/b.txt")
	if err != nil || strings.Count(string(data), "BenchmarkSearch/") != 2 {
		t.Errorf("out/b.txt: %v\n%s", err, data)
	}
	if fi, err := os.Stat("out/b.txt"); err != nil || fi.Mode().Perm() != 0o644 {
		t.Errorf("out/b.txt mode %v, %v; want 0644", fi.Mode(), err)
	}
}

// TestHelp: -h and -help print the usage once, on stdout, and succeed.
func TestHelp(t *testing.T) {
	for _, h := range []string{"-h", "-help", "--help"} {
		var stdout, stderr bytes.Buffer
		if err := run(&stdout, &stderr, []string{h}); err != nil {
			t.Errorf("%s: %v", h, err)
		}
		o := stdout.String()
		if strings.Count(o, "usage: mfbench") != 1 || strings.Count(o, "\n  -beta ") != 1 ||
			stderr.Len() > 0 {
			t.Errorf("%s: stdout %q, stderr %q", h, o, stderr.String())
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
		{[]string{"-profiles", ""}, 2, "mfbench: usage: -profiles \"\" names no profile " +
			"(want nni, reference or both)\n"},
		{[]string{"-beta", "Inf"}, 2, "mfbench: usage: -beta +Inf, want a finite number > 0\n"},
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

package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestRunWritesOneLinePerSeedAndResumes(t *testing.T) {
	out := filepath.Join(t.TempDir(), "sub", "m.txt")
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

	if err := run(&stdout, &stderr, []string{"-seeds", "0"}); err == nil {
		t.Error("-seeds 0: no error")
	}
}

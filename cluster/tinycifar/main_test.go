package main

import (
	"bytes"
	"io"
	"os"
	"path/filepath"
	"slices"
	"testing"

	"github.com/mfbench/mfbench/tabulate"
)

func TestRun(t *testing.T) {
	dir := t.TempDir()
	if err := run(io.Discard, []string{"-out", dir, "-train", "20", "-test", "10"}); err != nil {
		t.Fatal(err)
	}

	// ci-test.sh's sizes: 100 training images, 10 per class, so the fixed split keeps
	// one per class for validation (tabulate needs a non-empty validation set).
	c, err := tabulate.LoadCIFAR10(dir)
	if err != nil {
		t.Fatal(err)
	}
	if c.Train.Len() != 90 || c.Valid.Len() != 10 || c.Test.Len() != 10 {
		t.Errorf("split %d/%d/%d, want 90/10/10", c.Train.Len(), c.Valid.Len(), c.Test.Len())
	}
	d, err := tabulate.ReadCIFAR10File(filepath.Join(dir, tabulate.TestFile))
	if err != nil {
		t.Fatal(err)
	}
	for i, l := range d.Labels {
		if int(l) != i%10 {
			t.Errorf("test record %d has label %d, want %d", i, l, i%10)
		}
	}

	// The same flags write the same bytes; another seed other bytes.
	again, other := t.TempDir(), t.TempDir()
	if err := run(io.Discard, []string{"-out", again, "-train", "20", "-test", "10"}); err != nil {
		t.Fatal(err)
	}
	if err := run(io.Discard, []string{"-out", other, "-train", "20", "-test", "10",
		"-seed", "2"}); err != nil {
		t.Fatal(err)
	}
	for _, name := range slices.Concat(tabulate.TrainFiles, []string{tabulate.TestFile}) {
		a, _ := os.ReadFile(filepath.Join(dir, name))
		b, _ := os.ReadFile(filepath.Join(again, name))
		o, _ := os.ReadFile(filepath.Join(other, name))
		if len(a) == 0 || !bytes.Equal(a, b) {
			t.Errorf("%s: two runs with the same flags differ (or are empty)", name)
		}
		if bytes.Equal(a, o) {
			t.Errorf("%s: seeds 1 and 2 wrote the same bytes", name)
		}
	}
}

func TestRunUsage(t *testing.T) {
	for _, args := range [][]string{nil, {"-out", t.TempDir(), "-train", "0"}, {"-out", "x", "y"}} {
		if err := run(io.Discard, args); err == nil {
			t.Errorf("run(%q) = nil, want a usage error", args)
		}
	}
}

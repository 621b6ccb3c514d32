package main

import (
	"bytes"
	"io"
	"os"
	"path/filepath"
	"testing"
)

// TestReproducible re-runs the import on the published files and checks that it writes
// the same bytes as the tables shipped in testdata and the order embedded in space.
func TestReproducible(t *testing.T) {
	shared := filepath.Join("..", "..", "..", "shared")
	if _, err := os.Stat(filepath.Join(shared, "tables")); err != nil {
		t.Skipf("published tables not found beside the checkout (%v)", err)
	}
	out := t.TempDir()
	order := filepath.Join(out, "nb201_order.txt")
	if err := run(io.Discard, []string{"-shared", shared, "-out", out, "-order", order}); err != nil {
		t.Fatal(err)
	}
	for _, pair := range [][2]string{
		{filepath.Join(out, "nas-bench-macro.parquet"), "../../testdata/nas-bench-macro.parquet"},
		{filepath.Join(out, "nas-bench-201.parquet"), "../../testdata/nas-bench-201.parquet"},
		{order, "../../space/nb201_order.txt"},
	} {
		got, err := os.ReadFile(pair[0])
		if err != nil {
			t.Fatal(err)
		}
		want, err := os.ReadFile(pair[1])
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(got, want) {
			t.Errorf("%s differs from the shipped %s", pair[0], pair[1])
		}
	}
}

func TestUsage(t *testing.T) {
	err := run(io.Discard, []string{"-bogus"})
	if _, ok := err.(usageError); !ok {
		t.Errorf("run(-bogus) = %v, want a usage error", err)
	}
	err = run(io.Discard, []string{"-shared", t.TempDir(), "-out", t.TempDir()})
	if err == nil {
		t.Error("run on a folder without the published files succeeded")
	}
}

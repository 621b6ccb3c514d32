package table

import (
	"math/rand/v2"
	"os"
	"path/filepath"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// FuzzRead feeds Read mutations of a small valid table: it must return an error or a
// whole valid table, and never panic.
func FuzzRead(f *testing.F) {
	dir := f.TempDir()
	path := filepath.Join(dir, "seed.parquet")
	a := resnetRow("333333333", 0, 1)
	a.TestAcc = Float(0.5)
	b := resnetRow("357333777", 1, 1)
	if err := Write(path, resnetMeta, []Row{a, b}); err != nil {
		f.Fatal(err)
	}
	data, err := os.ReadFile(path)
	if err != nil {
		f.Fatal(err)
	}
	f.Add(data)
	f.Add(data[:len(data)-8])
	f.Fuzz(func(t *testing.T, b []byte) {
		p := filepath.Join(t.TempDir(), "f.parquet")
		if err := os.WriteFile(p, b, 0o644); err != nil {
			t.Fatal(err)
		}
		tab, err := Read(p)
		if err != nil {
			return
		}
		if err := Validate(tab.Meta(), tab.Rows()); err != nil {
			t.Fatalf("Read returned an invalid table: %v", err)
		}
	})
}

// TestReadMutations is FuzzRead's contract on 500 seeded random mutations of a valid
// file, so that every `go test` run checks it: an error or a whole valid table.
func TestReadMutations(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "seed.parquet")
	a := resnetRow("333333333", 0, 1)
	a.TestAcc = Float(0.5)
	b := resnetRow("357333777", 1, 1)
	b.ValidAcc = Float(0.25)
	if err := Write(path, resnetMeta, []Row{a, b}); err != nil {
		t.Fatal(err)
	}
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	want, err := Read(path)
	if err != nil {
		t.Fatal(err)
	}
	r := rand.New(rand.NewPCG(1, 2))
	errs := 0
	for i := range 500 {
		m := append([]byte(nil), data...)
		for range 1 + r.IntN(4) {
			m[r.IntN(len(m))] = byte(r.IntN(256))
		}
		p := filepath.Join(dir, "m.parquet")
		if err := os.WriteFile(p, m, 0o644); err != nil {
			t.Fatal(err)
		}
		tab, err := Read(p)
		if err != nil {
			errs++
			continue
		}
		if err := Validate(tab.Meta(), tab.Rows()); err != nil {
			t.Fatalf("mutation %d: Read returned an invalid table: %v", i, err)
		}
		if diff := cmp.Diff(want.Rows(), tab.Rows()); diff != "" {
			t.Fatalf("mutation %d: Read returned other rows than written:\n%s", i, diff)
		}
		if diff := cmp.Diff(want.Meta(), tab.Meta()); diff != "" {
			t.Fatalf("mutation %d: Read returned other metadata than written:\n%s", i, diff)
		}
	}
	// Whatever is accepted above reads back exactly as written (the change hit bytes that
	// carry nothing, such as created_by); most changes must be refused.
	if errs < 400 {
		t.Errorf("only %d of 500 mutations were errors", errs)
	}
	t.Logf("%d of 500 mutated files refused", errs)
}

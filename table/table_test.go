package table

import (
	"errors"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/mfbench/mfbench/space"
)

const (
	macroPath = "../testdata/nas-bench-macro.parquet"
	nb201Path = "../testdata/nas-bench-201.parquet"
)

func resnetRow(s string, seed, epoch int64) Row {
	a, err := space.ResNet.Parse(s)
	if err != nil {
		panic(err)
	}
	i, _ := space.ResNet.Index(a)
	m, _ := space.ResNet.MACs(a)
	return Row{Arch: space.ResNet.String(a), Index: int64(i), Seed: Int(seed), Epoch: epoch,
		Params: space.ResNet.Params(a), MACs: Int(m)}
}

var resnetMeta = Meta{Space: "resnet", Aggregate: PerSeed, Source: "test",
	Recipe: Recipe{Dataset: "CIFAR-10", Epochs: 2, Batch: 256}}

// TestRoundTripNulls checks that NULL stays NULL and 0 stays 0, and that the metadata and
// every column come back as written.
func TestRoundTripNulls(t *testing.T) {
	a := resnetRow("333333333", 0, 1)
	a.TestAcc = Float(0) // measured zero
	a.ValidAcc = nil     // not measured
	a.TrainLoss = Float(2.25)
	a.TrainSeconds = Float(0)
	b := resnetRow("333333333", 1, 1)
	b.ValidAcc = Float(0.5)
	b.TestAcc = Float(0.5)
	b.TrainAcc = Float(1)
	c := resnetRow("777777777", 0, 2)
	c.FLOPs = Int(12345)
	rows := []Row{c, b, a} // unsorted on purpose

	path := filepath.Join(t.TempDir(), "t.parquet")
	if err := Write(path, resnetMeta, rows); err != nil {
		t.Fatal(err)
	}
	meta, got, err := ReadRows(path)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(resnetMeta, meta); diff != "" {
		t.Errorf("meta (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]Row{a, b, c}, got); diff != "" {
		t.Errorf("rows (-want +got):\n%s", diff)
	}

	tab, err := Read(path)
	if err != nil {
		t.Fatal(err)
	}
	e, err := tab.Lookup(0, 0, 1)
	if err != nil {
		t.Fatal(err)
	}
	if e.TestAcc != 0 || !math.IsNaN(e.ValidAcc) || e.TrainLoss != 2.25 {
		t.Errorf("entry %+v: want test 0, valid NaN (NULL), loss 2.25", e)
	}
	if m, err := tab.Lookup(0, MeanSeed, 1); err != nil || m.TestAcc != 0.25 ||
		!math.IsNaN(m.ValidAcc) {
		t.Errorf("mean entry %+v, %v", m, err)
	}
}

func TestWriteRejects(t *testing.T) {
	good := resnetRow("357333777", 0, 1)
	tests := []struct {
		name string
		meta Meta
		edit func(r *Row)
		want string
	}{
		{"space", Meta{Space: "nope", Aggregate: PerSeed}, nil, "unknown space"},
		{"aggregate", Meta{Space: "resnet", Aggregate: "median"}, nil, "aggregate"},
		{"arch", resnetMeta, func(r *Row) { r.Arch = "357333774" }, "kernel 4"},
		{"canonical", resnetMeta, func(r *Row) { r.Arch = "3,5,7,3,3,3,7,7,7" },
			"not canonical"},
		{"index", resnetMeta, func(r *Row) { r.Index++ }, "index"},
		{"params", resnetMeta, func(r *Row) { r.Params = 0 }, "params 0"},
		{"macs", resnetMeta, func(r *Row) { r.MACs = nil }, "macs NULL"},
		{"acc", resnetMeta, func(r *Row) { r.TestAcc = Float(93.1) }, "outside [0, 1]"},
		{"nan", resnetMeta, func(r *Row) { r.ValidAcc = Float(math.NaN()) }, "NULL"},
		{"epoch", resnetMeta, func(r *Row) { r.Epoch = 0 }, "epoch 0"},
		{"seed", resnetMeta, func(r *Row) { r.Seed = nil }, "seed is NULL"},
		{"mean", Meta{Space: "resnet", Aggregate: MeanOfSeed}, nil, "table of seed means"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := good
			if tt.edit != nil {
				tt.edit(&r)
			}
			path := filepath.Join(t.TempDir(), "t.parquet")
			err := Write(path, tt.meta, []Row{r})
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("Write = %v, want an error containing %q", err, tt.want)
			}
			if _, err := os.Stat(path); !os.IsNotExist(err) {
				t.Errorf("a failed Write left %s", path)
			}
		})
	}

	dup := []Row{good, resnetRow("333333333", 0, 1), good}
	err := Write(filepath.Join(t.TempDir(), "t.parquet"), resnetMeta, dup)
	var re *RowError
	if !errors.As(err, &re) || !strings.Contains(err.Error(), "given twice") {
		t.Errorf("duplicate rows: %v", err)
	}
}

// TestWriteKeepsOld checks that a failed Write leaves the previous file whole.
func TestWriteKeepsOld(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "t.parquet")
	if err := Write(path, resnetMeta, []Row{resnetRow("333333333", 0, 1)}); err != nil {
		t.Fatal(err)
	}
	bad := resnetRow("333333333", 0, 1)
	bad.TestAcc = Float(2)
	if err := Write(path, resnetMeta, []Row{bad}); err == nil {
		t.Fatal("Write of a bad row succeeded")
	}
	if _, err := Read(path); err != nil {
		t.Errorf("old table unreadable after a failed Write: %v", err)
	}
	entries, _ := os.ReadDir(dir)
	if len(entries) != 1 {
		t.Errorf("%d files in the folder, want 1 (no temporary left)", len(entries))
	}
}

func TestReadBadFiles(t *testing.T) {
	data, err := os.ReadFile(macroPath)
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	write := func(name string, b []byte) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, b, 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	corrupt := append([]byte(nil), data...)
	for i := len(corrupt) / 4; i < len(corrupt)/2; i += 97 {
		corrupt[i] ^= 0x5a
	}
	tests := []struct {
		name, path, want string
	}{
		{"missing", filepath.Join(dir, "none.parquet"), "no such file"},
		{"empty", write("empty.parquet", nil), "not a readable Parquet file"},
		{"text", write("text.parquet", []byte("arch,params\n333333333,272474\n")),
			"not a readable Parquet file"},
		{"truncated", write("trunc.parquet", data[:len(data)/2]), "not a readable Parquet"},
		{"tail", write("tail.parquet", data[:len(data)-1]), "not a readable Parquet"},
		{"corrupted", write("corrupt.parquet", corrupt), "corrupted"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tab, err := Read(tt.path)
			if err == nil || tab != nil {
				t.Fatalf("Read = %v, %v; want an error", tab, err)
			}
			if !strings.Contains(err.Error(), tt.want) || !strings.Contains(err.Error(),
				filepath.Base(tt.path)) {
				t.Errorf("Read error %q, want one naming the file and containing %q", err,
					tt.want)
			}
		})
	}
}

// TestReadForeign checks that a valid Parquet file that mfbench did not write is refused.
func TestReadForeign(t *testing.T) {
	path := filepath.Join(t.TempDir(), "foreign.parquet")
	type other struct {
		Name string  `parquet:"name"`
		Acc  float64 `parquet:"acc"`
	}
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	if err := writeForeign(f, []other{{"a", 0.5}}); err != nil {
		t.Fatal(err)
	}
	f.Close()
	_, err = Read(path)
	if err == nil || !strings.Contains(err.Error(), "not an mfbench table") {
		t.Errorf("Read of a foreign file = %v", err)
	}
}

func TestPublishedMacro(t *testing.T) {
	tab, err := Read(macroPath)
	if err != nil {
		t.Fatal(err)
	}
	if got := len(tab.Rows()); got != 6561*3 {
		t.Errorf("%d rows, want %d", got, 6561*3)
	}
	if diff := cmp.Diff([]int64{0, 1, 2}, tab.Seeds()); diff != "" {
		t.Errorf("seeds: %s", diff)
	}
	if tab.Count() != 6561 || tab.MaxEpoch() != 50 {
		t.Errorf("count %d epoch %d", tab.Count(), tab.MaxEpoch())
	}

	// "02012100": test_acc 89.47000122070312, 88.94999694824219, 89.16999816894531;
	// params 890666; flops 47327744 (the first entry of the published file).
	a, _ := space.Macro.Parse("02012100")
	i, _ := space.Macro.Index(a)
	for seed, want := range []float64{89.47000122070312, 88.94999694824219, 89.16999816894531} {
		e, err := tab.Lookup(i, int64(seed), 50)
		if err != nil || e.TestAcc != want/100 {
			t.Errorf("seed %d: %v, %v; want %v", seed, e.TestAcc, err, want/100)
		}
		if !math.IsNaN(e.ValidAcc) {
			t.Errorf("valid acc %v, want NaN (not published)", e.ValidAcc)
		}
	}
	if f, ok := tab.FLOPs(i); !ok || f != 47327744 || tab.Params(i) != 890666 {
		t.Errorf("flops %d params %d", f, tab.Params(i))
	}
	m, err := tab.Lookup(i, MeanSeed, 50)
	if want := 0.8919666544596355; err != nil || math.Abs(m.TestAcc-want) > 1e-12 {
		t.Errorf("mean %v, %v; want %v", m.TestAcc, err, want)
	}

	// Every row's params equal the space's count (the 6,561 published counts).
	for _, r := range tab.Rows() {
		a, _ := space.Macro.Parse(r.Arch)
		if space.Macro.Params(a) != r.Params {
			t.Fatalf("%s: params %d, space %d", r.Arch, r.Params, space.Macro.Params(a))
		}
	}
}

func TestPublishedNB201(t *testing.T) {
	tab, err := Read(nb201Path)
	if err != nil {
		t.Fatal(err)
	}
	if tab.Meta().Aggregate != MeanOfSeed || len(tab.Rows()) != 15625 {
		t.Fatalf("aggregate %q rows %d", tab.Meta().Aggregate, len(tab.Rows()))
	}
	e, err := tab.Lookup(6111, MeanSeed, 200)
	if err != nil || math.Abs(e.TestAcc-0.9437333333333333) > 1e-15 {
		t.Errorf("index 6111: %v, %v; want 0.94373", e.TestAcc, err)
	}
	best := 0.0
	for i := range 15625 {
		e, _ := tab.Lookup(i, MeanSeed, 200)
		best = max(best, e.TestAcc)
	}
	if best != e.TestAcc {
		t.Errorf("best accuracy %v, want index 6111's %v", best, e.TestAcc)
	}
}

func TestMissing(t *testing.T) {
	path := filepath.Join(t.TempDir(), "t.parquet")
	rows := []Row{resnetRow("333333333", 0, 1), resnetRow("333333333", 0, 2),
		resnetRow("333333333", 1, 1), resnetRow("777777777", 0, 1)}
	if err := Write(path, resnetMeta, rows); err != nil {
		t.Fatal(err)
	}
	tab, err := Read(path)
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		index       int
		seed, epoch int64
		want        string
	}{
		{1, 0, 1, "architecture not in the table"},
		{0, 5, 1, "no seed 5"},
		{0, 0, 3, "no epoch 3"},
		{0, 1, 2, "architecture not in the table"},
		{0, MeanSeed, 2, "not every seed"},
		{-1, 0, 1, "outside the space"},
		{19683, 0, 1, "outside the space"},
	}
	for _, tt := range tests {
		_, err := tab.Lookup(tt.index, tt.seed, tt.epoch)
		var me *MissingError
		if !errors.As(err, &me) || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("Lookup(%d, %d, %d) = %v, want a *MissingError with %q", tt.index,
				tt.seed, tt.epoch, err, tt.want)
		}
	}
	if _, err := tab.Lookup(0, MeanSeed, 1); err != nil {
		t.Errorf("mean of seeds 0 and 1 at epoch 1: %v", err)
	}
}

func BenchmarkLookup(b *testing.B) {
	tab, err := Read(macroPath)
	if err != nil {
		b.Fatal(err)
	}
	n := tab.Space().Len()
	i := 0
	var sink float64
	for b.Loop() {
		e, _ := tab.Lookup(i, int64(i%3), 50)
		sink += e.TestAcc
		i++
		if i == n {
			i = 0
		}
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "queries/s")
	_ = sink
}

// TestBest checks the optima design.md gives for the published tables.
func TestBest(t *testing.T) {
	macro, err := Read(macroPath)
	if err != nil {
		t.Fatal(err)
	}
	o, err := macro.Best(1, Test, 50)
	if err != nil || o.Arch != "11100000" || math.Abs(o.M-0.8461) > 5e-5 {
		t.Errorf("macro best = %+v, %v; want 11100000 at 0.8461", o, err)
	}
	if _, err := macro.Best(1, Valid, 50); err == nil {
		t.Error("Best on validation accuracy of a table without it succeeded")
	}

	nb, err := Read(nb201Path)
	if err != nil {
		t.Fatal(err)
	}
	o, err = nb.Best(1, Test, 200)
	if err != nil || o.Params != 73306 || math.Abs(o.M-0.9293) > 5e-5 ||
		math.Abs(o.Accuracy-0.868) > 5e-4 {
		t.Errorf("nb201 best = %+v, %v; want a conv-free cell at 0.9293", o, err)
	}
	if m, _ := nb.MBeta(6111, MeanSeed, 200, 1, Test); math.Abs(m-0.127) > 5e-4 {
		t.Errorf("M of the most accurate cell = %v, want 0.127", m)
	}
	// A small beta moves the optimum to the most accurate cell.
	o, _ = nb.Best(0.01, Test, 200)
	if o.Index != 6111 {
		t.Errorf("nb201 best at beta 0.01 = %+v, want index 6111", o)
	}
}

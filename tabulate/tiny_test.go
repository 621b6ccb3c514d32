package tabulate

import (
	"strings"
	"testing"

	"github.com/mfbench/mfbench/space"
	"github.com/mfbench/mfbench/table"
)

// TestTinyTable reads the committed tiny CPU run (README.md, section Regenerating the
// ResNet table, says how it was made): 3 architectures x 2 seeds x 1 epoch, every value
// measured, exact params.
func TestTinyTable(t *testing.T) {
	const path = "testdata/resnet-tiny.parquet"
	tb, err := table.Read(path)
	if err != nil {
		t.Fatal(err)
	}
	meta, rows, err := table.ReadRows(path)
	if err != nil {
		t.Fatal(err)
	}
	if meta.Space != "resnet" || meta.Aggregate != table.PerSeed ||
		!strings.Contains(meta.Notes, "tiny CPU smoke run") || meta.Recipe.Subset == "" {
		t.Errorf("metadata %+v does not describe a per-seed tiny CPU subset run", meta)
	}
	// The notes point to where the commands are (README-section.md files were merged
	// into README.md and no longer exist).
	if !strings.Contains(meta.Notes, "README.md, section Regenerating the ResNet table") ||
		strings.Contains(meta.Notes, "README-section") {
		t.Errorf("notes %q do not point to the README section", meta.Notes)
	}
	if len(rows) != 6 || len(tb.Seeds()) != 2 {
		t.Fatalf("%d rows, seeds %v; want 6 rows, seeds 0 and 1", len(rows), tb.Seeds())
	}
	want := map[string]int64{"333333333": 272474, "357333777": 696410, "777777777": 815194}
	for _, r := range rows {
		if r.Params != want[r.Arch] || r.Epoch != 1 || r.TestAcc == nil || r.ValidAcc == nil ||
			r.TrainLoss == nil || r.TrainSeconds == nil || *r.TrainSeconds <= 0 {
			t.Errorf("row %s seed %v: params %d epoch %d, or a value missing", r.Arch, *r.Seed,
				r.Params, r.Epoch)
		}
		a, _ := space.ResNet.Parse(r.Arch)
		if idx, _ := space.ResNet.Index(a); int64(idx) != r.Index {
			t.Errorf("row %s has index %d, want %d", r.Arch, r.Index, idx)
		}
	}
}

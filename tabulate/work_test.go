package tabulate

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/mfbench/mfbench/table"
)

func testPlan(t *testing.T) Plan {
	t.Helper()
	p, err := NewPlan([]string{"333333333", "777777777", "357333777"}, []int64{0, 1},
		Recipe{Epochs: 2, TrainLimit: 8})
	if err != nil {
		t.Fatal(err)
	}
	return p
}

func TestPlanShards(t *testing.T) {
	p := testPlan(t)
	if got := len(p.Units()); got != 6 {
		t.Fatalf("%d units, want 6", got)
	}
	// Every unit in exactly one of 4 shards; shard 1 holds units 1 and 5.
	seen := map[int]int{}
	for i := range 4 {
		for _, u := range p.Shard(i, 4) {
			seen[u.Number]++
		}
	}
	for n := range 6 {
		if seen[n] != 1 {
			t.Errorf("unit %d in %d shards", n, seen[n])
		}
	}
	s1 := p.Shard(1, 4)
	if len(s1) != 2 || s1[0].Arch != "333333333" || s1[0].Seed != 1 ||
		s1[1].Arch != "357333777" || s1[1].Seed != 1 {
		t.Errorf("shard 1/4 = %+v, want 333333333 seed 1 and 357333777 seed 1", s1)
	}
	if _, err := NewPlan([]string{"333333333", "333333333"}, []int64{0}, Recipe{}); err == nil {
		t.Error("a plan with a repeated architecture was accepted")
	}
	if _, err := NewPlan([]string{"33333333"}, []int64{0}, Recipe{}); err == nil {
		t.Error("a plan with an 8-digit architecture was accepted")
	}
	// Seed -1 is table.MeanSeed, the mean over seeds; no training seed is negative.
	if _, err := NewPlan([]string{"333333333"}, []int64{0, -1}, Recipe{}); err == nil ||
		!strings.Contains(err.Error(), "seed -1 is negative") {
		t.Errorf("a plan with seed -1: %v, want a refusal", err)
	}
}

func TestOpenWorkDirOtherPlanUntouched(t *testing.T) {
	p := testPlan(t)
	dir := filepath.Join(t.TempDir(), "w")
	if _, err := OpenWorkDir(dir, p); err != nil {
		t.Fatal(err)
	}
	before, _ := os.ReadFile(filepath.Join(dir, "plan.json"))
	os.Remove(filepath.Join(dir, "units"))
	other, _ := NewPlan([]string{"333333333"}, []int64{0}, Recipe{})
	if _, err := OpenWorkDir(dir, other); err == nil ||
		!strings.Contains(err.Error(), "holds a different plan") {
		t.Fatalf("OpenWorkDir of another plan: %v, want a refusal", err)
	}
	after, _ := os.ReadFile(filepath.Join(dir, "plan.json"))
	if _, err := os.Stat(filepath.Join(dir, "units")); !errors.Is(err, os.ErrNotExist) ||
		string(before) != string(after) {
		t.Errorf("the refused OpenWorkDir changed the folder (units/: %v)", err)
	}
}

func TestParseShardAndEnv(t *testing.T) {
	for _, bad := range []string{"", "1", "2/2", "-1/3", "a/b", "0/0"} {
		if _, _, err := ParseShard(bad); err == nil {
			t.Errorf("ParseShard(%q) accepted", bad)
		}
	}
	env := func(m map[string]string) func(string) string {
		return func(k string) string { return m[k] }
	}
	cases := []struct {
		env      map[string]string
		jobs     int
		i, n     int
		ok, fail bool
	}{
		{map[string]string{}, 0, 0, 0, false, false},
		{map[string]string{"SLURM_ARRAY_TASK_ID": "2", "SLURM_ARRAY_TASK_COUNT": "4"}, 0, 2, 4, true, false},
		{map[string]string{"SLURM_ARRAY_TASK_ID": "4", "SLURM_ARRAY_TASK_COUNT": "4"}, 0, 0, 0, false, true},
		{map[string]string{"JOB_COMPLETION_INDEX": "1"}, 3, 1, 3, true, false},
		{map[string]string{"JOB_COMPLETION_INDEX": "1"}, 0, 0, 0, false, true},
	}
	for _, c := range cases {
		i, n, ok, err := ShardFromEnv(env(c.env), c.jobs)
		if (err != nil) != c.fail || ok != c.ok || i != c.i || n != c.n {
			t.Errorf("ShardFromEnv(%v, %d) = %d, %d, %v, %v", c.env, c.jobs, i, n, ok, err)
		}
		// One "tabulate: " prefix, and the message names the variables.
		if err != nil && (strings.Count(err.Error(), "tabulate:") != 1 ||
			!strings.Contains(err.Error(), "want")) {
			t.Errorf("ShardFromEnv(%v, %d): error %q, want one prefix and the reason",
				c.env, c.jobs, err)
		}
	}
}

// fakeResult is a finished unit with made-up but valid numbers (no training).
func fakeResult(u Unit) Result {
	r := Result{Arch: u.Arch, Seed: u.Seed, Backend: "test", Images: 8}
	for e := 1; e <= 2; e++ {
		f := float64(u.Number*10+e) / 100
		r.Epochs = append(r.Epochs, Epoch{Epoch: e, TrainLoss: 2 - f, TrainAcc: f, ValidAcc: f,
			TestAcc: f, TrainSeconds: float64(e)})
	}
	return r
}

func TestWorkDirMergeShards(t *testing.T) {
	p := testPlan(t)
	base := t.TempDir()
	dirs := []string{filepath.Join(base, "a"), filepath.Join(base, "b")}

	// Shard 0/2 in folder a, shard 1/2 in folder b; b is missing one unit at first.
	for i, d := range dirs {
		w, err := OpenWorkDir(d, p)
		if err != nil {
			t.Fatal(err)
		}
		for k, u := range p.Shard(i, 2) {
			if i == 1 && k == 2 {
				continue
			}
			if err := w.Save(u, fakeResult(u)); err != nil {
				t.Fatal(err)
			}
		}
		if i == 0 {
			w.MarkShardDone(0, 2)
		}
	}
	_, _, _, err := Assemble(dirs, AssembleOptions{})
	var me *MissingError
	if !errors.As(err, &me) || me.Missing != 1 || me.Shards[2][1] != 1 ||
		len(me.NotDone[2]) != 1 || me.NotDone[2][0] != 1 ||
		!strings.Contains(err.Error(), "357333777 seed 1") {
		t.Fatalf("Assemble with a missing unit: %v, want 1 missing in shard 1/2", err)
	}
	t.Log(err)
	meta, rows, _, err := Assemble(dirs, AssembleOptions{Partial: true})
	if err != nil || len(rows) != 10 || !strings.Contains(meta.Notes, "PARTIAL") {
		t.Fatalf("partial assemble: %d rows, notes %q, err %v; want 10 rows marked PARTIAL",
			len(rows), meta.Notes, err)
	}

	// Complete it; the table has 6 units x 2 epochs, each exactly once, and reads back.
	w, _ := OpenWorkDir(dirs[1], p)
	u := p.Shard(1, 2)[2]
	w.Save(u, fakeResult(u))
	meta, rows, _, err = Assemble(dirs, AssembleOptions{Notes: "test"})
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(base, "t.parquet")
	if err := table.Write(path, meta, rows); err != nil {
		t.Fatal(err)
	}
	tb, err := table.Read(path)
	if err != nil {
		t.Fatal(err)
	}
	e, err := tb.Lookup(0, 1, 2) // 333333333 (index 0), seed 1, epoch 2: unit 1
	if err != nil || e.TestAcc != 0.12 || e.TrainLoss != 1.88 {
		t.Errorf("Lookup(333333333, seed 1, epoch 2) = %+v, %v; want test acc 0.12, loss 1.88", e, err)
	}
	if len(rows) != 12 {
		t.Errorf("%d rows, want 12", len(rows))
	}

	// A folder of another plan is refused, by OpenWorkDir and by Assemble.
	other, _ := NewPlan([]string{"333333333", "777777777", "357333777"}, []int64{0, 1},
		Recipe{Epochs: 3, TrainLimit: 8})
	if _, err := OpenWorkDir(dirs[0], other); err == nil {
		t.Error("OpenWorkDir accepted a folder of another plan")
	}
	od := filepath.Join(base, "other")
	OpenWorkDir(od, other)
	if _, _, _, err := Assemble([]string{dirs[0], od}, AssembleOptions{Partial: true}); err == nil ||
		!strings.Contains(err.Error(), "different plans") {
		t.Errorf("Assemble of two plans: %v, want a refusal", err)
	}
}

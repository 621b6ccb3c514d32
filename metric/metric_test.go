package metric

import (
	"bytes"
	"math"
	"os"
	"testing"

	"github.com/mfbench/mfbench/space"
)

func near(a, b, tol float64) bool { return math.Abs(a-b) <= tol }

func TestM(t *testing.T) {
	tests := []struct {
		a, s, beta, want float64
	}{
		{1, 1, 1, 1},
		{0.5, 1, 1, 2 * 0.5 / 1.5},
		{0.9, 0.1, 1, 2 * 0.09 / 1.0},
		{0, 0, 1, 0},
		{0.8, 0.4, 2, 5 * 0.32 / (4*0.8 + 0.4)},    // (1+4) a s / (4 a + s)
		{0.8, 0.4, 0.5, 1.25 * 0.32 / (0.2 + 0.4)}, // (1+1/4) a s / (a/4 + s)
	}
	for _, tt := range tests {
		if got := MBeta(tt.a, tt.s, tt.beta); !near(got, tt.want, 1e-15) {
			t.Errorf("MBeta(%v, %v, %v) = %v, want %v", tt.a, tt.s, tt.beta, got, tt.want)
		}
	}
	if got := M(0.9, 0.1); !near(got, 0.18, 1e-15) {
		t.Errorf("M(0.9, 0.1) = %v, want 0.18", got)
	}
	for _, bad := range [][3]float64{{-0.1, 1, 1}, {1, 1, 0}, {math.NaN(), 1, 1},
		{1, 1, math.NaN()}, {1, 1, -2}} {
		if got := MBeta(bad[0], bad[1], bad[2]); !math.IsNaN(got) {
			t.Errorf("MBeta(%v) = %v, want NaN", bad, got)
		}
	}
}

// TestBetaDirection checks that beta > 1 favours the small model and beta < 1 the
// accurate one, and that the limits are s and a.
func TestBetaDirection(t *testing.T) {
	accurate := [2]float64{0.94, 0.05} // (a, s): accurate, large
	small := [2]float64{0.87, 1}       // less accurate, smallest
	for _, beta := range []float64{2, 4} {
		if MBeta(small[0], small[1], beta) <= MBeta(accurate[0], accurate[1], beta) {
			t.Errorf("beta %v does not favour the small model", beta)
		}
	}
	if MBeta(accurate[0], 0.9, 0.25) <= MBeta(small[0], small[1], 0.25) {
		t.Error("beta 0.25 does not favour the more accurate model of similar size")
	}
	if got := MBeta(0.7, 0.3, 1e4); !near(got, 0.3, 1e-6) {
		t.Errorf("MBeta at large beta = %v, want s = 0.3", got)
	}
	for _, beta := range []float64{1e200, 1e300, math.Inf(1)} {
		if got := MBeta(0.7, 0.3, beta); !near(got, 0.3, 1e-15) {
			t.Errorf("MBeta at beta %g = %v, want s = 0.3", beta, got)
		}
	}
	if got := MBeta(0, 0.3, math.Inf(1)); got != 0 {
		t.Errorf("MBeta(0, 0.3, Inf) = %v, want 0", got)
	}
	if got := MBeta(0.7, 0.3, 1e-4); !near(got, 0.7, 1e-6) {
		t.Errorf("MBeta at small beta = %v, want a = 0.7", got)
	}
}

func TestEfficiency(t *testing.T) {
	if got := Efficiency(544948, 272474); got != 0.5 {
		t.Errorf("Efficiency = %v, want 0.5", got)
	}
	if !math.IsNaN(Efficiency(100, 200)) || !math.IsNaN(Efficiency(100, 0)) {
		t.Error("Efficiency of params < pmin or pmin = 0 is not NaN")
	}
}

func TestNetScore(t *testing.T) {
	// 20 log10(90^2 / sqrt(4 * 25)) = 20 log10(810) = 58.169...
	if got := NetScore(0.9, 4e6, 25e6); !near(got, 20*math.Log10(810), 1e-12) {
		t.Errorf("NetScore = %v, want %v", got, 20*math.Log10(810))
	}
	if !math.IsNaN(NetScore(0.9, 0, 1)) {
		t.Error("NetScore with zero params is not NaN")
	}
	if got := AccuracyPerParam(0.5, 1000); got != 0.0005 {
		t.Errorf("AccuracyPerParam = %v", got)
	}
}

func TestAuditTable1(t *testing.T) {
	want := []struct {
		m      float64
		agrees bool
		match  string
	}{
		{0.8494, true, ""},
		{0.8231, true, ""},
		{0.6793, false, "TPE"},
		{0.7552, false, "random"},
	}
	for i, r := range AuditTable1() {
		if !near(r.M, want[i].m, 5e-5) || r.Agrees != want[i].agrees ||
			r.MatchesM != want[i].match {
			t.Errorf("%s: M %.4f agrees %v matches %q; want %.4f %v %q", r.Strategy, r.M,
				r.Agrees, r.MatchesM, want[i].m, want[i].agrees, want[i].match)
		}
	}
}

func TestWriteAuditGolden(t *testing.T) {
	var buf bytes.Buffer
	if err := WriteAudit(&buf); err != nil {
		t.Fatal(err)
	}
	golden := "testdata/audit.md"
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatal(err)
	}
	if got := buf.String(); got != string(want) {
		os.WriteFile(golden+".got", buf.Bytes(), 0o644)
		t.Errorf("audit differs from %s; wrote %s.got:\n%s", golden, golden, got)
	}
}

func TestPaperPMin(t *testing.T) {
	if got := space.PMin(space.ResNet); got != PaperPMin {
		t.Errorf("space.PMin(ResNet) = %d, PaperPMin = %d", got, PaperPMin)
	}
}

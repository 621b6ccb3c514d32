package space

import (
	"encoding/json"
	"errors"
	"math"
	"os"
	"path/filepath"
	"testing"
)

func TestResNetGolden(t *testing.T) {
	all := func(c int) Arch { return Arch{c, c, c, c, c, c, c, c, c} }

	if got := ResNet.Params(all(0)); got != 272474 {
		t.Errorf("params all 3x3 = %d, want 272474", got)
	}
	if got := ResNet.Params(all(2)); got != 815194 {
		t.Errorf("params all 7x7 = %d, want 815194", got)
	}
	if got := PMin(ResNet); got != 272474 {
		t.Errorf("PMin = %d, want 272474", got)
	}
	if got, _ := ResNet.MACs(all(0)); got != 40813184 {
		t.Errorf("MACs all 3x3 = %d, want 40813184", got)
	}
	if got, _ := ResNet.MACs(all(2)); got != 124699264 {
		t.Errorf("MACs all 7x7 = %d, want 124699264", got)
	}

	// Distinct counts, the mean MACs and the paper's four Table 1 counts.
	counts := map[int64]int{}
	var sumMACs int64
	for i := range ResNet.Len() {
		a := ResNet.Arch(i)
		counts[ResNet.Params(a)]++
		m, _ := ResNet.MACs(a)
		sumMACs += m
	}
	if len(counts) != 260 {
		t.Errorf("distinct params = %d, want 260", len(counts))
	}
	if mean := float64(sumMACs) / 19683; math.Abs(mean-79960021.33) > 0.005 {
		t.Errorf("mean MACs = %.2f, want 79,960,021.33", mean)
	}
	for p, n := range map[int64]int{284762: 4, 301146: 14, 401498: 92, 350298: 46} {
		if counts[p] != n {
			t.Errorf("architectures with %d params = %d, want %d", p, counts[p], n)
		}
	}
}

func TestResNetMixed(t *testing.T) {
	// Block 0 at 5x5 adds 16*16*(25-9) = 4,096 weights; block 8 at 7x7 adds
	// 64*64*(49-9) = 163,840.
	a, err := ResNet.Parse("533333337")
	if err != nil {
		t.Fatal(err)
	}
	if got, want := ResNet.Params(a), int64(272474+4096+163840); got != want {
		t.Errorf("params %s = %d, want %d", ResNet.String(a), got, want)
	}
	// MACs grow by the same weights times the output pixels: 1,024 and 64.
	if got, _ := ResNet.MACs(a); got != 40813184+4096*1024+163840*64 {
		t.Errorf("MACs %s = %d", ResNet.String(a), got)
	}
}

func TestNB201Ends(t *testing.T) {
	conv3, none := Arch{3, 3, 3, 3, 3, 3}, Arch{0, 0, 0, 0, 0, 0}
	if got := NB201.Params(none); got != 73306 {
		t.Errorf("params of the conv-free cell = %d, want 73306", got)
	}
	if got := NB201.Params(conv3); got != 1531546 {
		t.Errorf("params of the all-3x3 cell = %d, want 1531546", got)
	}
	if got := PMin(NB201); got != 73306 {
		t.Errorf("PMin = %d, want 73306", got)
	}
	if got := PMax(NB201); got != 1531546 {
		t.Errorf("PMax = %d, want 1531546", got)
	}
	// Published FLOPs: 7.78305 M and 220.11969 M, which count 10 classifier biases.
	if got, _ := NB201.MACs(none); got+10 != 7783050 {
		t.Errorf("MACs of the conv-free cell = %d, want 7783040", got)
	}
	if got, _ := NB201.MACs(conv3); got+10 != 220119690 {
		t.Errorf("MACs of the all-3x3 cell = %d, want 220119680", got)
	}

	// The benchmark's best cell (94.37 %) is its index 6111.
	best := "|nor_conv_3x3~0|+|nor_conv_3x3~0|nor_conv_3x3~1|+|skip_connect~0|nor_conv_3x3~1|" +
		"nor_conv_1x1~2|"
	a, err := NB201.Parse(best)
	if err != nil {
		t.Fatal(err)
	}
	if i, _ := NB201.Index(a); i != 6111 {
		t.Errorf("index of %s = %d, want 6111", best, i)
	}
}

// TestMacroPublishedParams checks the derived count of every architecture against the
// published file, when ../shared is beside the checkout. The shipped table carries the
// same counts and is checked in package table.
func TestMacroPublishedParams(t *testing.T) {
	path := filepath.Join("..", "..", "shared", "tables", "nas-bench-macro-cifar10.json")
	data, err := os.ReadFile(path)
	if err != nil {
		t.Skipf("published NAS-Bench-Macro file not found (%v)", err)
	}
	var rows map[string]struct{ Params, FLOPs int64 }
	if err := json.Unmarshal(data, &rows); err != nil {
		t.Fatal(err)
	}
	if len(rows) != 6561 {
		t.Fatalf("%d architectures in %s, want 6561", len(rows), path)
	}
	for s, r := range rows {
		a, err := Macro.Parse(s)
		if err != nil {
			t.Fatal(err)
		}
		if got := Macro.Params(a); got != r.Params {
			t.Errorf("params %s = %d, published %d", s, got, r.Params)
		}
		if got, _ := Macro.MACs(a); got != r.FLOPs {
			t.Errorf("MACs %s = %d, published FLOPs %d", s, got, r.FLOPs)
		}
	}
	if got := PMin(Macro); got != 387882 {
		t.Errorf("PMin = %d, want 387882", got)
	}
	if got := PMax(Macro); got != 2932586 {
		t.Errorf("PMax = %d, want 2932586", got)
	}
}

func TestRoundTrip(t *testing.T) {
	for _, s := range All() {
		t.Run(s.Name(), func(t *testing.T) {
			seen := map[string]bool{}
			for i := range s.Len() {
				a := s.Arch(i)
				str := s.String(a)
				if seen[str] {
					t.Fatalf("string %q given to two indices", str)
				}
				seen[str] = true
				b, err := s.Parse(str)
				if err != nil {
					t.Fatalf("Parse(String(Arch(%d))): %v", i, err)
				}
				j, err := s.Index(b)
				if err != nil || j != i {
					t.Fatalf("Index(Parse(String(Arch(%d)))) = %d, %v", i, j, err)
				}
			}
		})
	}
}

func TestParseForms(t *testing.T) {
	tests := []struct {
		space Space
		in    string
		want  string // canonical, or "" for an error
	}{
		{ResNet, "357333777", "357333777"},
		{ResNet, " 3,5,7,3,3,3,7,7,7 ", "357333777"},
		{ResNet, "3x3-5x5-7x7-3x3-3x3-3x3-7x7-7x7-7x7", "357333777"},
		{ResNet, "3 5 7 3 3 3 7 7 7", "357333777"},
		{ResNet, "35733377", ""},   // 8 blocks
		{ResNet, "3573337777", ""}, // 10 blocks
		{ResNet, "357433777", ""},  // kernel 4
		{ResNet, "3x5,5,7,3,3,3,7,7,7", ""},
		{ResNet, "", ""},
		{Macro, "02012100", "02012100"},
		{Macro, "0,2,0,1,2,1,0,0", "02012100"},
		{Macro, "02012130", ""},
		{Macro, "0201210", ""},
		{NB201, "|none~0|+|none~0|none~1|+|none~0|none~1|none~2|",
			"|none~0|+|none~0|none~1|+|none~0|none~1|none~2|"},
		{NB201, "|avg_pool_3x3~0|+|skip_connect~1|nor_conv_1x1~0|+" +
			"|skip_connect~2|skip_connect~1|nor_conv_1x1~0|",
			"|avg_pool_3x3~0|+|nor_conv_1x1~0|skip_connect~1|+" +
				"|nor_conv_1x1~0|skip_connect~1|skip_connect~2|"},
		{NB201, "|conv_5x5~0|+|none~0|none~1|+|none~0|none~1|none~2|", ""},
		{NB201, "|none~0|+|none~0|none~0|+|none~0|none~1|none~2|", ""},
		{NB201, "|none~1|+|none~0|none~1|+|none~0|none~1|none~2|", ""},
		{NB201, "|none~0|+|none~0|none~1|", ""},
		{NB201, "|none~0|+|none~0|+|none~0|none~1|none~2|", ""},
	}
	for _, tt := range tests {
		a, err := tt.space.Parse(tt.in)
		if tt.want == "" {
			var pe *ParseError
			if !errors.As(err, &pe) || pe.Input != tt.in || pe.Reason == "" {
				t.Errorf("%s.Parse(%q) = %v, %v; want a *ParseError", tt.space.Name(), tt.in,
					a, err)
			}
			continue
		}
		if err != nil {
			t.Errorf("%s.Parse(%q): %v", tt.space.Name(), tt.in, err)
			continue
		}
		if got := tt.space.String(a); got != tt.want {
			t.Errorf("%s.Parse(%q) = %s, want %s", tt.space.Name(), tt.in, got, tt.want)
		}
	}
}

func TestIndexErrors(t *testing.T) {
	for _, a := range []Arch{{0, 0}, {0, 0, 0, 0, 0, 0, 0, 0, 3}, {-1, 0, 0, 0, 0, 0, 0, 0, 0}} {
		if _, err := ResNet.Index(a); err == nil {
			t.Errorf("ResNet.Index(%v) succeeded", a)
		}
	}
	if _, err := ByName("nas-bench-301"); err == nil {
		t.Error("ByName of an unknown space succeeded")
	}
}

func FuzzParse(f *testing.F) {
	f.Add("357333777")
	f.Add("02012100")
	f.Add("|none~0|+|none~0|none~1|+|none~0|none~1|none~2|")
	f.Fuzz(func(t *testing.T, s string) {
		for _, sp := range All() {
			a, err := sp.Parse(s)
			if err != nil {
				continue
			}
			// Whatever parses is canonical after one round.
			c := sp.String(a)
			b, err := sp.Parse(c)
			if err != nil || sp.String(b) != c {
				t.Fatalf("%s: %q parsed to %q, which does not round-trip", sp.Name(), s, c)
			}
		}
	})
}

package main

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestGolden runs each command on the shipped tables and compares the output with
// testdata/NAME.golden; a mismatch writes NAME.got beside it.
func TestGolden(t *testing.T) {
	tests := []struct {
		name string
		args []string
	}{
		{"info-nb201", []string{"info", "../../testdata/nas-bench-201.parquet"}},
		{"info-macro", []string{"info", "../../testdata/nas-bench-macro.parquet"}},
		{"top-macro", []string{"top", "-n", "5", "../../testdata/nas-bench-macro.parquet"}},
		{"top-nb201-beta", []string{"top", "-n", "3", "-beta", "0.1",
			"../../testdata/nas-bench-201.parquet"}},
		{"query-macro", []string{"query", "-seed", "1", "../../testdata/nas-bench-macro.parquet",
			"0-2-0-1-2-1-0-0"}},
		{"audit", []string{"audit"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var buf bytes.Buffer
			if err := run(&buf, tt.args); err != nil {
				t.Fatal(err)
			}
			golden := filepath.Join("testdata", tt.name+".golden")
			want, err := os.ReadFile(golden)
			if err != nil {
				t.Fatal(err)
			}
			if buf.String() != string(want) {
				os.WriteFile(strings.TrimSuffix(golden, ".golden")+".got", buf.Bytes(), 0o644)
				t.Errorf("output differs from %s:\n%s", golden, buf.String())
			}
		})
	}
}

func TestErrors(t *testing.T) {
	macro := "../../testdata/nas-bench-macro.parquet"
	tests := []struct {
		args  []string
		usage bool
		want  string
	}{
		{nil, true, "usage"},
		{[]string{"frobnicate"}, true, "unknown command"},
		{[]string{"info"}, true, "want 1 arguments"},
		{[]string{"top", "-beta", "0", macro}, true, "must be positive"},
		{[]string{"query", macro, "02012103"}, false, `"02012103"`},
		{[]string{"query", "-epoch", "49", macro, "02012100"}, false, "no epoch 49"},
		{[]string{"info", "nonexistent.parquet"}, false, "nonexistent.parquet"},
		{[]string{"audit", "extra"}, true, "no arguments"},
		{[]string{"top", "-beta", "Inf", macro}, true, "finite"},
		{[]string{"top", "-epoch", "3", macro}, false, "no epoch 3"},
		{[]string{"query", macro, "02012100", "-seed", "1"}, true, "flags go before FILE"},
		{[]string{"query", "-seed", "0", "../../testdata/nas-bench-201.parquet",
			"|none~0|+|none~0|none~1|+|none~0|none~1|none~2|"}, false, "only means over seeds"},
	}
	for _, tt := range tests {
		err := run(&bytes.Buffer{}, tt.args)
		var u usageError
		if err == nil || errors.As(err, &u) != tt.usage || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("run(%q) = %v; want usage=%v and %q", tt.args, err, tt.usage, tt.want)
		}
	}
}

func TestHelp(t *testing.T) {
	for _, cmd := range []string{"info", "query", "top"} {
		var buf bytes.Buffer
		if err := run(&buf, []string{cmd, "-h"}); err != nil {
			t.Errorf("%s -h: %v, want nil", cmd, err)
		}
		if !strings.Contains(buf.String(), "flags of "+cmd) {
			t.Errorf("%s -h printed %q", cmd, buf.String())
		}
	}
	var buf bytes.Buffer
	if err := run(&buf, []string{"query", "-h"}); err != nil ||
		!strings.Contains(buf.String(), "-seed") {
		t.Errorf("query -h = %v, %q; want the -seed flag listed", err, buf.String())
	}
}

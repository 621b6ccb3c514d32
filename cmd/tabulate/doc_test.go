package main

import (
	"bytes"
	"context"
	"go/parser"
	"go/token"
	"regexp"
	"strings"
	"testing"
)

// TestDocIsManual checks that the package doc (the command's manual) names only flags
// that exist, and names the environment variables the command reads.
func TestDocIsManual(t *testing.T) {
	f, err := parser.ParseFile(token.NewFileSet(), "main.go", nil, parser.ParseComments|parser.PackageClauseOnly)
	if err != nil {
		t.Fatal(err)
	}
	doc := f.Doc.Text()
	var help bytes.Buffer
	for _, sub := range []string{"run", "merge"} {
		run(context.Background(), &help, &help, []string{sub, "-h"})
	}
	for _, m := range regexp.MustCompile(`(?:^|[\s(])(-[a-z][a-z-]*)`).FindAllStringSubmatch(doc, -1) {
		if !strings.Contains(help.String(), "  "+m[1]+"\n") && !strings.Contains(help.String(), "  "+m[1]+" ") {
			t.Errorf("the doc names %s, which neither run -h nor merge -h lists", m[1])
		}
	}
	for _, env := range []string{"SLURM_ARRAY_TASK_ID", "SLURM_ARRAY_TASK_COUNT",
		"JOB_COMPLETION_INDEX", "GOMLX_BACKEND", "GOMLX_NO_AUTO_INSTALL"} {
		if !strings.Contains(doc, env) {
			t.Errorf("the doc does not mention %s", env)
		}
	}
}

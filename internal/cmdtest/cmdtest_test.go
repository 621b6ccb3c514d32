package cmdtest

import (
	"fmt"
	"os"
	"strings"
	"testing"
)

// fakeMain echoes its arguments and exits 3 when the first is "fail".
func fakeMain() {
	fmt.Println(strings.Join(os.Args[1:], "|"))
	if len(os.Args) > 1 && os.Args[1] == "fail" {
		fmt.Fprintln(os.Stderr, "failed")
		os.Exit(3)
	}
}

func TestMain(m *testing.M) {
	Main(fakeMain)
	os.Exit(m.Run())
}

func TestRun(t *testing.T) {
	out, errs, status := Run(t, "a b", "-h")
	if out != "a b|-h\n" || errs != "" || status != 0 {
		t.Errorf("Run = %q, %q, %d; want the arguments whole, status 0", out, errs, status)
	}
	out, errs, status = Run(t, "fail")
	if out != "fail\n" || errs != "failed\n" || status != 3 {
		t.Errorf("Run(fail) = %q, %q, %d; want status 3", out, errs, status)
	}
}

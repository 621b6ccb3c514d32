// Package cmdtest lets a command's tests run its main function in a child process, to see
// the exit status and exactly what it prints, as a user would.
//
// In the command's package:
//
//	func TestMain(m *testing.M) {
//		cmdtest.Main(main)
//		os.Exit(m.Run())
//	}
//
// and in a test, stdout, stderr, status := cmdtest.Run(t, "-h").
package cmdtest

import (
	"bytes"
	"encoding/json"
	"errors"
	"os"
	"os/exec"
	"testing"
)

const (
	envMain = "MFBENCH_CMDTEST_MAIN"
	envArgs = "MFBENCH_CMDTEST_ARGS"
)

// Main runs main with the arguments given to Run and exits with status 0 when main
// returns, if this process was started by Run; otherwise it returns at once.
func Main(main func()) {
	if os.Getenv(envMain) != "1" {
		return
	}
	var args []string
	if err := json.Unmarshal([]byte(os.Getenv(envArgs)), &args); err != nil {
		panic("cmdtest: bad " + envArgs + ": " + err.Error())
	}
	os.Args = append([]string{os.Args[0]}, args...)
	main()
	os.Exit(0)
}

// Run runs the test binary as the command with args (see Main) and returns what it wrote
// to stdout and stderr and its exit status.
func Run(t testing.TB, args ...string) (stdout, stderr string, status int) {
	t.Helper()
	exe, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	encoded, err := json.Marshal(args)
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(exe, "-test.run=^$")
	cmd.Env = append(os.Environ(), envMain+"=1", envArgs+"="+string(encoded))
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	err = cmd.Run()
	var ee *exec.ExitError
	if errors.As(err, &ee) {
		status = ee.ExitCode()
	} else if err != nil {
		t.Fatal(err)
	}
	return out.String(), errb.String(), status
}

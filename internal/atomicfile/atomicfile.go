// Package atomicfile writes files that appear whole or not at all: the content goes to a
// temporary file in the target's folder, which replaces the target only when complete.
package atomicfile

import (
	"errors"
	"os"
	"path/filepath"
)

// File is a temporary file that becomes its target path on Commit. Write to it as to an
// *os.File. Call Abort (safe after Commit) on every path that does not commit, typically
// with defer, so that no temporary file survives a failure.
type File struct {
	*os.File
	path string
	done bool
}

// Create starts writing path. The temporary file is a hidden file in path's folder, so the
// final rename stays on one file system.
func Create(path string) (*File, error) {
	f, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".tmp*")
	if err != nil {
		return nil, err
	}
	return &File{File: f, path: path}, nil
}

// Commit flushes the file to disk, gives it mode 0644 and renames it over the target.
// After an error the temporary file is removed and the target is unchanged.
func (f *File) Commit() error {
	if f.done {
		return errors.New("atomicfile: " + f.path + " already committed or aborted")
	}
	err := f.Chmod(0o644)
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(f.Name(), f.path)
	}
	f.done = true
	if err != nil {
		os.Remove(f.Name())
	}
	return err
}

// Abort removes the temporary file unless Commit has run; the target is unchanged.
func (f *File) Abort() {
	if f.done {
		return
	}
	f.done = true
	f.Close()
	os.Remove(f.Name())
}

// WriteFile writes data to path atomically with mode 0644.
func WriteFile(path string, data []byte) error {
	f, err := Create(path)
	if err != nil {
		return err
	}
	defer f.Abort()
	if _, err := f.Write(data); err != nil {
		return err
	}
	return f.Commit()
}

package table

import (
	"errors"
	"fmt"
	"io"
	"os"
	"slices"

	"github.com/parquet-go/parquet-go"
)

// columns lists the columns a table file must have, in order.
var columns = []string{"arch", "index", "seed", "epoch", "params", "macs", "flops",
	"train_loss", "train_acc", "valid_acc", "test_acc", "train_seconds"}

// Read loads the table at path into memory and validates it. A file that is missing,
// truncated, corrupted, not Parquet, or not an mfbench table is an error naming the path;
// Read never returns part of a table.
func Read(path string) (*Table, error) {
	meta, rows, err := ReadRows(path)
	if err != nil {
		return nil, err
	}
	t, err := New(meta, rows)
	if err != nil {
		return nil, fmt.Errorf("table %s: %w", path, err)
	}
	return t, nil
}

// ReadMeta returns the provenance of the table at path without reading its rows.
func ReadMeta(path string) (Meta, error) {
	f, closeFile, err := open(path)
	if err != nil {
		return Meta{}, err
	}
	defer closeFile()
	meta, err := metaFrom(f.Lookup)
	if err != nil {
		return Meta{}, fmt.Errorf("table %s: %w", path, err)
	}
	return meta, nil
}

// ReadRows returns the metadata and rows of the table at path, as stored, after checking
// the file's schema and metadata but before validating the rows.
func ReadRows(path string) (meta Meta, rows []Row, err error) {
	f, closeFile, err := open(path)
	if err != nil {
		return Meta{}, nil, err
	}
	defer closeFile()

	// Check the schema and metadata before decoding anything.
	meta, err = metaFrom(f.Lookup)
	if err != nil {
		return Meta{}, nil, fmt.Errorf("table %s: %w", path, err)
	}
	var names []string
	for _, field := range f.Schema().Fields() {
		names = append(names, field.Name())
	}
	if !slices.Equal(names, columns) {
		return Meta{}, nil, fmt.Errorf("table %s: columns %v, want %v", path, names, columns)
	}

	// parquet-go can panic on corrupted pages; no panic leaves this package.
	defer func() {
		if p := recover(); p != nil {
			meta, rows = Meta{}, nil
			err = fmt.Errorf("table %s: corrupted file: %v", path, p)
		}
	}()
	n := f.NumRows()
	if n <= 0 || n > 1<<28 {
		return Meta{}, nil, fmt.Errorf("table %s: %d rows", path, n)
	}
	rows = make([]Row, n)
	r := parquet.NewGenericReader[Row](f)
	defer r.Close()
	got, err := r.Read(rows)
	if err != nil && !errors.Is(err, io.EOF) {
		return Meta{}, nil, fmt.Errorf("table %s: corrupted file: %w", path, err)
	}
	if int64(got) != n {
		return Meta{}, nil, fmt.Errorf("table %s: read %d of %d rows", path, got, n)
	}

	// The checksum covers what Parquet's page checksums do not.
	kvs, err := meta.keyValues()
	if err != nil {
		return Meta{}, nil, err
	}
	sum, _ := f.Lookup(keyPrefix + "checksum")
	if sum != checksum(kvs, rows) {
		return Meta{}, nil, fmt.Errorf("table %s: corrupted file: checksum mismatch", path)
	}
	return meta, rows, nil
}

func open(path string) (*parquet.File, func(), error) {
	osf, err := os.Open(path)
	if err != nil {
		return nil, nil, fmt.Errorf("table: %w", err)
	}
	st, err := osf.Stat()
	if err != nil {
		osf.Close()
		return nil, nil, fmt.Errorf("table: %w", err)
	}
	f, err := openParquet(osf, st.Size())
	if err != nil {
		osf.Close()
		return nil, nil, fmt.Errorf("table %s: not a readable Parquet file: %w", path, err)
	}
	return f, func() { osf.Close() }, nil
}

func openParquet(r io.ReaderAt, size int64) (f *parquet.File, err error) {
	defer func() {
		if p := recover(); p != nil {
			f, err = nil, fmt.Errorf("%v", p)
		}
	}()
	return parquet.OpenFile(r, size)
}

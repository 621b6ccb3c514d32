package table

import (
	"fmt"
	"os"
	"path/filepath"
	"slices"

	"github.com/parquet-go/parquet-go"
	"github.com/parquet-go/parquet-go/compress/zstd"
)

// Write validates rows (see Validate) and writes them with meta to a Parquet file at path,
// sorted by index, seed and epoch. It writes a temporary file in the same directory and
// renames it over path, so path holds either the old content or the whole new table,
// never part of one. The rows slice is not modified. The same meta and rows always give
// the same bytes.
func Write(path string, meta Meta, rows []Row) (err error) {
	if err := Validate(meta, rows); err != nil {
		return fmt.Errorf("writing %s: %w", path, err)
	}
	kvs, err := meta.keyValues()
	if err != nil {
		return err
	}
	sorted := slices.Clone(rows)
	slices.SortFunc(sorted, func(a, b Row) int { return compareRows(&a, &b) })

	tmp, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".tmp*")
	if err != nil {
		return fmt.Errorf("table: %w", err)
	}
	defer func() {
		if err != nil {
			tmp.Close()
			os.Remove(tmp.Name())
		}
	}()

	opts := []parquet.WriterOption{
		parquet.Compression(&zstd.Codec{Level: zstd.SpeedBetterCompression}),
		parquet.CreatedBy("mfbench", "1", ""),
	}
	for _, kv := range kvs {
		opts = append(opts, parquet.KeyValueMetadata(kv[0], kv[1]))
	}
	opts = append(opts, parquet.KeyValueMetadata(keyPrefix+"checksum", checksum(kvs, sorted)))
	w := parquet.NewGenericWriter[Row](tmp, opts...)
	if _, err := w.Write(sorted); err != nil {
		return fmt.Errorf("table: writing %s: %w", path, err)
	}
	if err := w.Close(); err != nil {
		return fmt.Errorf("table: writing %s: %w", path, err)
	}
	if err := tmp.Chmod(0o644); err != nil {
		return fmt.Errorf("table: %w", err)
	}
	if err := tmp.Sync(); err != nil {
		return fmt.Errorf("table: %w", err)
	}
	if err := tmp.Close(); err != nil {
		return fmt.Errorf("table: %w", err)
	}
	if err := os.Rename(tmp.Name(), path); err != nil {
		return fmt.Errorf("table: %w", err)
	}
	return nil
}

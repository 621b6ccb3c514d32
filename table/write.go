package table

import (
	"fmt"
	"slices"

	"github.com/parquet-go/parquet-go"
	"github.com/parquet-go/parquet-go/compress/zstd"

	"github.com/mfbench/mfbench/internal/atomicfile"
)

// Write validates rows (see Validate) and writes them with meta to a Parquet file at path,
// sorted by index, seed and epoch. It writes a temporary file in the same directory and
// renames it over path, so path holds either the old content or the whole new table,
// never part of one. The rows slice is not modified. The same meta and rows always give
// the same bytes.
func Write(path string, meta Meta, rows []Row) error {
	if err := Validate(meta, rows); err != nil {
		return fmt.Errorf("writing %s: %w", path, err)
	}
	kvs, err := meta.keyValues()
	if err != nil {
		return err
	}
	sorted := slices.Clone(rows)
	slices.SortFunc(sorted, func(a, b Row) int { return compareRows(&a, &b) })

	out, err := atomicfile.Create(path)
	if err != nil {
		return fmt.Errorf("table: %w", err)
	}
	defer out.Abort()

	opts := []parquet.WriterOption{
		parquet.Compression(&zstd.Codec{Level: zstd.SpeedBetterCompression}),
		parquet.CreatedBy("mfbench", "1", ""),
	}
	for _, kv := range kvs {
		opts = append(opts, parquet.KeyValueMetadata(kv[0], kv[1]))
	}
	opts = append(opts, parquet.KeyValueMetadata(keyPrefix+"checksum", checksum(kvs, sorted)))
	w := parquet.NewGenericWriter[Row](out, opts...)
	if _, err := w.Write(sorted); err != nil {
		return fmt.Errorf("table: writing %s: %w", path, err)
	}
	if err := w.Close(); err != nil {
		return fmt.Errorf("table: writing %s: %w", path, err)
	}
	if err := out.Commit(); err != nil {
		return fmt.Errorf("table: %w", err)
	}
	return nil
}

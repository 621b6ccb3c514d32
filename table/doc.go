// Package table reads and writes mfbench lookup tables: Parquet files that record what
// training measured for the architectures of a search space.
//
// # Format
//
// A table is one Parquet file in long form: a row per architecture, training seed and
// epoch. The column names are part of the public format (see Row):
//
//	arch           string   canonical architecture string of the space
//	index          int64    the architecture's index in the space
//	seed           int64    training seed; NULL when the row is a mean over seeds
//	epoch          int64    epochs trained, from 1
//	params         int64    trainable parameters (exact, from the space)
//	macs           int64    forward multiply-accumulates, NULL if the space has no model
//	flops          int64    FLOPs as a benchmark published them, NULL if none
//	train_loss     double   training loss of the last epoch
//	train_acc      double   accuracies as fractions in [0, 1]
//	valid_acc      double
//	test_acc       double
//	train_seconds  double   wall time of training up to this epoch
//
// A value that was not measured is NULL, never 0 and never another seed's value. Rows are
// sorted by index, seed (NULL first) and epoch, and (index, seed, epoch) is unique.
//
// The file's key/value metadata records provenance (see Meta): mfbench.format,
// mfbench.space, mfbench.aggregate ("per-seed" or "mean-of-seeds"), mfbench.source,
// mfbench.recipe (JSON), mfbench.software, mfbench.backend and mfbench.notes, and
// mfbench.checksum, a SHA-256 of the metadata and rows that Read verifies.
//
// # Queries
//
// Read loads and validates a whole file; a truncated, corrupted or foreign file is an
// error and never a partial table. Table.Lookup answers in O(1); a query for an
// architecture, seed or epoch the table lacks returns a *MissingError that says what is
// missing.
package table

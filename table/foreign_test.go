package table

import (
	"io"

	"github.com/parquet-go/parquet-go"
)

func writeForeign[T any](w io.Writer, rows []T) error {
	return parquet.Write(w, rows)
}

package surrogate

import (
	"errors"
	"fmt"
)

// Errors a caller can test with errors.Is.
var (
	// ErrConstant: a sample, or a model's predictions, have no spread. A model that
	// predicts the same value for every architecture fails validation with it.
	ErrConstant = errors.New("surrogate: constant values (no spread)")

	// ErrNoData: the table has no measured accuracy in the column and epochs asked.
	ErrNoData = errors.New("surrogate: no measured accuracies to fit")

	// ErrFilled: the table was made by Fill (or derived from such a table, as a Subset
	// of it). Fit and Fill refuse it: its predicted values would be taken for
	// measurements and the new fill's marks would flag none of them.
	ErrFilled = errors.New("surrogate: the table is surrogate-filled; its predicted " +
		"values would pass for measurements")
)

// QueryError reports a prediction the surrogate cannot make: an architecture outside
// the space, or an epoch outside the range of the table it was fitted on.
type QueryError struct {
	Space  string // the space's name
	Query  string // the architecture (or index) and epoch asked for
	Reason string // what is wrong with it
}

func (e *QueryError) Error() string {
	return fmt.Sprintf("surrogate: %s: %s: %s", e.Space, e.Query, e.Reason)
}

package metric

import (
	"fmt"
	"io"
	"math"
)

// PaperRow is one row of Table 1 of the M-factor paper: the architecture each strategy
// found after 50 trials, as printed.
type PaperRow struct {
	Strategy string
	PrintedM float64 // the M-factor as printed, two decimals
	Accuracy float64 // test accuracy as a fraction
	Params   int64   // trainable parameters
}

// PaperPMin is the P_min of the paper's space (all 3x3 kernels), as space.PMin(space.ResNet)
// computes it.
const PaperPMin = 272474

// PaperTable1 holds the paper's Table 1 as printed.
var PaperTable1 = []PaperRow{
	{"policy RL", 0.84, 0.7637, 284762},
	{"regularized evolution", 0.82, 0.755, 301146},
	{"random", 0.75, 0.6799, 401498},
	{"TPE", 0.67, 0.7338, 350298},
}

// AuditRow is a Table 1 row with its M-factor recomputed from its own accuracy and params.
type AuditRow struct {
	PaperRow
	S        float64 // P_min / P
	M        float64 // M recomputed from Accuracy and S
	Agrees   bool    // |PrintedM - M| < 0.01: the printed value follows from the row
	MatchesM string  // when it does not agree: the strategy whose recomputed M it matches
}

// AuditTable1 recomputes M for every row of PaperTable1. A printed value agrees when it is
// within 0.01 of the recomputed one (the paper's values look truncated, not rounded:
// 0.8494 is printed 0.84). A row that disagrees is matched against the other rows'
// recomputed M, which shows when two rows were swapped.
func AuditTable1() []AuditRow {
	rows := make([]AuditRow, len(PaperTable1))
	for i, r := range PaperTable1 {
		s := Efficiency(r.Params, PaperPMin)
		rows[i] = AuditRow{PaperRow: r, S: s, M: M(r.Accuracy, s)}
		rows[i].Agrees = math.Abs(r.PrintedM-rows[i].M) < 0.01
	}
	for i := range rows {
		if rows[i].Agrees {
			continue
		}
		for j := range rows {
			if j != i && math.Abs(rows[i].PrintedM-rows[j].M) < 0.01 {
				rows[i].MatchesM = rows[j].Strategy
			}
		}
	}
	return rows
}

// WriteAudit writes the Table 1 audit as a Markdown table followed by one line of
// arithmetic for each row whose printed M does not follow from its own numbers.
func WriteAudit(w io.Writer) error {
	rows := AuditTable1()
	fmt.Fprintf(w, "Table 1 of the M-factor paper, recomputed with P_min = %d:\n\n", PaperPMin)
	fmt.Fprintln(w, "| strategy | printed M | A | P | S = P_min/P | M from A and P | agrees |")
	fmt.Fprintln(w, "|---|---|---|---|---|---|---|")
	for _, r := range rows {
		fmt.Fprintf(w, "| %s | %.2f | %.4f | %d | %.4f | %.4f | %s |\n", r.Strategy,
			r.PrintedM, r.Accuracy, r.Params, r.S, r.M, yesNo(r.Agrees))
	}
	fmt.Fprintln(w)
	for _, r := range rows {
		if r.Agrees {
			continue
		}
		fmt.Fprintf(w, "- %s: 2 x %.4f x %.4f / (%.4f + %.4f) = %.4f, printed %.2f",
			r.Strategy, r.Accuracy, r.S, r.Accuracy, r.S, r.M, r.PrintedM)
		if r.MatchesM != "" {
			fmt.Fprintf(w, "; the printed value is the M of the %s row", r.MatchesM)
		}
		fmt.Fprintln(w, ".")
	}
	_, err := fmt.Fprintln(w)
	return err
}

func yesNo(b bool) string {
	if b {
		return "yes"
	}
	return "no"
}

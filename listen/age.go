package listen

import (
	"slices"
	"strconv"
	"strings"

	"github.com/selfcheck-id/selfcheck/flows"
)

// age finds an age said in ws and the choice of the age step it picks.
func (r *Rules) age(ws []string, f *flows.Flow) (choice, words string) {
	s := f.Steps[r.Age.Step]
	for i, w := range ws {
		if !isNumber(w) || len(w) > 3 {
			continue
		}
		if i+1 < len(ws) && isNumber(ws[i+1]) || i > 0 && isNumber(ws[i-1]) {
			continue // "18 35": a range asked for, not an age
		}
		before := i > 0 && slices.Contains(r.Age.Before, ws[i-1]) ||
			i > 1 && slices.Contains(r.Age.Before, ws[i-2]) && !isNumber(ws[i-1])
		after := i+1 < len(ws) && slices.Contains(r.Age.After, ws[i+1])
		if !before && !after {
			continue
		}
		n, _ := strconv.Atoi(w)
		for _, c := range s.Choices {
			if len(c.Range) == 2 && n >= c.Range[0] && n <= c.Range[1] {
				from, to := max(0, i-1), min(len(ws), i+2)
				return c.ID, strings.Join(ws[from:to], " ")
			}
		}
	}
	return "", ""
}

func isNumber(w string) bool {
	for _, r := range w {
		if r < '0' || r > '9' {
			return false
		}
	}
	return w != ""
}

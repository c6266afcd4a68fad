package listen

import (
	"regexp"
	"strconv"
	"strings"
)

// Amounts as ads write them: "Rp 15.000.000", "Rp15jt", "gaji 12 juta",
// "12,5 jt", "USD 1,000", "US$1000", "$1.200", "1000 USD", "1k dollar".
var (
	idrRe = regexp.MustCompile(`(?i)\brp\.?\s?(\d{1,3}(?:[.,]\d{3})+|\d+(?:[.,]\d+)?)\s?(jt|juta|rb|ribu|k)?\b|\b(\d+(?:[.,]\d+)?)\s?(jt|juta)\b`)
	usdRe = regexp.MustCompile(`(?i)(?:\busd|\bus\$|\$)\s?(\d{1,3}(?:[.,]\d{3})+|\d+(?:[.,]\d+)?)\s?(k)?\b|\b(\d{1,3}(?:[.,]\d{3})+|\d+(?:[.,]\d+)?)\s?(k\s?)?(?:usd|dollars?|dolar)\b`)
)

// readPay reports whether text promises pay at or above a minimum (idr,
// usd), and the amount as written.
func readPay(text string, minimum map[string]float64) (bool, string) {
	if len(text) > MaxRunes*4 {
		text = text[:MaxRunes*4]
	}
	for _, m := range idrRe.FindAllStringSubmatch(text, 20) {
		num, unit := m[1], m[2]
		if num == "" {
			num, unit = m[3], m[4]
		}
		v := amount(num)
		switch strings.ToLower(unit) {
		case "jt", "juta":
			v *= 1e6
		case "rb", "ribu", "k":
			v *= 1e3
		}
		if min, ok := minimum["idr"]; ok && v >= min {
			return true, strings.TrimSpace(m[0])
		}
	}
	for _, m := range usdRe.FindAllStringSubmatch(text, 20) {
		num, k := m[1], m[2]
		if num == "" {
			num, k = m[3], m[4]
		}
		v := amount(num)
		if strings.TrimSpace(k) != "" {
			v *= 1e3
		}
		if min, ok := minimum["usd"]; ok && v >= min {
			return true, strings.TrimSpace(m[0])
		}
	}
	return false, ""
}

// amount reads a number written with thousands separators ("15.000.000",
// "1,000") or a decimal part ("12,5", "1.5").
func amount(s string) float64 {
	groups := strings.FieldsFunc(s, func(r rune) bool { return r == '.' || r == ',' })
	thousands := len(groups) > 1
	for _, g := range groups[1:] {
		if len(g) != 3 {
			thousands = false
		}
	}
	if thousands {
		s = strings.Join(groups, "")
	} else {
		s = strings.ReplaceAll(s, ",", ".")
	}
	v, err := strconv.ParseFloat(s, 64)
	if err != nil {
		return 0
	}
	return v
}

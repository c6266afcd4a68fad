package listen

import (
	"regexp"
	"slices"
	"strconv"
	"strings"
)

// currencies are the ways ads write each currency, before the amount
// ("Rp 15.000.000", "$1000", "RM 2.500") or after it ("1000 USD", "30,000
// baht"). Rupiah is also written "15jt", "12 juta".
var currencies = map[string]struct{ before, after []string }{
	"idr": {[]string{`rp\.?`, `idr`}, []string{`idr`, `rupiah`}},
	"usd": {[]string{`usd`, `us\$`, `\$`}, []string{`usdt?`, `dollars?`, `dolar`, `\$`}},
	"aed": {[]string{`aed`}, []string{`aed`, `dirhams?`}},
	"sar": {[]string{`sar`}, []string{`sar`, `riyals?`}},
	"myr": {[]string{`rm`, `myr`}, []string{`myr`, `ringgit`}},
	"php": {[]string{`php`, `₱`}, []string{`php`, `pesos?`}},
	"thb": {[]string{`thb`, `฿`}, []string{`thb`, `baht`}},
	"sgd": {[]string{`sgd`, `s\$`}, []string{`sgd`}},
}

const numPat = `(\d{1,3}(?:[.,]\d{3})+|\d+(?:[.,]\d+)?)`

var (
	// amountRes are per currency: amount before or after the currency,
	// with an optional "k", and rupiah's "jt"/"juta".
	amountRes = func() map[string]*regexp.Regexp {
		out := map[string]*regexp.Regexp{}
		for cur, w := range currencies {
			pat := `(?i)(?:^|[^a-z0-9])(?:` + strings.Join(w.before, "|") + `)\s?` + numPat + `\s?(k|jt|juta|rb|ribu)?(?:$|[^a-z0-9])` +
				`|` + numPat + `\s?(k\s?|rb\s?|ribu\s?)?(?:` + strings.Join(w.after, "|") + `)(?:$|[^a-z0-9])`
			if cur == "idr" {
				pat += `|(?:^|[^a-z0-9])` + numPat + `\s?(jt|juta|million rupiah|juta rupiah)(?:$|[^a-z0-9])`
			}
			out[cur] = regexp.MustCompile(pat)
		}
		return out
	}()
)

// readPay reports whether text promises pay at or above a minimum (by
// currency), and the amount as written.
func readPay(text string, minimum map[string]float64) (bool, string) {
	if len(text) > MaxRunes*4 {
		text = text[:MaxRunes*4]
	}
	for _, cur := range sortedKeys(minimum) {
		re := amountRes[cur]
		if re == nil {
			continue
		}
		for _, m := range re.FindAllStringSubmatch(text, 20) {
			// Groups: 1-2 before the amount, 3-4 after, 5-6 rupiah alone.
			num, unit := m[1], m[2]
			if num == "" {
				num, unit = m[3], m[4]
			}
			if num == "" && len(m) > 5 {
				num, unit = m[5], m[6]
			}
			v := amount(num)
			switch strings.ToLower(strings.TrimSpace(unit)) {
			case "jt", "juta", "million rupiah", "juta rupiah":
				v *= 1e6
			case "k", "rb", "ribu":
				v *= 1e3
			}
			if v >= minimum[cur] {
				return true, strings.Trim(m[0], " ,.;:/()")
			}
		}
	}
	return false, ""
}

// amount reads a number written with thousands separators ("15.000.000",
// "1,000") or a decimal part ("12,5", "1.5").
func amount(s string) float64 {
	groups := strings.FieldsFunc(s, func(r rune) bool { return r == '.' || r == ',' })
	if len(groups) == 0 {
		return 0
	}
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

// readWage reads promised pay sentence by sentence: not in a sentence that
// warns ("jangan percaya gaji 30 juta"), and only where a word says it is
// a wage, not a fee ("biaya pendaftaran 20 juta").
func (r *Rules) readWage(text string, warned map[int]bool) (bool, string) {
	for i, s := range sentences(text) {
		if warned[i] {
			continue
		}
		ws, _ := words(s, r.Spelling)
		if !slices.ContainsFunc(ws, func(w string) bool { return slices.Contains(r.Pay.Wage, w) }) {
			continue
		}
		if ok, said := readPay(s, r.Pay.Minimum); ok {
			return true, said
		}
	}
	return false, ""
}

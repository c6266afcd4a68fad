package listen_test

import (
	"os"
	"strings"
	"testing"

	"gopkg.in/yaml.v3"

	"github.com/selfcheck-id/selfcheck/flows"
	"github.com/selfcheck-id/selfcheck/listen"
)

// shipped loads the shipped flow and its reading rules.
func shipped(t testing.TB) (*listen.Rules, *flows.Flow) {
	t.Helper()
	set, ps := flows.Load(flows.Files, ".")
	if len(ps) > 0 {
		t.Fatal(ps)
	}
	if set.ListenFile == "" {
		t.Fatal("no reading rules among the shipped flows")
	}
	f := set.Flows["offer-check"]
	r, ps := listen.Parse(set.ListenFile, set.Listen, f)
	if len(ps) > 0 {
		t.Fatal(ps)
	}
	return r, f
}

func TestReadsInformalText(t *testing.T) {
	r, f := shipped(t)
	tests := []struct {
		text string
		want []string // step=choice found, in flow order
	}{
		{"Kerja di KAMBOJA, gaji 12 juta, tanpa pengalaman", []string{"destination=kh", "salary=high"}},
		{"kerja di cambodja", []string{"destination=kh"}},                         // spelling variant
		{"kerja di Sihanoukvile", []string{"destination=kh"}},                     // one typo
		{"tiket ditanggung, nanti potong gaji", []string{"fees=debt"}},            // repaid ticket
		{"tanpa biaya penempatan!", []string{"fees=no"}},                          // "biaya" inside "tanpa biaya" is no fee
		{"biaya pendaftaran 2jt, tiket nanti potong gaji", []string{"fees=both"}}, // combined
		{"tiket pesawat ditanggung perusahaan, tidak dipotong gaji", []string{"fees=no"}},
		{"biaya 35jt bisa dicicil potong gaji", []string{"fees=both"}},
		{"visa on arrival aja gk usah visa kerja", []string{"visa=tourist"}},
		{"gaji $1,200, no experience needed, just typing", []string{"salary=high"}},
		{"salary USD 1,500 a month for experienced welders", []string{"job=regular"}}, // high pay alone is no sign
		{"terbang ke bangkok lalu naik mobil ke perbatasan", []string{"route=indirect"}},
		{"passport kept by the company for safety", []string{"passport=kept"}},
		{"berangkat minggu ini, jangan bilang ortu", []string{"secrecy=yes"}},
	}
	for _, tt := range tests {
		rd := r.Read(tt.text, f)
		var got []string
		for _, fd := range r.Suggestions(rd) {
			got = append(got, fd.Step+"="+fd.Choice)
		}
		if strings.Join(got, " ") != strings.Join(tt.want, " ") {
			t.Errorf("%q: found %v, want %v", tt.text, got, tt.want)
		}
	}
}

// distressCorpus is listen/testdata/distress.yaml, written blind: cries for
// help that must reach the emergency screen, ordinary messages that must
// not.
type distressCorpus struct {
	Distress []struct {
		Text, Lang, Who, Country string
	} `yaml:"distress"`
	NotDistress []struct {
		Text, Lang string
	} `yaml:"not_distress"`
}

func TestDistressCorpus(t *testing.T) {
	r, f := shipped(t)
	data, err := os.ReadFile("testdata/distress.yaml")
	if err != nil {
		t.Fatal(err)
	}
	var c distressCorpus
	if err := yaml.Unmarshal(data, &c); err != nil {
		t.Fatal(err)
	}
	if len(c.Distress) < 30 || len(c.NotDistress) < 20 {
		t.Fatalf("%d cries for help and %d ordinary messages; want at least 30 and 20", len(c.Distress), len(c.NotDistress))
	}
	for _, m := range c.Distress {
		rd := r.Read(m.Text, f)
		if !rd.Distress {
			t.Errorf("not read as a cry for help: %q", m.Text)
			continue
		}
		if m.Lang != "" && rd.Lang != "" && rd.Lang != m.Lang {
			t.Errorf("%q: read as %s, written in %s", m.Text, rd.Lang, m.Lang)
		}
		if m.Who != "" && rd.Who != m.Who {
			t.Errorf("%q: who %q, want %q", m.Text, rd.Who, m.Who)
		}
		if m.Country != "" {
			got := ""
			for _, a := range r.EmergencyAnswers(rd, f) {
				if a.Step == "emg_country" {
					got = a.Choice
				}
			}
			if got != m.Country {
				t.Errorf("%q: country %q, want %q", m.Text, got, m.Country)
			}
		}
	}
	for _, m := range c.NotDistress {
		if rd := r.Read(m.Text, f); rd.Distress {
			t.Errorf("an ordinary message read as a cry for help: %q", m.Text)
		}
	}
}

// TestPlainCriesForHelp: cries for help in plain words, as a tester wrote
// them (not in the corpus), and requests that only mention a country.
func TestPlainCriesForHelp(t *testing.T) {
	r, f := shipped(t)
	for _, tt := range []struct {
		text     string
		distress bool
	}{
		{"saya terjebak di kamboja", true},
		{"saya di myawaddy, tolong", true},
		{"saya mau pulang tapi ga boleh, di kamboja", true},
		{"I am stuck in Cambodia, the company won't let me go", true},
		{"aku disuruh nipu orang tiap hari, mau pulang", true},
		{"tolong cek lowongan di kamboja ini ya", false},
		{"can you help me check a job in cambodia", false},
		{"gak perlu pulang dulu, kontraknya 2 tahun", false},
		{"paspor sy ditahan bos", true},
		{"paspor ditahan agen", false}, // an offer's detail: the passport question's answer
		{"Paspor tidak ditahan, dipegang sendiri", false},
		{"Interview is held in our Jakarta office", false},
		{"No one is forced to work overtime here", false},
		{"tolong dicek kak", false},
		{"help", true},
		{"TOLOOONG!!!", true},
	} {
		if got := r.Read(tt.text, f).Distress; got != tt.distress {
			t.Errorf("%q: distress %v, want %v", tt.text, got, tt.distress)
		}
	}
}

// TestAgeInAMessage: an age said in a parent's message is suggested for
// the age question; an age range an ad asks for is not an age.
func TestAgeInAMessage(t *testing.T) {
	r, f := shipped(t)
	for _, tt := range []struct{ text, want string }{
		{"anak saya umur 16 ditawari kerja di thailand", "under18"},
		{"My son (17) got an offer in Cambodia", "under18"},
		{"adik saya usia 19 tahun", "adult"},
		{"syarat usia 18-35 thn", ""},
		{"gaji 15 juta", ""},
	} {
		if got := r.Read(tt.text, f).Answer("age"); got != tt.want {
			t.Errorf("%q: age %q, want %q", tt.text, got, tt.want)
		}
	}
}

func TestPay(t *testing.T) {
	r, f := shipped(t)
	for _, tt := range []struct {
		text string
		high bool
	}{
		{"gaji 12 juta tanpa pengalaman", true},
		{"gaji Rp 15.000.000 tanpa pengalaman", true},
		{"gaji Rp15jt/bln tanpa pengalaman", true},
		{"gaji 12,5 jt tanpa pengalaman", true},
		{"USD 1,000 per month, no experience", true},
		{"salary $1000, no experience", true},
		{"1.200 dollar a month, no experience", true},
		{"gaji 5 juta tanpa pengalaman", false},
		{"Rp 6.500.000 tanpa pengalaman", false},
		{"USD 500, no experience", false},
		{"gaji 30rb baht, no experience", true},
		{"biaya pendaftaran 20 juta, tanpa pengalaman", false},
		{"Jangan percaya gaji 30 juta tanpa pengalaman!", false},
		{"salary 40k THB, no skill needed", true},
		{"gaji 15 juta untuk tukang las berpengalaman", false},
	} {
		got := r.Read(tt.text, f).Answer("salary") == "high"
		if got != tt.high {
			t.Errorf("%q: high pay %v, want %v", tt.text, got, tt.high)
		}
	}
}

func TestBrokenRulesAreReportedAtTheLine(t *testing.T) {
	_, f := shipped(t)
	rules := `spelling: {gk: gak}
distress:
  strong: [disekap]
  who: emg_who
answers:
  destination:
    kh: [kamboja, Phnom Penh]
    xx: [atlantis]
  nowhere:
    yes: [maybe]
  fees:
    fee: [biaya]
    "no": [biaya]
pay:
  step: salary
  choice: sky
  minimum: {eur: 1000}
`
	_, ps := listen.Parse("flows/listen.yaml", []byte(rules), f)
	var got []string
	for _, p := range ps {
		got = append(got, p.String())
	}
	all := strings.Join(got, "\n")
	for _, want := range []string{
		`flows/listen.yaml:7:19: phrase "Phnom Penh": write lowercase`,
		`flows/listen.yaml:8:5: step "destination" has no choice "xx"`,
		`flows/listen.yaml:9:3: step "nowhere" is not in flow offer-check`,
		`flows/listen.yaml:13:12: phrase "biaya" gives two answers to fees: fee and no`,
		`pay gives salary=sky`,
		`pay minimum: a currency`,
	} {
		if !strings.Contains(all, want) {
			t.Errorf("missing problem %q in:\n%s", want, all)
		}
	}
	if _, ps := listen.Parse("big.yaml", make([]byte, listen.MaxFile+1), f); len(ps) != 1 || !strings.Contains(ps[0].Msg, "at most") {
		t.Errorf("an oversized file: %v", ps)
	}
}

// FuzzRead: any text, up to far beyond Telegram's 4096 characters, reads
// without a panic and every answer found is one the flow offers.
func FuzzRead(f *testing.F) {
	r, fl := shipped(f)
	for _, s := range []string{"", "tolong", "Kerja di KAMBOJA gaji 15jt", strings.Repeat("biaya tanpa ", 400),
		strings.Repeat("a", 5000), "Rp 1.2.3.4,5 jt usd $ 9999999999999999999999 k", "ééé\u0301\u0301 tolooooong"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, text string) {
		rd := r.Read(text, fl)
		for _, fd := range rd.Found {
			s := fl.Steps[fd.Step]
			if s == nil || s.Choice(fd.Choice) == nil {
				t.Fatalf("found %s=%s, not in the flow", fd.Step, fd.Choice)
			}
		}
	})
}

// BenchmarkRead4096 reads a 4096-character message built to match as much
// as possible (every phrase's first word, typos included): the time per
// message is in docs/listen.md.
func BenchmarkRead4096(b *testing.B) {
	r, f := shipped(b)
	words := []string{"kerja", "kamboja", "tanpa", "biaya", "visa", "turis", "tolong", "berangkat", "minggu",
		"paspor", "dipegang", "sihanoukvile", "gaji", "15jt", "customer", "service", "tiket", "potong", "via", "bangkok"}
	var sb strings.Builder
	for i := 0; sb.Len() < 4096; i++ {
		sb.WriteString(words[i%len(words)] + " ")
	}
	text := sb.String()[:4096]
	b.ReportAllocs()
	for b.Loop() {
		r.Read(text, f)
	}
}

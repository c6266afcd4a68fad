package flows

// Contact is one entry of the contact directory (contacts.yaml): a help line,
// an embassy, a website. Every entry carries where its details come from and
// when they were checked, so that an NGO can re-check it without code.
type Contact struct {
	// Name by language code ("id", "en").
	Name map[string]string `yaml:"name"`
	// Call lists numbers as they are shown to users.
	Call []Number `yaml:"call"`
	// WhatsApp is an international number; the link https://wa.me/<digits>
	// is made from it.
	WhatsApp string `yaml:"whatsapp"`
	// Link is a website (https only).
	Link string `yaml:"link"`
	// Note by language code: how to use it ("free app: Safe Travel Kemlu").
	Note map[string]string `yaml:"note"`

	Source     string `yaml:"source"`
	Checked    string `yaml:"checked"` // YYYY-MM-DD, the date of the source
	Confidence string `yaml:"confidence"`
	// Disabled, when set, says why the entry must not be shown (e.g. an
	// unconfirmed number). Disabled entries stay in the file for the record.
	Disabled string `yaml:"disabled"`

	ID   string `yaml:"-"`
	Line int    `yaml:"-"`
}

// Number is one phone number of a contact.
type Number struct {
	// Number as shown: international numbers in E.164 with spaces allowed
	// ("+62 21 2924 4800"); short or toll-free Indonesian numbers ("129",
	// "0800-1000") must say local: true.
	Number string `yaml:"number"`
	Local  bool   `yaml:"local"`
	// Note by language code ("free, inside Indonesia").
	Note map[string]string `yaml:"note"`
}

// WhatsAppLink returns https://wa.me/<digits> for the contact's WhatsApp
// number, or "" when it has none.
func (c *Contact) WhatsAppLink() string {
	if c.WhatsApp == "" {
		return ""
	}
	return "https://wa.me/" + digits(c.WhatsApp)
}

func digits(s string) string {
	b := make([]byte, 0, len(s))
	for i := 0; i < len(s); i++ {
		if s[i] >= '0' && s[i] <= '9' {
			b = append(b, s[i])
		}
	}
	return string(b)
}

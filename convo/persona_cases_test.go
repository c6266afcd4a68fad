package convo_test

// The personas of TestPersonas: real cases as a caseworker would mark them.
// Flags in comments: C critical, h high (4), m medium (2).

// clean is an offer with no warning sign: a licensed company, a named
// country outside the region (Taiwan, Korea...), a work visa, a signed
// contract. Cases change what differs with with().
var clean = map[string]string{
	"welcome": "self", "source": "company", "destination": "other", "dest_change": "no", "job": "regular",
	"returnee": "no", "salary": "normal", "fees": "no", "visa": "work", "route": "direct", "contract": "signed",
	"licence": "ok", "disnaker": "yes", "passport": "self", "secrecy": "no", "replace": "no", "interview": "yes",
	"data": "no", "age": "adult",
}

// with copies base and applies changes "step=choice"; "step=" removes the
// step (a question the case never sees).
func with(base map[string]string, changes ...string) map[string]string {
	out := make(map[string]string, len(base))
	for k, v := range base {
		out[k] = v
	}
	for _, c := range changes {
		k, v, _ := cutEq(c)
		if v == "" {
			delete(out, k)
		} else {
			out[k] = v
		}
	}
	return out
}

func cutEq(s string) (string, string, bool) {
	for i := range len(s) {
		if s[i] == '=' {
			return s[:i], s[i+1:], true
		}
	}
	return s, "", false
}

// legalSteps are the steps of the legal route (flow: legal_route) that a
// verdict must not suggest where the offer cannot go ahead.
var legalSteps = []string{"step.register", "step.licence", "step.job_order", "step.work_visa", "step.contract", "step.bpjs", "step.official_way"}

var personas = []persona{
	{
		// The typical ad: Facebook "customer service" in Cambodia, high pay,
		// ticket repaid from salary, tourist visa, via Bangkok overland.
		// Cambodia is no placement country: no licence question, no
		// legal-route step; every sign named.
		name: "cambodia-cs-facebook-tourist-visa",
		answers: with(clean, "source=socmed", "destination=kh", "job=cs", "salary=high", "fees=debt", "visa=tourist",
			"route=indirect", "contract=arrival", "licence=", "disnaker=no", "passport=unknown", "secrecy=yes",
			"interview=chat", "data=yes", "age=~22"),
		band:     "high",
		headline: "advice.no_placement",
		// C: dest_no_placement, debt_travel, visa_tourist; h: pay_too_good,
		// route_indirect, no_contract, secrecy_rush; m: recruit_socmed,
		// job_scam_titles, no_disnaker, no_interview, personal_data.
		reasons: []string{"dest_no_placement", "debt_travel", "visa_tourist", "pay_too_good", "route_indirect",
			"no_contract", "secrecy_rush", "recruit_socmed", "job_scam_titles", "no_disnaker", "no_interview", "personal_data"},
		// "Ask who holds the passport" would say the offer could go ahead:
		// a higher-risk verdict keeps only what helps a report.
		actions:    nil,
		steps:      []string{"step.no_route_there", "step.dont_travel", "step.keep_docs", "step.report"},
		noSteps:    legalSteps,
		contacts:   []string{"kp2mi", "sapa129", "police", "kbri-phnom-penh"},
		noContacts: []string{"siskop2mi"},
		notAsked:   []string{"licence", "licence_thla", "paid"},
	},
	{
		// A licensed company (checked) to a factory in Taiwan: no sign,
		// "lower risk (still check)" with the safe route. Someone answering
		// for themselves is not offered "I don't know" for their age.
		name:       "taiwan-factory-licensed-company",
		answers:    clean,
		band:       "lower",
		headline:   "band.lower.headline",
		steps:      []string{"step.licence", "step.job_order", "step.contract", "step.no_fee", "step.passport"},
		noSteps:    []string{"step.dont_travel", "step.paid_already"},
		noContacts: []string{"siskop2mi", "kbri-phnom-penh"},
		notOffered: map[string][]string{"age": {"unknown"}, "returnee": {"unknown"}},
		notAsked:   []string{"paid", "household"},
	},
	{
		// A friend working in Malaysia brings the offer; many answers are
		// "I don't know". recruit_friend_there (h, 4) gives medium; the
		// unknowns become things to find out.
		name: "malaysia-friend-many-unknowns",
		answers: with(clean, "source=friend", "destination=my", "dest_change=unknown", "salary=unknown", "visa=unknown",
			"contract=unknown", "licence=unknown", "disnaker=unknown", "replace=unknown"),
		band:     "medium",
		headline: "band.medium.headline",
		reasons:  []string{"recruit_friend_there"},
		actions:  []string{"act.dest_change", "act.salary", "act.visa", "act.contract", "act.licence", "act.disnaker", "act.replace"},
		steps:    []string{"step.register", "step.licence"},
		contacts: []string{"kp2mi", "sapa129", "police", "kbri-kuala-lumpur", "siskop2mi"},
	},
	{
		// A relative at home; the person is held near Myawaddy (Myanmar).
		// The family's screen: how to report, what to collect; the embassy
		// first.
		name:         "myawaddy-relative-at-home",
		other:        true,
		script:       []string{"welcome=sos", "emg_who=other", "emg_country=mm"},
		end:          "end.emergency",
		contacts:     []string{"kbri-yangon", "kp2mi", "sbmi", "sapa129", "police"},
		firstContact: "kbri-yangon",
		noContacts:   []string{"kbri-phnom-penh", "kbri-bangkok"},
		texts:        []string{"q.emg_who", "q.emg_country"},
	},
	{
		// Held in a compound in Cambodia, phone watched: the warning about
		// the phone comes first, then the embassy with what to say; no
		// "save these numbers", no "keep your phone".
		name:         "held-in-cambodia-watched-phone",
		script:       []string{"welcome=sos", "emg_who=self", "emg_country=kh"},
		end:          "end.emergency",
		contacts:     []string{"kbri-phnom-penh", "kp2mi", "sbmi", "kemlu-safetravel"},
		firstContact: "kbri-phnom-penh",
		// Nor numbers that work only inside Indonesia, in its list.
		absent: []string{"Save these numbers now", "Simpan nomor-nomor ini sekarang", "do not let it be taken",
			"jangan sampai diambil", "0800-1000 (free, inside Indonesia)", "0800-1000 (gratis, dari Indonesia)"},
	},
	{
		// /help in the middle of checking a friend's offer: the national
		// contacts at once, then who and where; the paused check can be
		// resumed.
		name:         "help-mid-check-held-in-myanmar",
		script:       []string{"welcome=other", "source=friend", "/help", "emg_who=self", "emg_country=mm"},
		end:          "end.emergency",
		contacts:     []string{"kbri-yangon", "kp2mi"},
		firstContact: "kbri-yangon",
		texts:        []string{"ui.btn_resume"},
	},
	{
		// A 17-year-old typing instead of tapping: "17 tahun" is an age, not
		// a button. Under 18 is a child's verdict: no migration steps, SAPA
		// 129 first, and no "check the licence" to find out either.
		name: "under-18-typed-answers",
		answers: with(clean, "source=socmed", "destination=my", "dest_change=~nggak", "licence=unknown", "disnaker=~ya",
			"secrecy=~tidak", "replace=~no", "data=~gak", "age=~17 tahun"),
		band:         "high",
		headline:     "advice.child",
		reasons:      []string{"under_18", "recruit_socmed"},
		steps:        []string{"step.child_law", "step.child_talk", "step.child_sapa", "step.dont_pay"},
		noSteps:      append(legalSteps, "step.no_fee", "step.dont_travel"),
		contacts:     []string{"kbri-kuala-lumpur", "sapa129"},
		noContacts:   []string{"siskop2mi"},
		firstContact: "sapa129",
	},
	{
		// A parent checking a 16-year-old's Facebook offer for Cambodia with
		// nearly every sign: the age must not be hidden among them.
		name:  "parent-of-16-year-old-cambodia",
		other: true,
		answers: with(clean, "welcome=other", "source=socmed", "destination=kh", "job=cs", "salary=high", "fees=fee",
			"paid=personal", "visa=tourist", "route=indirect", "contract=none", "licence=", "disnaker=no",
			"passport=kept", "secrecy=yes", "replace=unknown", "interview=chat", "data=yes", "age=under18"),
		band:     "high",
		headline: "advice.child",
		// C: dest_no_placement, fee_charged, visa_tourist, passport_kept,
		// under_18; h: pay_too_good, route_indirect, no_contract,
		// secrecy_rush; m: recruit_socmed, job_scam_titles, pay_personal,
		// no_disnaker, no_interview, personal_data.
		reasons: []string{"dest_no_placement", "fee_charged", "visa_tourist", "passport_kept", "under_18", "pay_too_good",
			"route_indirect", "no_contract", "secrecy_rush", "recruit_socmed", "job_scam_titles", "pay_personal",
			"no_disnaker", "no_interview", "personal_data"},
		steps:        []string{"step.child_law", "step.child_talk", "step.child_sapa", "step.paid_already"},
		noSteps:      append(legalSteps, "step.no_route_there"),
		contacts:     []string{"sapa129", "kbri-phnom-penh"},
		firstContact: "sapa129",
		texts:        []string{"q.paid", "q.age", "c.passport.self"},
	},
	{
		// Everything official-looking, but the agent keeps the passport: a
		// higher risk in a placement country. Do not go as things stand;
		// the official way is offered instead of this offer.
		name:     "passport-kept-by-agent",
		answers:  with(clean, "passport=kept"),
		band:     "high",
		headline: "band.high.headline",
		reasons:  []string{"passport_kept"},
		steps:    []string{"step.dont_travel", "step.dont_pay", "step.keep_docs", "step.report", "step.official_way"},
	},
	{
		// An individual recruiter for Thailand: "we pay your ticket, you
		// repay from your salary". Thailand is among the countries with the
		// most scam cases (m).
		name:     "debt-for-ticket-thailand",
		answers:  with(clean, "source=person", "destination=th", "fees=debt", "licence=", "licence_thla=ok"),
		band:     "high",
		headline: "band.high.headline",
		reasons:  []string{"debt_travel", "recruit_socmed", "dest_scam_cases"},
		contacts: []string{"kbri-bangkok"},
	},
	{
		// Held in Laos: no confirmed embassy number, so none is shown (the
		// 2019 staff mobiles are not in the directory), KP2MI first.
		name:         "laos-held-self",
		script:       []string{"welcome=sos", "emg_who=self", "emg_country=la"},
		end:          "end.emergency_laos",
		contacts:     []string{"kemlu-safetravel", "kp2mi", "sbmi"},
		firstContact: "kp2mi",
		noContacts:   []string{"kbri-vientiane", "kbri-bangkok", "kemlu-hotline"},
		absent:       []string{"+856", "+62 812 9007 0027"},
	},
	{
		// The family at home of someone held in Laos.
		name:         "laos-held-family-at-home",
		other:        true,
		script:       []string{"welcome=sos", "emg_who=other", "emg_country=la"},
		end:          "end.emergency_laos",
		contacts:     []string{"kp2mi", "sbmi", "sapa129", "police"},
		firstContact: "kp2mi",
		noContacts:   []string{"kbri-vientiane"},
	},
	{
		// In trouble in the UAE: the Dubai consulate (re-confirmed 2024) is
		// shown, the 2020-only Abu Dhabi number is not.
		name:         "uae-emergency",
		script:       []string{"welcome=sos", "emg_who=self", "emg_country=ae"},
		end:          "end.emergency",
		contacts:     []string{"kjri-dubai", "kp2mi"},
		firstContact: "kjri-dubai",
		noContacts:   []string{"kbri-abu-dhabi"},
		absent:       []string{"+971 56 615 6259"},
	},
	{
		// Domestic work for a private household in Saudi Arabia through a
		// licensed company: md_domestic (h, not critical: the moratorium is
		// under review) gives medium; no legal route exists for now, so the
		// advice is to ask KP2MI, not to register or check a licence.
		name:     "middle-east-household-domestic-work",
		answers:  with(clean, "destination=me", "job=domestic", "household=yes", "route="),
		band:     "medium",
		headline: "advice.household_me",
		reasons:  []string{"md_domestic"},
		steps:    []string{"step.household_confirm", "step.dont_pay", "step.keep_docs"},
		noSteps:  legalSteps,
		texts:    []string{"q.household"},
		notAsked: []string{"route"},
	},
	{
		// Back from a scam company, now offered a "team leader" job in a
		// Malaysian factory by a friend: the returnee question is asked
		// whatever the job. 4 + 4 = 8: high; SBMI and IOM are added.
		name:     "returnee-team-leader-malaysia",
		answers:  with(clean, "source=friend", "destination=my", "returnee=yes"),
		band:     "high",
		headline: "band.high.headline",
		reasons:  []string{"recruit_friend_there", "returnee_same"},
		contacts: []string{"sbmi", "iom", "kbri-kuala-lumpur"},
	},
	{
		// Sent home from a gambling company, going back to Thailand through
		// a licensed company: 2 + 4 + 4 = 10, high.
		name:     "returnee-gambling-thailand",
		answers:  with(clean, "destination=th", "job=gamble", "returnee=yes", "licence=", "licence_thla=ok"),
		band:     "high",
		headline: "band.high.headline",
		reasons:  []string{"job_gambling", "returnee_same", "dest_scam_cases"},
		contacts: []string{"sbmi", "iom", "kbri-bangkok"},
	},
	{
		// A government-to-government programme to Korea: official costs
		// paid at the office. No licence or head-swap question, no private
		// company in the advice, nothing to report.
		name:       "g-to-g-korea-official-costs",
		answers:    with(clean, "source=gov", "fees=official", "paid=office", "licence=", "replace="),
		band:       "lower",
		headline:   "advice.gtog",
		steps:      []string{"step.gtog_channel", "step.gtog_no_broker", "step.work_visa"},
		noSteps:    []string{"step.licence", "step.paid_already", "step.register"},
		noContacts: []string{"siskop2mi"},
		notAsked:   []string{"licence", "replace"},
		notOffered: map[string][]string{"paid": {"company"}},
	},
	{
		// Someone selling places in a "G to G" programme for a fee paid to a
		// company: the fee is critical, so higher risk, with the money
		// already paid to report.
		name:     "g-to-g-place-sold-for-a-fee",
		answers:  with(clean, "source=gov", "fees=fee", "paid=company", "licence=", "replace="),
		band:     "high",
		headline: "band.high.headline",
		reasons:  []string{"fee_charged"},
		steps:    []string{"step.paid_already", "step.report"},
		noSteps:  []string{"step.gtog_channel"},
	},
	{
		// A mother checking her son's "data operator" offer from TikTok; the
		// country is not named. No direct flight is offered when no country
		// was named; every text speaks about "them".
		name:  "family-member-unknown-country",
		other: true,
		answers: with(clean, "welcome=other", "source=socmed", "destination=unknown", "dest_change=", "job=data",
			"returnee=unknown", "salary=high", "visa=unknown", "route=unknown", "contract=none", "licence=unknown",
			"disnaker=unknown", "interview=chat"),
		band:     "high",
		headline: "band.high.headline",
		// 4 (dest_unknown) + 4 (pay_too_good) + 4 (no_contract) + 2 x 3 = 18.
		reasons: []string{"dest_unknown", "pay_too_good", "no_contract", "recruit_socmed", "job_scam_titles", "no_interview"},
		// Higher risk: "do not go" with no "ask for the visa and the route".
		actions:    nil,
		notOffered: map[string][]string{"route": {"direct"}},
		notAsked:   []string{"dest_change"},
		texts: []string{"q.source", "q.fees", "q.visa", "q.route", "q.contract", "q.disnaker", "q.passport", "q.secrecy",
			"q.interview", "q.data", "q.age", "q.returnee", "c.passport.self", "c.contract.foreign"},
	},
	{
		// A parent checking a Vietnam offer through a company, unable to
		// answer three questions: no sign, but three unknowns lift it to
		// medium.
		name:     "family-vietnam-three-unknowns",
		other:    true,
		answers:  with(clean, "welcome=other", "destination=vn", "route=", "salary=unknown", "fees=unknown", "contract=unknown"),
		band:     "medium",
		headline: "band.medium.headline",
		actions:  []string{"act.salary", "act.fees", "act.contract"},
		contacts: []string{"kbri-hanoi", "kjri-hcmc"},
		texts:    []string{"q.dest_change", "q.fees", "q.age"},
	},
	{
		// The same with two unknowns stays lower: the boundary of
		// unknowns_for_medium.
		name:     "family-vietnam-two-unknowns",
		other:    true,
		answers:  with(clean, "welcome=other", "destination=vn", "route=", "salary=unknown", "fees=unknown"),
		band:     "lower",
		headline: "band.lower.headline",
		actions:  []string{"act.salary", "act.fees"},
	},
	{
		// Picks Cambodia, goes back and picks Malaysia: the Cambodia sign and
		// embassy are gone. Only the ad remains (2 points: lower).
		name:       "back-changes-country",
		script:     []string{"welcome=self", "source=socmed", "destination=kh", "back"},
		answers:    with(clean, "welcome=", "source=", "destination=my"),
		band:       "lower",
		headline:   "band.lower.headline",
		reasons:    []string{"recruit_socmed"},
		contacts:   []string{"kbri-kuala-lumpur"},
		noContacts: []string{"kbri-phnom-penh"},
	},
	{
		// Thailand through a social-media ad, company not licensed: no_licence
		// and dest_no_cooperation (h), plus three medium signs.
		name:     "thailand-unlicensed-socmed",
		answers:  with(clean, "source=socmed", "destination=th", "job=cs", "licence=", "licence_thla=no"),
		band:     "high",
		headline: "band.high.headline",
		reasons:  []string{"no_licence", "dest_no_cooperation", "recruit_socmed", "dest_scam_cases", "job_scam_titles"},
		contacts: []string{"kbri-bangkok", "siskop2mi"},
	},
	{
		// Promised Malaysia, told "start in Malaysia, move on later":
		// dest_switch is critical.
		name:     "malaysia-then-move",
		answers:  with(clean, "destination=my", "dest_change=yes"),
		band:     "high",
		headline: "band.high.headline",
		reasons:  []string{"dest_switch"},
	},
	{
		// "Tukar kepala" in the Philippines: someone there may leave once a
		// replacement comes; secrecy and a contract in Chinese too.
		name:     "tukar-kepala-philippines",
		answers:  with(clean, "destination=ph", "route=", "contract=foreign", "secrecy=yes", "replace=yes"),
		band:     "high",
		headline: "band.high.headline",
		reasons:  []string{"contract_foreign", "secrecy_rush", "recruit_friend_there", "dest_scam_cases"},
		contacts: []string{"kbri-manila"},
	},
	{
		// Only medium signs: a chat-only hire that asked for ID by chat
		// (2 + 2 = 4): medium.
		name:     "chat-hire-personal-data",
		answers:  with(clean, "interview=chat", "data=yes"),
		band:     "medium",
		headline: "band.medium.headline",
		reasons:  []string{"no_interview", "personal_data"},
	},
	{
		// Laos through a company whose licence is not checked yet: the
		// country's sign (2) and the unchecked licence (1) make medium,
		// so the licence gets checked; the route question is asked.
		name:     "laos-company-licence-unchecked",
		answers:  with(clean, "destination=la", "licence=", "licence_thla=unknown"),
		band:     "medium",
		headline: "band.medium.headline",
		reasons:  []string{"dest_scam_cases"},
		actions:  []string{"act.licence"},
		contacts: []string{"kemlu-safetravel", "siskop2mi"},
		texts:    []string{"q.route"},
	},
	{
		// Malaysia by boat from Batam through a licensed company: no sign,
		// but the sea crossing gets its own step.
		name:     "malaysia-by-boat-from-batam",
		answers:  with(clean, "destination=my", "route=boat"),
		band:     "lower",
		headline: "band.lower.headline",
		steps:    []string{"step.route_boat", "step.licence"},
	},
	{
		// Fly to Bangkok, then by car to the border: the route into the
		// compounds (h) with Thailand's sign (m): 6, medium.
		name:     "thailand-bangkok-then-border",
		answers:  with(clean, "destination=th", "route=indirect", "licence=", "licence_thla=ok"),
		band:     "medium",
		headline: "band.medium.headline",
		reasons:  []string{"route_indirect", "dest_scam_cases"},
	},
	{
		// "No visa needed", and no passport yet: working without a work visa
		// is critical; the passport gets its own step.
		name:     "no-visa-no-passport-yet",
		answers:  with(clean, "visa=none", "passport=none"),
		band:     "high",
		headline: "band.high.headline",
		reasons:  []string{"visa_tourist"},
		steps:    []string{"step.passport_own", "step.dont_pay"},
	},
	{
		// A registration fee already paid into a personal account: keep
		// proof, report, pay nothing more to "get it back".
		name:     "fee-paid-to-personal-account",
		answers:  with(clean, "source=socmed", "fees=fee", "paid=personal"),
		band:     "high",
		headline: "band.high.headline",
		reasons:  []string{"fee_charged", "recruit_socmed", "pay_personal"},
		steps:    []string{"step.paid_already", "step.keep_proof", "step.report"},
	},
	{
		// Only official costs (passport, medical check, visa), paid at the
		// office: not a fee, no scam wording.
		name:     "official-costs-only",
		answers:  with(clean, "fees=official", "paid=office"),
		band:     "lower",
		headline: "band.lower.headline",
		noSteps:  []string{"step.paid_already", "step.dont_travel"},
	},
	{
		// Through the Disnaker's one-stop service (LTSA): not asked again
		// whether registered; the advice starts from the job order.
		name:     "ltsa-route",
		answers:  with(clean, "source=ltsa", "licence=", "replace=", "disnaker="),
		band:     "lower",
		headline: "band.lower.headline",
		steps:    []string{"step.job_order", "step.work_visa", "step.bpjs"},
		noSteps:  []string{"step.register", "step.licence"},
		notAsked: []string{"disnaker", "licence", "replace"},
	},
	{
		// Start again mid-check asks first; "No, go on" keeps every answer.
		name:     "restart-declined-keeps-answers",
		script:   []string{"welcome=self", "source=socmed", "destination=kh", "restart?", "restart-no"},
		answers:  with(clean, "welcome=", "source=", "destination=", "licence=", "route=indirect"),
		band:     "high",
		headline: "advice.no_placement",
		reasons:  []string{"dest_no_placement", "route_indirect", "recruit_socmed"},
		texts:    []string{"ui.restart_confirm"},
	},
}

package stats

import (
	"context"
	"fmt"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/redis/go-redis/v9"
)

// Filter picks what a report covers. Empty fields mean everything; dates
// are YYYY-MM-DD and inclusive.
type Filter struct {
	Campaign string
	From, To string
}

// Check reports a date that is no day written YYYY-MM-DD ("2026-13-01",
// "yesterday") and a range whose first day comes after its last.
func (f Filter) Check() error {
	for _, d := range []struct{ name, day string }{{"from", f.From}, {"to", f.To}} {
		if d.day == "" {
			continue
		}
		if _, err := time.Parse(time.DateOnly, d.day); err != nil {
			return fmt.Errorf("%s date %q: write a day as YYYY-MM-DD, e.g. 2026-11-30", d.name, d.day)
		}
	}
	if f.From != "" && f.To != "" && f.From > f.To {
		return fmt.Errorf("the range %s to %s ends before it starts", f.From, f.To)
	}
	return nil
}

// Totals are one campaign's counts over the filtered days.
type Totals struct {
	Campaign string `json:"campaign"`
	// First and Last are the first and last day with counts.
	First     string           `json:"first"`
	Last      string           `json:"last"`
	Started   int64            `json:"started"`
	Completed int64            `json:"completed"`
	Bands     map[string]int64 `json:"bands"`
	Ends      map[string]int64 `json:"ends"`
	// Reached: how many times each question was shown moving forward.
	Reached map[string]int64 `json:"reached"`
	// Answers: step -> choice -> count.
	Answers map[string]map[string]int64 `json:"answers"`
}

// Answered returns how many answers step got.
func (t *Totals) Answered(step string) int64 {
	var n int64
	for _, c := range t.Answers[step] {
		n += c
	}
	return n
}

// Abandoned returns how many left at step: shown but never answered.
func (t *Totals) Abandoned(step string) int64 {
	return max(0, t.Reached[step]-t.Answered(step))
}

// Read sums the counts of every campaign and day the filter admits.
func Read(ctx context.Context, rdb redis.UniversalClient, f Filter) ([]*Totals, error) {
	keys, err := rdb.SMembers(ctx, indexKey).Result()
	if err != nil {
		return nil, err
	}
	sort.Strings(keys)
	byCampaign := map[string]*Totals{}
	for _, key := range keys {
		campaign, day, ok := parseKey(key)
		if !ok || (f.Campaign != "" && campaign != f.Campaign) || (f.From != "" && day < f.From) || (f.To != "" && day > f.To) {
			continue
		}
		fields, err := rdb.HGetAll(ctx, key).Result()
		if err != nil {
			return nil, err
		}
		if len(fields) == 0 {
			continue // expired (Retention): the index still names it until Expire
		}
		t := byCampaign[campaign]
		if t == nil {
			t = &Totals{Campaign: campaign, Bands: map[string]int64{}, Ends: map[string]int64{},
				Reached: map[string]int64{}, Answers: map[string]map[string]int64{}}
			byCampaign[campaign] = t
		}
		t.add(fields)
		if t.First == "" || day < t.First {
			t.First = day
		}
		t.Last = max(t.Last, day)
	}
	out := make([]*Totals, 0, len(byCampaign))
	for _, t := range byCampaign {
		out = append(out, t)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Campaign < out[j].Campaign })
	return out, nil
}

// NewestFirst orders campaigns by their last day with counts, newest
// first, then by name.
func NewestFirst(ts []*Totals) {
	sort.SliceStable(ts, func(i, j int) bool {
		if ts[i].Last != ts[j].Last {
			return ts[i].Last > ts[j].Last
		}
		return ts[i].Campaign < ts[j].Campaign
	})
}

// Find returns the totals of the campaign named, or nil.
func Find(ts []*Totals, name string) *Totals {
	for _, t := range ts {
		if t.Campaign == name {
			return t
		}
	}
	return nil
}

func (t *Totals) add(fields map[string]string) {
	for f, v := range fields {
		n, err := strconv.ParseInt(v, 10, 64)
		if err != nil {
			continue
		}
		switch {
		case f == FieldStarted:
			t.Started += n
		case f == FieldCompleted:
			t.Completed += n
		case strings.HasPrefix(f, prefixBand):
			t.Bands[f[len(prefixBand):]] += n
		case strings.HasPrefix(f, prefixEnd):
			t.Ends[f[len(prefixEnd):]] += n
		case strings.HasPrefix(f, prefixAsked):
			t.Reached[f[len(prefixAsked):]] += n
		case strings.HasPrefix(f, prefixAnswer):
			step, choice, _ := strings.Cut(f[len(prefixAnswer):], ":")
			if t.Answers[step] == nil {
				t.Answers[step] = map[string]int64{}
			}
			t.Answers[step][choice] += n
		}
	}
}

// parseKey splits "{st}:campaign:day".
func parseKey(key string) (campaign, day string, ok bool) {
	rest, ok := strings.CutPrefix(key, "{st}:")
	if !ok {
		return "", "", false
	}
	i := strings.LastIndexByte(rest, ':')
	if i < 0 {
		return "", "", false
	}
	return rest[:i], rest[i+1:], true
}

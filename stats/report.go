package stats

import (
	"context"
	"sort"
	"strconv"
	"strings"

	"github.com/redis/go-redis/v9"
)

// Filter picks what a report covers. Empty fields mean everything; dates
// are YYYY-MM-DD and inclusive.
type Filter struct {
	Campaign string
	From, To string
}

// Totals are one campaign's counts over the filtered days.
type Totals struct {
	Campaign  string           `json:"campaign"`
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
	}
	out := make([]*Totals, 0, len(byCampaign))
	for _, t := range byCampaign {
		out = append(out, t)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Campaign < out[j].Campaign })
	return out, nil
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

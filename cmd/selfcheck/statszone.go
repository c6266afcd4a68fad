package main

import (
	"context"
	"fmt"
	"strings"
	_ "time/tzdata" // STATS_TZ names a zone even where the image has no zone database (distroless)

	"github.com/redis/go-redis/v9"

	"github.com/selfcheck-id/selfcheck/convo"
	"github.com/selfcheck-id/selfcheck/stats"
)

// telegramStats answers /stats (every campaign, one line each) and
// /stats NAME (that campaign's detail), after saving the counts in hand.
func telegramStats(rdb redis.UniversalClient, core *convo.Core, flush func(context.Context) error, zone string) func(context.Context, string) (string, error) {
	return func(ctx context.Context, name string) (string, error) {
		if err := flush(ctx); err != nil {
			return "", err
		}
		ts, err := stats.Read(ctx, rdb, stats.Filter{})
		if err != nil {
			return "", err
		}
		c := core.Content()
		l := stats.NewLayout(c.Flow, c.Msgs)
		var buf strings.Builder
		if name == "" {
			err = stats.Overview(&buf, ts, l, zone)
			return buf.String(), err
		}
		t := stats.Find(ts, name)
		if t == nil {
			return fmt.Sprintf("No statistics for campaign %q. /stats lists the campaigns that have some.", name), nil
		}
		err = stats.Detail(&buf, &stats.Report{Zone: zone, Campaigns: []*stats.Totals{t}}, l)
		return buf.String(), err
	}
}

// campaignNames lists the names of ts, for a message.
func campaignNames(ts []*stats.Totals) string {
	if len(ts) == 0 {
		return "none yet"
	}
	var names []string
	for _, t := range ts {
		names = append(names, t.Campaign)
	}
	return strings.Join(names, ", ")
}

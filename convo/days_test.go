package convo

import (
	"testing"
	"time"
	_ "time/tzdata" // Asia/Jakarta on a machine without a zone database
)

// TestDaysInTheCampaignsZone: a check started at 18:00 UTC on 30
// November counts under 1 December in Jakarta (UTC+7), and under 30
// November without a zone.
func TestDaysInTheCampaignsZone(t *testing.T) {
	jakarta, err := time.LoadLocation("Asia/Jakarta")
	if err != nil {
		t.Fatal(err)
	}
	at := time.Date(2026, 11, 30, 18, 0, 0, 0, time.UTC)
	for _, tt := range []struct {
		zone *time.Location
		want string
	}{{nil, "2026-11-30"}, {time.UTC, "2026-11-30"}, {jakarta, "2026-12-01"}} {
		if got := (&Core{Days: tt.zone}).today(at); got != tt.want {
			t.Errorf("zone %v: day %s, want %s", tt.zone, got, tt.want)
		}
	}
}

package session

import (
	"testing"

	"github.com/selfcheck-id/selfcheck/flows"
)

// BenchmarkRecord encodes and decodes a session at its verdict (19
// answers, a full window of update ids): the work every update does on
// top of the Redis round trips.
func BenchmarkRecord(b *testing.B) {
	s := Session{Lang: "id", Nonce: "ab12cd34", Campaign: "sma1-demo", Day: "2026-12-01",
		State: flows.State{Flow: "offer-check", Version: 2, Step: "verdict"}}
	for range 19 {
		s.State.Answers = append(s.State.Answers, flows.Answer{Step: "recruiter_channel", Choice: "dont_know"})
	}
	w := window{ids: []int64{900000001, 900000002, 900000003, 900000004, 900000005, 900000006, 900000007, 900000008}, saved: 1764547200}
	data, err := encode(s, w)
	if err != nil {
		b.Fatal(err)
	}
	b.Run("encode", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			_, _ = encode(s, w)
		}
	})
	b.Run("decode", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if _, _, _, ok := decode(data); !ok {
				b.Fatal("not decoded")
			}
		}
	})
	b.ReportMetric(float64(len(data)), "bytes")
}

package provider

import (
	"reflect"
	"testing"

	"github.com/anyreach/terraform-provider-anyreach/internal/client"
	"github.com/anyreach/terraform-provider-anyreach/internal/routing"
)

// TestRoutingCalls pins the request floor of anyreach_agent_routing: one
// publish call per version and direction that gains slots, clears riding on
// the last write of their direction, and a call of its own only for a
// direction that gains nothing.
func TestRoutingCalls(t *testing.T) {
	in := func(numbers ...string) []routing.Slot { return routing.Slots(numbers, client.DirectionInbound) }
	cases := []struct {
		name                       string
		hadIn, hadOut, wantIn, out routes
		clear                      []routing.Slot
		want                       []routingCall
	}{
		{
			name:  "A/B swap: one call per version, nothing cleared",
			hadIn: routes{"+1": 1, "+2": 2}, wantIn: routes{"+1": 2, "+2": 1},
			want: []routingCall{
				{1, client.PublishRequest{PhoneNumbers: []string{"+2"}, Direction: "inbound"}},
				{2, client.PublishRequest{PhoneNumbers: []string{"+1"}, Direction: "inbound"}},
			},
		},
		{
			name:  "end of the test: the winner takes both, one call",
			hadIn: routes{"+1": 1, "+2": 2}, wantIn: routes{"+1": 1, "+2": 1},
			want: []routingCall{{1, client.PublishRequest{PhoneNumbers: []string{"+2"}, Direction: "inbound"}}},
		},
		{
			name:  "a number leaves while another moves: the clear rides on the write",
			hadIn: routes{"+1": 1, "+2": 1}, wantIn: routes{"+1": 2}, clear: in("+2"),
			want: []routingCall{{2, client.PublishRequest{PhoneNumbers: []string{"+1"}, UnassignPhoneNumbers: []string{"+2"}, Direction: "inbound"}}},
		},
		{
			name:  "only a clear: one call on the version that held it",
			hadIn: routes{"+1": 1, "+2": 3}, wantIn: routes{"+1": 1}, clear: in("+2"),
			want: []routingCall{{3, client.PublishRequest{UnassignPhoneNumbers: []string{"+2"}, Direction: "inbound"}}},
		},
		{
			name:   "both slots to one version: one call with both",
			wantIn: routes{"+1": 1, "+2": 1}, out: routes{"+1": 1},
			want: []routingCall{
				{1, client.PublishRequest{PhoneNumbers: []string{"+1"}, Direction: "both"}},
				{1, client.PublishRequest{PhoneNumbers: []string{"+2"}, Direction: "inbound"}},
			},
		},
		{name: "unchanged: no call", hadIn: routes{"+1": 1}, wantIn: routes{"+1": 1}, want: []routingCall{}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			for _, m := range []*routes{&c.hadIn, &c.hadOut, &c.wantIn, &c.out} {
				if *m == nil {
					*m = routes{}
				}
			}
			if got := routingCalls(c.hadIn, c.hadOut, c.wantIn, c.out, c.clear); !reflect.DeepEqual(got, c.want) {
				t.Errorf("routingCalls =\n%+v\nwant\n%+v", got, c.want)
			}
		})
	}
}

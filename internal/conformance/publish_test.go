package conformance_test

import (
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/anyreach/terraform-provider-anyreach/internal/client"
	"github.com/anyreach/terraform-provider-anyreach/internal/emulator"
)

// Section 5: publishing and phone-number slots.
func TestPublish(t *testing.T) {
	t.Parallel()

	t.Run("[D] publishing without phone_numbers publishes and changes no assignment; the response is an empty list", func(t *testing.T) {
		t.Parallel()
		e := newEnv(t, emulator.Options{})
		a := e.agent("Plain")
		e.version(a.ID, config("x"))
		before := e.emu.Snapshot().PhoneNumbers
		out := e.publish(a.ID, 1, client.PublishRequest{})
		if out == nil || len(out) != 0 {
			t.Errorf("response = %#v, want an empty list", out)
		}
		v := e.getVersion(a.ID, 1)
		if !v.Published || v.PublishedAt == nil {
			t.Errorf("published=%v published_at=%s", v.Published, str(v.PublishedAt))
		}
		parseTime(t, *v.PublishedAt)
		if after := e.emu.Snapshot().PhoneNumbers; !slices.EqualFunc(before, after, func(x, y emulator.PhoneNumber) bool {
			return str(x.InboundAgentVersionID) == str(y.InboundAgentVersionID) && str(x.OutboundAgentVersionID) == str(y.OutboundAgentVersionID) && x.UpdatedAt.Equal(y.UpdatedAt)
		}) {
			t.Error("a publish without numbers touched the directory")
		}
	})

	// [D] direction picks the slot(s); the other slot is never touched unless "both".
	directions := []struct {
		rule          string
		direction     string
		inbound, outb bool
	}{
		{"[D] direction defaults to inbound: only the inbound slot is written", "", true, false},
		{"[D] direction inbound writes only the inbound slot, the outbound slot is untouched", client.DirectionInbound, true, false},
		{"[D] direction outbound writes only the outbound slot, the inbound slot is untouched", client.DirectionOutbound, false, true},
		{"[D] direction both writes both slots", client.DirectionBoth, true, true},
	}
	for _, d := range directions {
		t.Run(d.rule, func(t *testing.T) {
			t.Parallel()
			e := newEnv(t, emulator.Options{})
			a := e.agent("Dir")
			v := e.version(a.ID, config("x"))
			if err := e.emu.SetPhoneNumberSlots(num1, ptr("held-in"), ptr("held-out")); err != nil {
				t.Fatal(err)
			}
			out := e.publish(a.ID, 1, client.PublishRequest{PhoneNumbers: []string{num1, num2}, Direction: d.direction})
			if len(out) != 2 || out[0].PhoneNumber != num1 || out[1].PhoneNumber != num2 {
				t.Fatalf("response = %+v, want the records of %s and %s", out, num1, num2)
			}
			want := func(assigned bool, held string) string {
				if assigned {
					return v.VersionID
				}
				return held
			}
			checks := []struct {
				number, in, out string
			}{
				{num1, want(d.inbound, "held-in"), want(d.outb, "held-out")},
				{num2, want(d.inbound, "<nil>"), want(d.outb, "<nil>")},
			}
			for i, c := range checks {
				read, err := e.c.GetPhoneNumber(t.Context(), c.number)
				if err != nil {
					t.Fatal(err)
				}
				for what, pn := range map[string]client.PhoneNumber{"response": out[i], "GET": *read} {
					if str(pn.InboundAgentVersionID) != c.in || str(pn.OutboundAgentVersionID) != c.out {
						t.Errorf("%s %s: inbound %s outbound %s, want %s / %s", what, c.number, str(pn.InboundAgentVersionID), str(pn.OutboundAgentVersionID), c.in, c.out)
					}
				}
			}
			if !e.getVersion(a.ID, 1).Published {
				t.Error("[D] deploying a version must publish it")
			}
		})
	}

	t.Run("[D] the version is published before assignments are written: only published versions are assignable", func(t *testing.T) {
		t.Parallel()
		e := newEnv(t, emulator.Options{})
		a := e.agent("Order")
		e.version(a.ID, config("x"))
		out := e.publish(a.ID, 1, client.PublishRequest{PhoneNumbers: []string{num3}, Direction: client.DirectionBoth})
		s := e.stored(a.ID)
		if !s.Versions[0].Published || s.Versions[0].PublishedAt == nil {
			t.Fatal("the assigned version is not published")
		}
		for _, n := range e.emu.Snapshot().PhoneNumbers {
			for _, id := range []*string{n.InboundAgentVersionID, n.OutboundAgentVersionID} {
				if id != nil && *id == s.Versions[0].VersionID && !s.Versions[0].Published {
					t.Errorf("%s holds a draft", n.PhoneNumber)
				}
			}
		}
		if len(out) != 1 || str(out[0].InboundAgentVersionID) != s.Versions[0].VersionID {
			t.Errorf("response = %+v", out)
		}
	})

	t.Run("[A] publishing an already-published version is allowed and only applies the assignment changes", func(t *testing.T) {
		t.Parallel()
		e := newEnv(t, emulator.Options{})
		a := e.agent("Again")
		v := e.version(a.ID, config("x"))
		e.publish(a.ID, 1, client.PublishRequest{PhoneNumbers: []string{num1}})
		first := e.getVersion(a.ID, 1)
		time.Sleep(5 * time.Millisecond)
		out := e.publish(a.ID, 1, client.PublishRequest{PhoneNumbers: []string{num2}, Direction: client.DirectionOutbound})
		again := e.getVersion(a.ID, 1)
		if !again.Published || str(again.PublishedAt) != str(first.PublishedAt) || string(again.Config) != string(first.Config) {
			t.Errorf("republishing changed the version: published_at %s -> %s", str(first.PublishedAt), str(again.PublishedAt))
		}
		if len(out) != 1 || out[0].PhoneNumber != num2 || str(out[0].OutboundAgentVersionID) != v.VersionID {
			t.Errorf("response = %+v", out)
		}
		if str(e.number(num1).InboundAgentVersionID) != v.VersionID {
			t.Error("the earlier assignment was lost")
		}
		if n := len(e.stored(a.ID).Versions); n != 1 {
			t.Errorf("%d versions, want 1", n)
		}
	})

	t.Run("[D] publishing a newer version to a number replaces the older one in that slot", func(t *testing.T) {
		t.Parallel()
		e := newEnv(t, emulator.Options{})
		a := e.agent("Roll")
		e.version(a.ID, config("1"))
		e.publish(a.ID, 1, client.PublishRequest{PhoneNumbers: []string{num1}, Direction: client.DirectionBoth})
		v2 := e.version(a.ID, config("2"))
		e.publish(a.ID, 2, client.PublishRequest{PhoneNumbers: []string{num1}})
		n := e.number(num1)
		if str(n.InboundAgentVersionID) != v2.VersionID || str(n.OutboundAgentVersionID) != e.getVersion(a.ID, 1).VersionID {
			t.Errorf("inbound %s outbound %s", str(n.InboundAgentVersionID), str(n.OutboundAgentVersionID))
		}
		got, err := e.c.GetAgent(t.Context(), a.ID)
		if err != nil {
			t.Fatal(err)
		}
		if len(got.PhoneNumbers) != 1 || str(got.PhoneNumbers[0].InboundAgentVersionID) != v2.VersionID {
			t.Errorf("agent phone_numbers = %+v", got.PhoneNumbers)
		}
	})

	t.Run("[D] unassign_phone_numbers clears this agent from the numbers, in the given direction only", func(t *testing.T) {
		t.Parallel()
		e := newEnv(t, emulator.Options{})
		a := e.agent("Unassign")
		v1 := e.version(a.ID, config("1"))
		e.publish(a.ID, 1, client.PublishRequest{PhoneNumbers: []string{num1, num2}, Direction: client.DirectionBoth})
		e.version(a.ID, config("2"))
		// Version 2 clears the inbound slot (holding version 1: same agent).
		out := e.publish(a.ID, 2, client.PublishRequest{UnassignPhoneNumbers: []string{num1}})
		n1 := e.number(num1)
		if n1.InboundAgentVersionID != nil || str(n1.OutboundAgentVersionID) != v1.VersionID {
			t.Errorf("%s: inbound %s (want cleared) outbound %s (want untouched)", num1, str(n1.InboundAgentVersionID), str(n1.OutboundAgentVersionID))
		}
		if len(out) != 1 || out[0].PhoneNumber != num1 || out[0].InboundAgentVersionID != nil {
			t.Errorf("response = %+v", out)
		}
		e.publish(a.ID, 2, client.PublishRequest{UnassignPhoneNumbers: []string{num2}, Direction: client.DirectionBoth})
		if n2 := e.number(num2); n2.InboundAgentVersionID != nil || n2.OutboundAgentVersionID != nil {
			t.Errorf("%s: not cleared by direction both", num2)
		}
	})

	t.Run("[A] unassigning clears a slot only if it holds a version of this agent", func(t *testing.T) {
		t.Parallel()
		e := newEnv(t, emulator.Options{})
		mine := e.agent("Mine")
		e.version(mine.ID, config("mine"))
		theirs := e.agent("Theirs")
		tv := e.version(theirs.ID, config("theirs"))
		e.publish(theirs.ID, 1, client.PublishRequest{PhoneNumbers: []string{num1}, Direction: client.DirectionBoth})
		out := e.publish(mine.ID, 1, client.PublishRequest{UnassignPhoneNumbers: []string{num1}, Direction: client.DirectionBoth})
		n := e.number(num1)
		if str(n.InboundAgentVersionID) != tv.VersionID || str(n.OutboundAgentVersionID) != tv.VersionID {
			t.Errorf("another agent's slots were cleared: %s / %s", str(n.InboundAgentVersionID), str(n.OutboundAgentVersionID))
		}
		if len(out) != 1 || str(out[0].InboundAgentVersionID) != tv.VersionID {
			t.Errorf("response = %+v", out)
		}
	})

	// [A] invalid numbers: validation and lookup happen before anything is applied.
	rejects := []struct {
		rule     string
		in       client.PublishRequest
		status   int
		wantPath string
		detail   string
	}{
		{"[A] a number not in E.164 form is 422 and nothing is applied", client.PublishRequest{PhoneNumbers: []string{num1, "555-0100"}, Direction: client.DirectionBoth}, http.StatusUnprocessableEntity, "phone_numbers[1]", ""},
		{"[A] an unassign number not in E.164 form is 422 and nothing is applied", client.PublishRequest{PhoneNumbers: []string{num1}, UnassignPhoneNumbers: []string{"+0123"}}, http.StatusUnprocessableEntity, "unassign_phone_numbers[0]", ""},
		{"[A] a number not in the organization's directory is 404 and nothing is applied", client.PublishRequest{PhoneNumbers: []string{num1, "+15559999999"}}, http.StatusNotFound, "", "+15559999999"},
		{"[A] an unassign number not in the directory is 404 and nothing is applied", client.PublishRequest{PhoneNumbers: []string{num1}, UnassignPhoneNumbers: []string{"+15559999999"}}, http.StatusNotFound, "", "+15559999999"},
		{"[D] direction is inbound, outbound or both", client.PublishRequest{PhoneNumbers: []string{num1}, Direction: "sideways"}, http.StatusUnprocessableEntity, "direction", ""},
	}
	for _, tc := range rejects {
		t.Run(tc.rule, func(t *testing.T) {
			t.Parallel()
			e := newEnv(t, emulator.Options{})
			a := e.agent("Reject")
			e.version(a.ID, config("x"))
			before := e.emu.Snapshot()
			_, err := e.c.PublishVersion(t.Context(), a.ID, 1, tc.in)
			ae := apiError(t, err, tc.status, tc.detail)
			if tc.wantPath != "" {
				var paths []string
				for _, f := range ae.Fields {
					paths = append(paths, f.Path())
				}
				if !slices.Contains(paths, tc.wantPath) {
					t.Errorf("field paths %q, want %s", paths, tc.wantPath)
				}
			}
			after := e.emu.Snapshot()
			if after.Agents[0].Versions[0].Published {
				t.Error("the version was published although the request was rejected")
			}
			for i := range before.PhoneNumbers {
				b, x := before.PhoneNumbers[i], after.PhoneNumbers[i]
				if str(b.InboundAgentVersionID) != str(x.InboundAgentVersionID) || str(b.OutboundAgentVersionID) != str(x.OutboundAgentVersionID) || !b.UpdatedAt.Equal(x.UpdatedAt) {
					t.Errorf("%s changed although the request was rejected", b.PhoneNumber)
				}
			}
		})
	}

	t.Run("[A] publishing an unknown version is 404", func(t *testing.T) {
		t.Parallel()
		e := newEnv(t, emulator.Options{})
		a := e.agent("Unknown")
		_, err := e.c.PublishVersion(t.Context(), a.ID, 3, client.PublishRequest{})
		wantAPIError(t, err, http.StatusNotFound, "Version 3 not found")
	})
}

// Section 5: the phone-number directory.
func TestPhoneNumbers(t *testing.T) {
	t.Parallel()
	rec := newRecorder(nil)
	e := newEnv(t, emulator.Options{}, withTransport(rec))
	a := e.agent("Numbers")
	e.version(a.ID, config("x"))
	e.publish(a.ID, 1, client.PublishRequest{PhoneNumbers: []string{num4}})
	n4 := e.number(num4)

	t.Run("[D] phone numbers are E.164 strings; [A] PhoneNumber records carry every field", func(t *testing.T) {
		t.Parallel()
		all, err := e.c.ListPhoneNumbers(t.Context(), client.PhoneNumberListOptions{})
		if err != nil {
			t.Fatal(err)
		}
		if len(all) != 5 {
			t.Fatalf("%d numbers, want 5", len(all))
		}
		for _, n := range all {
			if !e164RE.MatchString(n.PhoneNumber) || n.TrunkID != emulator.DefaultTrunkID {
				t.Errorf("record %+v", n)
			}
			parseTime(t, n.CreatedAt)
			parseTime(t, n.UpdatedAt)
		}
	})

	filters := []struct {
		rule string
		opts client.PhoneNumberListOptions
		want []string
	}{
		{"[D] phone_number filter is a substring match", client.PhoneNumberListOptions{PhoneNumber: "0100003"}, []string{num3}},
		{"[D] phone_number filter is a substring match (several)", client.PhoneNumberListOptions{PhoneNumber: "+1555"}, []string{num1, num2, num3, num4, num5}},
		{"[D] trunk_id filter", client.PhoneNumberListOptions{TrunkID: emulator.DefaultTrunkID}, []string{num1, num2, num3, num4, num5}},
		{"[D] trunk_id filter with no match", client.PhoneNumberListOptions{TrunkID: "trunk_other"}, []string{}},
		{"[D] updated_after filter", client.PhoneNumberListOptions{UpdatedAfter: ptr(n4.UpdatedAt.Add(-time.Microsecond))}, []string{num4}},
		{"[D] created_before filter", client.PhoneNumberListOptions{CreatedBefore: ptr(n4.CreatedAt.Add(time.Millisecond))}, []string{num1, num2, num3, num4, num5}},
		{"[D] created_after filter", client.PhoneNumberListOptions{CreatedAfter: ptr(n4.CreatedAt)}, []string{}},
		{"[D] updated_before filter", client.PhoneNumberListOptions{UpdatedBefore: ptr(n4.UpdatedAt)}, []string{num1, num2, num3, num5}},
	}
	for _, f := range filters {
		t.Run(f.rule, func(t *testing.T) {
			t.Parallel()
			got, err := e.c.ListPhoneNumbers(t.Context(), f.opts)
			if err != nil {
				t.Fatal(err)
			}
			nums := []string{}
			for _, n := range got {
				nums = append(nums, n.PhoneNumber)
			}
			if !slices.Equal(nums, f.want) {
				t.Errorf("got %v, want %v", nums, f.want)
			}
		})
	}

	t.Run("[D] GET /core/phone-numbers/{phone_number} with the + URL-encoded", func(t *testing.T) {
		t.Parallel()
		got, err := e.c.GetPhoneNumber(t.Context(), num4)
		if err != nil {
			t.Fatal(err)
		}
		if got.PhoneNumber != num4 || got.InboundAgentVersionID == nil || *got.InboundAgentVersionID != *n4.InboundAgentVersionID || got.OutboundAgentVersionID != nil {
			t.Errorf("record %+v", got)
		}
		found := false
		for _, s := range rec.all() {
			if s.Method == http.MethodGet && strings.HasPrefix(s.EscapedPath, "/core/phone-numbers/") && strings.HasSuffix(s.EscapedPath, "15550100004") {
				found = true
				if s.EscapedPath != "/core/phone-numbers/%2B15550100004" {
					t.Errorf("path on the wire %q, want the + encoded as %%2B", s.EscapedPath)
				}
			}
		}
		if !found {
			t.Error("no GET /core/phone-numbers/{phone_number} seen")
		}
	})

	t.Run("[D] a number not in the directory is 404", func(t *testing.T) {
		t.Parallel()
		_, err := e.c.GetPhoneNumber(t.Context(), "+15559999999")
		wantAPIError(t, err, http.StatusNotFound, "+15559999999")
	})
}

package emulator

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"
)

// TestVariantWire pins everything the variant wire answers the other way the
// contract allows.
func TestVariantWire(t *testing.T) {
	h := newHarness(t, Options{VariantWire: true, GenerationDelay: time.Hour})
	var ids []string
	for _, name := range []string{"a", "b", "c", "d", "e"} {
		r := expect(t, h.do("POST", "/core/agents", map[string]any{"name": name}), 201).obj(t)
		if _, has := r["agent_id"]; has || r["organization_id"] != DefaultOrgID {
			t.Fatalf("[A] variant agent has agent_id or lacks the extra field: %v", r)
		}
		ids = append(ids, r["id"].(string))
	}

	t.Run("[A] agents come in pages of 2; the last page has no next_cursor", func(t *testing.T) {
		var got []string
		cursor := ""
		for page := 0; page < 5; page++ {
			r := expect(t, h.do("GET", "/core/agents?limit=100"+cursor, nil), 200).obj(t)
			data := r["data"].([]any)
			if len(data) > 2 {
				t.Fatalf("page of %d", len(data))
			}
			for _, a := range data {
				got = append(got, a.(map[string]any)["id"].(string))
			}
			pg := r["pagination"].(map[string]any)
			next, has := pg["next_cursor"]
			if !has {
				break
			}
			if next == nil {
				t.Fatal("next_cursor null instead of absent")
			}
			cursor = "&cursor=" + next.(string)
		}
		assertEqual(t, "agents", got, ids)
	})
	t.Run("[A] phone numbers come in pages of 2 too", func(t *testing.T) {
		r := expect(t, h.do("GET", "/core/phone-numbers", nil), 200).obj(t)
		if n := len(r["data"].([]any)); n != 2 {
			t.Errorf("page of %d", n)
		}
		next := r["pagination"].(map[string]any)["next_cursor"].(string)
		r = expect(t, h.do("GET", "/core/phone-numbers?cursor="+next, nil), 200).obj(t)
		assertEqual(t, "second page", r["data"].([]any)[0].(map[string]any)["phone_number"], "+15550100003")
	})
	t.Run("[A] versions come as a bare array", func(t *testing.T) {
		for range 3 {
			h.createVersion(ids[0], map[string]any{"config": minimalConfig("x")})
		}
		if n := len(expect(t, h.do("GET", "/core/agents/"+ids[0]+"/versions?limit=1", nil), 200).list(t)); n != 3 {
			t.Errorf("%d versions", n)
		}
	})
	t.Run("[A] a 422 detail is a string", func(t *testing.T) {
		r := expect(t, h.do("POST", "/core/agents", map[string]any{}), 422)
		if _, ok := r.obj(t)["detail"].(string); !ok {
			t.Errorf("detail %s", r.body)
		}
	})
	t.Run("[A] undocumented messages are reworded, status codes kept", func(t *testing.T) {
		expect(t, h.do("POST", "/core/agents/"+ids[0]+"/versions/1/generate-instructions", nil), 400) // no inputs
		expect(t, h.do("PUT", "/core/agents/"+ids[0]+"/versions/1", map[string]any{"instruction_builder_inputs": map[string]any{"a": "b"}}), 200)
		expect(t, h.do("POST", "/core/agents/"+ids[0]+"/versions/1/generate-instructions", nil), 202)
		for _, c := range []struct {
			r     response
			words []string
		}{
			{expect(t, h.publish(ids[0], 1, nil), 409), []string{"generat", "instruction"}},
			{expect(t, h.do("POST", "/core/agents/"+ids[1]+"/deploy-as-sip", nil), 409), []string{"publish", "sip"}},
			{expect(t, h.do("GET", "/core/agents/nope", nil), 404), []string{"agent"}},
			{expect(t, h.as("ak_unknown").do("GET", "/core/agents", nil), 401), []string{"credential"}},
			{expect(t, h.as("pat_x").do("GET", "/core/agents", nil, "X-Anyreach-Org: org_other"), 401), []string{"credential"}},
		} {
			d := strings.ToLower(c.r.detail(t))
			for _, w := range c.words {
				if strings.Contains(d, w) {
					t.Errorf("%d detail %q still says %q", c.r.status, d, w)
				}
			}
		}
	})
	t.Run("[D] the documented 401 text stays", func(t *testing.T) {
		hp := newHarness(t, Options{VariantWire: true, Tokens: map[string][]string{"pat_me": nil}})
		r := expect(t, hp.as("pat_me").do("GET", "/core/agents", nil), http.StatusUnauthorized)
		assertEqual(t, "detail", r.detail(t), "Token is missing organization claim.")
	})
}

// TestFinishOnDisconnect: like a real server, the emulator carries out a
// request whose client went away; AbandonOnDisconnect restores the old drop.
// The client gives up while the request waits out its latency: the fake
// clock holds the wait until the client is gone.
func TestFinishOnDisconnect(t *testing.T) {
	for _, abandon := range []bool{false, true} {
		clk := newFakeClock()
		clk.block = true
		e, err := New(Options{Latency: 150 * time.Millisecond, AbandonOnDisconnect: abandon})
		if err != nil {
			t.Fatal(err)
		}
		e.clock = clk
		handled := make(chan struct{})
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			defer close(handled)
			e.ServeHTTP(w, r)
		}))
		ctx, cancel := context.WithCancel(context.Background())
		req, _ := http.NewRequestWithContext(ctx, "POST", srv.URL+"/core/agents", strings.NewReader(`{"name":"x"}`))
		req.Header.Set("Authorization", "Bearer "+DefaultToken)
		answered := make(chan error, 1)
		go func() {
			resp, err := srv.Client().Do(req)
			if err == nil {
				resp.Body.Close()
			}
			answered <- err
		}()
		<-clk.asleep // the request waits out its latency
		cancel()
		if err := <-answered; err == nil {
			t.Fatal("the request was answered before the client gave up")
		}
		<-handled
		srv.Close()
		want := 1
		if abandon {
			want = 0
		}
		if n := len(e.Snapshot().Agents); n != want {
			t.Errorf("abandon=%v: %d agents after the client disconnected, want %d", abandon, n, want)
		}
		if !abandon {
			if log := e.RequestLog(); len(log) != 1 || !log[0].ClientGone {
				t.Errorf("log %+v, want one request marked client_gone", log)
			}
		}
	}
}

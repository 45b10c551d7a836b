package conformance_test

import (
	"context"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/anyreach/terraform-provider-anyreach/internal/client"
	"github.com/anyreach/terraform-provider-anyreach/internal/emulator"
)

// TestErrorConditions pins the client's typed error predicates on both wires.
// On the variant wire every undocumented message is reworded, so a predicate
// that keyed on words would fail there: each is decided from the status code
// and, where that is ambiguous, the object's documented fields read back.
func TestErrorConditions(t *testing.T) {
	for _, wire := range []struct {
		name    string
		variant bool
	}{{"default wire", false}, {"variant wire", true}} {
		t.Run(wire.name, func(t *testing.T) {
			t.Parallel()
			testErrorConditions(t, wire.variant)
		})
	}
}

// predicates names every predicate, so each case can check that exactly one holds.
var predicates = map[string]func(error) bool{
	"IsGenerationInProgress":     client.IsGenerationInProgress,
	"IsInstructionsStale":        client.IsInstructionsStale,
	"IsVersionPublished":         client.IsVersionPublished,
	"IsMissingBuilderInputs":     client.IsMissingBuilderInputs,
	"IsSIPNeedsPublishedVersion": client.IsSIPNeedsPublishedVersion,
	"IsMissingOrganization":      client.IsMissingOrganization,
	"IsOrganizationDenied":       client.IsOrganizationDenied,
	"IsMissingScope":             client.IsMissingScope,
}

// wantCondition asserts err has the status and that exactly the named
// predicate holds.
func wantCondition(t *testing.T, err error, status int, want string) {
	t.Helper()
	ae := apiError(t, err, status)
	for name, is := range predicates {
		if got := is(err); got != (name == want) {
			t.Errorf("%s(%d %q) = %v, want %v", name, status, ae.Detail, got, name == want)
		}
	}
}

func testErrorConditions(t *testing.T, variant bool) {
	tokens := scopedTokens()
	tokens["pat_reader.conformance"] = []string{"agents:read"}
	e := newEnv(t, emulator.Options{Tokens: tokens, OrgID: orgID, VariantWire: variant, GenerationDelay: time.Hour})
	ctx := t.Context()
	inputs := mustJSON(map[string]any{"industry": "dental"})

	t.Run("[D] publishing while instructions generate", func(t *testing.T) {
		a := e.agent("generating")
		v := e.versionWith(a.ID, client.VersionCreate{Config: config("x"), InstructionBuilderInputs: inputs})
		if err := e.c.GenerateInstructions(ctx, a.ID, v.Version); err != nil {
			t.Fatal(err)
		}
		_, err := e.c.PublishVersion(ctx, a.ID, v.Version, client.PublishRequest{})
		wantCondition(t, err, http.StatusConflict, "IsGenerationInProgress")
		if variant && strings.Contains(strings.ToLower(err.Error()), "generat") {
			t.Errorf("the variant wire did not reword the message: %v", err)
		}
	})
	t.Run("[D] publishing stale instructions", func(t *testing.T) {
		quick := newEnv(t, emulator.Options{VariantWire: variant})
		a := quick.agent("stale")
		v := quick.versionWith(a.ID, client.VersionCreate{Config: config("x"), InstructionBuilderInputs: inputs})
		if err := quick.c.GenerateInstructions(ctx, a.ID, v.Version); err != nil {
			t.Fatal(err)
		}
		if _, err := quick.c.WaitForInstructions(ctx, a.ID, v.Version); err != nil {
			t.Fatal(err)
		}
		if _, err := quick.c.UpdateVersion(ctx, a.ID, v.Version, client.VersionUpdate{InstructionBuilderInputs: mustJSON(map[string]any{"industry": "ortho"})}); err != nil {
			t.Fatal(err)
		}
		_, err := quick.c.PublishVersion(ctx, a.ID, v.Version, client.PublishRequest{})
		wantCondition(t, err, http.StatusConflict, "IsInstructionsStale")
	})
	t.Run("[D] changing a published version", func(t *testing.T) {
		a := e.agent("published")
		v := e.versionWith(a.ID, client.VersionCreate{Config: config("x"), InstructionBuilderInputs: inputs})
		e.publish(a.ID, v.Version, client.PublishRequest{})
		_, err := e.c.UpdateVersion(ctx, a.ID, v.Version, client.VersionUpdate{Config: config("y")})
		wantCondition(t, err, http.StatusBadRequest, "IsVersionPublished")
		err = e.c.GenerateInstructions(ctx, a.ID, v.Version)
		wantCondition(t, err, http.StatusBadRequest, "IsVersionPublished")
	})
	t.Run("[D] generating without builder inputs", func(t *testing.T) {
		a := e.agent("no inputs")
		v := e.version(a.ID, config("x"))
		wantCondition(t, e.c.GenerateInstructions(ctx, a.ID, v.Version), http.StatusBadRequest, "IsMissingBuilderInputs")
	})
	t.Run("[D] deploying as SIP before a version is published", func(t *testing.T) {
		a := e.agent("sip")
		e.version(a.ID, config("x"))
		_, err := e.c.DeployAsSIP(ctx, a.ID)
		wantCondition(t, err, http.StatusConflict, "IsSIPNeedsPublishedVersion")
	})
	t.Run("[D] a personal access token without an organization", func(t *testing.T) {
		// client.New refuses this configuration; a proxy that drops the header gets it through.
		strip := withTransport(newRecorder(func(r *http.Request) { r.Header.Del("X-Anyreach-Org") }))
		c := e.client(tokPAT, orgID, strip)
		_, err := c.ListAgents(ctx, client.AgentListOptions{})
		wantCondition(t, err, http.StatusUnauthorized, "IsMissingOrganization")
	})
	t.Run("[A] a personal access token naming an organization it cannot access", func(t *testing.T) {
		c := e.client(tokPAT, "org_elsewhere")
		_, err := c.ListAgents(ctx, client.AgentListOptions{})
		wantCondition(t, err, http.StatusForbidden, "IsOrganizationDenied")
		_, err = c.CreateAgent(ctx, client.AgentCreate{Name: "x"})
		wantCondition(t, err, http.StatusForbidden, "IsOrganizationDenied")
	})
	t.Run("[D] a missing scope", func(t *testing.T) {
		_, err := e.client(tokRead, "").CreateAgent(ctx, client.AgentCreate{Name: "x"})
		wantCondition(t, err, http.StatusForbidden, "IsMissingScope")
		_, err = e.client("pat_reader.conformance", orgID).CreateAgent(ctx, client.AgentCreate{Name: "x"})
		wantCondition(t, err, http.StatusForbidden, "IsMissingScope")
	})
	t.Run("[A] an unattributable failure is no condition", func(t *testing.T) {
		_, err := e.c.GetAgent(context.Background(), "00000000-0000-4000-8000-000000000000")
		wantCondition(t, err, http.StatusNotFound, "")
	})
}

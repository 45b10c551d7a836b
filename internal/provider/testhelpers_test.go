package provider

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"regexp"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/statecheck"

	"github.com/anyreach/terraform-provider-anyreach/internal/emulator"
)

// captureAttr is a state check that records a string attribute of a resource,
// so a later step's PreConfig can act on it out of band (as a dashboard user would).
func captureAttr(address, attribute string, dst *string) statecheck.StateCheck {
	return captureCheck{address: address, attribute: attribute, dst: dst}
}

type captureCheck struct {
	address, attribute string
	dst                *string
}

func (c captureCheck) CheckState(_ context.Context, req statecheck.CheckStateRequest, resp *statecheck.CheckStateResponse) {
	if req.State == nil || req.State.Values == nil || req.State.Values.RootModule == nil {
		resp.Error = fmt.Errorf("no state to capture %s.%s from", c.address, c.attribute)
		return
	}
	for _, r := range req.State.Values.RootModule.Resources {
		if r.Address != c.address {
			continue
		}
		v, ok := r.AttributeValues[c.attribute]
		if !ok {
			break
		}
		*c.dst = fmt.Sprint(v)
		return
	}
	resp.Error = fmt.Errorf("%s.%s not found in state", c.address, c.attribute)
}

// randomHex is 24 random hex digits, for a secret no output holds by chance.
func randomHex(t *testing.T) string {
	t.Helper()
	var b [12]byte
	if _, err := rand.Read(b[:]); err != nil {
		t.Fatal(err)
	}
	return hex.EncodeToString(b[:])
}

// acrossWires runs test in parallel subtests against the emulator's default
// wire (spelled like the Python service), its variant wire (what the
// contract leaves open, answered the other way) and with unset optional
// config fields written as null.
func acrossWires(t *testing.T, test func(t *testing.T, opts emulator.Options)) {
	t.Helper()
	for name, opts := range map[string]emulator.Options{
		"default wire":         {},
		"variant wire":         {VariantWire: true},
		"null optional fields": {NullOptionalFields: true},
	} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			test(t, opts)
		})
	}
}

var planSummary = regexp.MustCompile(`Plan: (\d+) to import, (\d+) to add, (\d+) to change, (\d+) to destroy`)

// expectImportsOnly checks a plan imports n objects and changes nothing.
func expectImportsOnly(t *testing.T, out string, n int) {
	t.Helper()
	m := planSummary.FindStringSubmatch(out)
	if m == nil || m[1] != fmt.Sprint(n) || m[2] != "0" || m[3] != "0" || m[4] != "0" {
		t.Fatalf("the plan should import %d objects and change nothing:\n%s", n, out)
	}
}

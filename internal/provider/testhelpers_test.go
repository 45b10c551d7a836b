package provider

import (
	"context"
	"fmt"

	"github.com/hashicorp/terraform-plugin-testing/statecheck"
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

package client

import (
	"context"
	"errors"
	"net/http"
	"net/url"
)

// Condition is what an API failure means, decided from documented facts only:
// the status code, the operation, and where a code alone is ambiguous, the
// object's documented fields read back after the failure. Message wording is
// not part of the contract (the service may word anything differently) and is
// never consulted, except the one documented 401 text. See
// internal/emulator/CONTRACT.md, "Errors".
type Condition int

// The conditions a caller can act on. ConditionUnknown is every failure the
// client cannot attribute.
const (
	ConditionUnknown Condition = iota
	// ConditionGenerationInProgress: a publish was refused (409) while the
	// version's instructions_status is "generating".
	ConditionGenerationInProgress
	// ConditionInstructionsStale: a publish was refused (409) while the
	// version is instructions_dirty and not instructions_manually_edited.
	ConditionInstructionsStale
	// ConditionVersionPublished: a change to a version (update, instruction
	// generation) was refused (400) and the version reads back published.
	ConditionVersionPublished
	// ConditionMissingBuilderInputs: instruction generation was refused (400)
	// and the version reads back without instruction_builder_inputs.
	ConditionMissingBuilderInputs
	// ConditionSIPNeedsPublishedVersion: deploy-as-sip was refused (409) and
	// the agent reads back without a published version.
	ConditionSIPNeedsPublishedVersion
	// ConditionMissingOrganization: 401 with the documented detail
	// "Token is missing organization claim.": a pat_ token named no
	// organization.
	ConditionMissingOrganization
	// ConditionOrganizationDenied: a 403 to a request that named an
	// organization (X-Anyreach-Org), confirmed by a read in that
	// organization being refused too: the credential cannot act there.
	ConditionOrganizationDenied
	// ConditionMissingScope: a 403 that is not ConditionOrganizationDenied:
	// the credential lacks the scope the operation needs.
	ConditionMissingScope
)

// missingOrganizationDetail is the one error text the public documentation states.
const missingOrganizationDetail = "Token is missing organization claim."

// ConditionOf returns the condition of the *APIError in err's chain.
func ConditionOf(err error) Condition {
	var apiErr *APIError
	if !errors.As(err, &apiErr) {
		return ConditionUnknown
	}
	if apiErr.StatusCode == http.StatusUnauthorized && apiErr.Detail == missingOrganizationDetail {
		return ConditionMissingOrganization
	}
	return apiErr.Condition
}

// IsGenerationInProgress reports a publish refused because the version's
// instructions are being generated; wait (WaitForInstructions) and retry.
func IsGenerationInProgress(err error) bool {
	return ConditionOf(err) == ConditionGenerationInProgress
}

// IsInstructionsStale reports a publish refused because the builder inputs
// changed since the last generation; regenerate, then publish.
func IsInstructionsStale(err error) bool { return ConditionOf(err) == ConditionInstructionsStale }

// IsVersionPublished reports a change refused because the version is
// published, hence immutable; create a new version instead.
func IsVersionPublished(err error) bool { return ConditionOf(err) == ConditionVersionPublished }

// IsMissingBuilderInputs reports instruction generation refused because the
// version has no instruction_builder_inputs.
func IsMissingBuilderInputs(err error) bool {
	return ConditionOf(err) == ConditionMissingBuilderInputs
}

// IsSIPNeedsPublishedVersion reports deploy-as-sip refused because the agent
// has no published version yet.
func IsSIPNeedsPublishedVersion(err error) bool {
	return ConditionOf(err) == ConditionSIPNeedsPublishedVersion
}

// IsMissingOrganization reports a personal access token used without an
// organization (the documented 401).
func IsMissingOrganization(err error) bool {
	return ConditionOf(err) == ConditionMissingOrganization
}

// IsOrganizationDenied reports a credential with no access to the
// organization the request named.
func IsOrganizationDenied(err error) bool {
	return ConditionOf(err) == ConditionOrganizationDenied
}

// IsMissingScope reports a credential that lacks the scope an operation needs.
func IsMissingScope(err error) bool { return ConditionOf(err) == ConditionMissingScope }

// attribute sets the condition of err's *APIError from what decide says, when
// err is one with the given status. decide reads the object back; when that
// read fails, err is returned unchanged (ConditionUnknown).
func attribute(err error, status int, decide func() Condition) error {
	var apiErr *APIError
	if !errors.As(err, &apiErr) || apiErr.StatusCode != status {
		return err
	}
	apiErr.Condition = decide()
	return err
}

// explainPublishConflict attributes a 409 on publish by re-reading the
// version's documented instruction fields.
func (c *Client) explainPublishConflict(ctx context.Context, agentID string, version int, err error) error {
	return attribute(err, http.StatusConflict, func() Condition {
		v, rerr := c.GetVersion(ctx, agentID, version)
		switch {
		case rerr != nil:
			return ConditionUnknown
		case v.InstructionsStatus == InstructionsGenerating:
			return ConditionGenerationInProgress
		case v.InstructionsDirty && !v.InstructionsManuallyEdited:
			return ConditionInstructionsStale
		}
		return ConditionUnknown
	})
}

// explainVersionRefusal attributes a 400 on a version change by re-reading the
// version: published, or (for generation) without builder inputs.
func (c *Client) explainVersionRefusal(ctx context.Context, agentID string, version int, err error) error {
	return attribute(err, http.StatusBadRequest, func() Condition {
		v, rerr := c.GetVersion(ctx, agentID, version)
		switch {
		case rerr != nil:
			return ConditionUnknown
		case v.Published:
			return ConditionVersionPublished
		case len(v.InstructionBuilderInputs) == 0 || string(v.InstructionBuilderInputs) == "null" || string(v.InstructionBuilderInputs) == "{}":
			return ConditionMissingBuilderInputs
		}
		return ConditionUnknown
	})
}

// explainSIPConflict attributes a 409 on deploy-as-sip by re-reading the
// agent's version summaries.
func (c *Client) explainSIPConflict(ctx context.Context, agentID string, err error) error {
	return attribute(err, http.StatusConflict, func() Condition {
		a, rerr := c.GetAgent(ctx, agentID)
		if rerr != nil {
			return ConditionUnknown
		}
		for _, v := range a.Versions {
			if v.Published {
				return ConditionUnknown
			}
		}
		return ConditionSIPNeedsPublishedVersion
	})
}

// explainForbidden attributes a 403. Without an organization header the
// credential carries its organization, so it lacks a scope. With one, a read
// in that organization (the cheapest documented one) tells the two apart:
// if it is refused too, the organization is.
func (c *Client) explainForbidden(ctx context.Context, cl call, err error) error {
	return attribute(err, http.StatusForbidden, func() Condition {
		if c.org == "" {
			return ConditionMissingScope
		}
		if cl.method == http.MethodGet && cl.path == "/core/agents" {
			return ConditionOrganizationDenied // the probe itself was refused
		}
		_, perr := c.do(ctx, call{method: http.MethodGet, path: "/core/agents", query: url.Values{"limit": {"1"}}})
		if StatusCode(perr) == http.StatusForbidden {
			return ConditionOrganizationDenied
		}
		return ConditionMissingScope
	})
}

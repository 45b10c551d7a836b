package provider

import (
	"context"
	"fmt"
	"time"

	"github.com/hashicorp/terraform-plugin-framework-validators/int64validator"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"

	"github.com/anyreach/terraform-provider-anyreach/internal/client"
)

// The provider block's checks, one owner each: they are schema validators,
// so `terraform validate` refuses a bad value written in the configuration
// with an error on that argument. Configure trusts what they let through and
// checks with the same functions only what the environment supplied
// (ANYREACH_TOKEN, ANYREACH_BASE_URL), which no validator sees.

// maxMaxRetries is the most retries max_retries may ask for: with the
// client's backoff, 20 retries already wait for many minutes.
const maxMaxRetries = 20

// maxRetriesValidators checks max_retries.
func maxRetriesValidators() []validator.Int64 {
	return []validator.Int64{int64validator.Between(0, maxMaxRetries)}
}

// parseRequestTimeout reads request_timeout: a positive Go duration.
func parseRequestTimeout(s string) (time.Duration, error) {
	d, err := time.ParseDuration(s)
	if err != nil || d <= 0 {
		return 0, fmt.Errorf("request_timeout must be a positive Go duration such as \"30s\" or \"2m\", got %q", s)
	}
	return d, nil
}

// stringCheck is a string validator made of a description and a check
// function, for the provider arguments whose rule another function owns.
type stringCheck struct {
	summary     string
	description string
	check       func(string) error
}

var _ validator.String = stringCheck{}

func (v stringCheck) Description(context.Context) string { return v.description }

func (v stringCheck) MarkdownDescription(ctx context.Context) string { return v.Description(ctx) }

func (v stringCheck) ValidateString(_ context.Context, req validator.StringRequest, resp *validator.StringResponse) {
	if req.ConfigValue.IsNull() || req.ConfigValue.IsUnknown() || req.ConfigValue.ValueString() == "" {
		return
	}
	if err := v.check(req.ConfigValue.ValueString()); err != nil {
		resp.Diagnostics.AddAttributeError(req.Path, v.summary, err.Error())
	}
}

// tokenValidator refuses a credential that cannot be sent as a header; the
// client owns the rule (client.CheckToken) and never shows the token.
var tokenValidator = stringCheck{
	summary:     "Invalid Anyreach provider token",
	description: "must be a credential without line breaks or control characters",
	check:       client.CheckToken,
}

// baseURLValidator refuses a base URL the client would refuse: not absolute,
// plain http to a non-loopback host, or holding credentials (client.CheckBaseURL).
var baseURLValidator = stringCheck{
	summary:     "Invalid Anyreach base URL",
	description: "must be an absolute https URL (http only to a loopback address) without credentials",
	check:       client.CheckBaseURL,
}

// requestTimeoutValidator refuses what parseRequestTimeout cannot read.
var requestTimeoutValidator = stringCheck{
	summary:     "Invalid request_timeout",
	description: "must be a positive Go duration such as `30s`",
	check: func(s string) error {
		_, err := parseRequestTimeout(s)
		return err
	},
}

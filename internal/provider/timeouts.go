package provider

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/hashicorp/terraform-plugin-framework-timeouts/resource/timeouts"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
)

// What `timeouts` means on every resource: the deadline of the whole
// operation (create, read, update or delete), retries, waits for
// instruction generation and waits for sibling publications included. Each
// request attempt also has its own timeout (the provider's request_timeout)
// and retries are bounded, but only a deadline on the whole operation bounds
// what a slow or hostile server can make an apply wait. The same defaults
// apply to every resource.
const (
	defaultWriteTimeout = 20 * time.Minute
	defaultReadTimeout  = 10 * time.Minute
)

// operationTimeoutsBlock is the timeouts block every resource declares.
func operationTimeoutsBlock(ctx context.Context) schema.Block {
	describe := func(op string, d time.Duration) string {
		return fmt.Sprintf("Deadline of the whole %s, retries and waits included, as a Go duration such as `30s` or `2h45m`. Defaults to `%s`.",
			op, strings.TrimSuffix(d.String(), "0s"))
	}
	return timeouts.Block(ctx, timeouts.Opts{
		Create: true, Read: true, Update: true, Delete: true,
		CreateDescription: describe("create", defaultWriteTimeout),
		ReadDescription:   describe("read (every refresh and plan)", defaultReadTimeout),
		UpdateDescription: describe("update", defaultWriteTimeout),
		DeleteDescription: describe("delete", defaultWriteTimeout),
	})
}

// operationTimeout is the timeouts block entry get reads (for example
// plan.Timeouts.Create), or the default for its kind of operation when the
// entry is not set.
func operationTimeout(ctx context.Context, get func(context.Context, time.Duration) (time.Duration, diag.Diagnostics),
	diags *diag.Diagnostics, read bool) time.Duration {
	def := defaultWriteTimeout
	if read {
		def = defaultReadTimeout
	}
	d, ds := get(ctx, def)
	diags.Append(ds...)
	return d
}

// operationDeadline bounds ctx by operationTimeout.
func operationDeadline(ctx context.Context, get func(context.Context, time.Duration) (time.Duration, diag.Diagnostics),
	diags *diag.Diagnostics, read bool) (context.Context, context.CancelFunc) {
	return context.WithTimeout(ctx, operationTimeout(ctx, get, diags, read))
}

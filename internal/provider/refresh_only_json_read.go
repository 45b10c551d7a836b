package provider

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math/big"
	"sync"

	"github.com/hashicorp/terraform-plugin-framework/providerserver"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
)

// NewServer returns the provider's protocol 6 server: the framework's, except
// that ReadResource answers with the refreshed state encoded as JSON rather
// than MessagePack.
//
// Why: Terraform decides whether `plan -refresh-only` found anything by
// comparing each refreshed object with the one it loaded from the state
// file, down to how a number is held in memory. A number decoded from
// MessagePack is held differently from the same number read from the JSON
// state file, so every resource with a number attribute (a version number)
// made `terraform plan -refresh-only -detailed-exitcode` exit 2 while it
// printed "No changes". Decoded from JSON, the refreshed object is held
// exactly as the state file's is. Both encodings are part of the plugin
// protocol; Terraform and OpenTofu accept either.
//
// Upstream: the symptom is reported as
// https://github.com/hashicorp/terraform/issues/36403 ("terraform plan
// -refresh-only -detailed-exitcode exits with 2, even when there are no
// changes", open, Terraform 1.10.5). No upstream issue names the cause
// found here: in refresh-only mode Terraform marks a plan applyable when the
// refreshed state is not equal to the previous run's state, and that
// equality is strict about the in-memory form of numbers (checked with
// Terraform 1.11.4; TestAccCLIPublishRefreshOnlyClean fails without this
// file). Remove it once Terraform compares numbers by value there.
func NewServer(version string) func() tfprotov6.ProviderServer {
	return func() tfprotov6.ProviderServer {
		return &jsonReadServer{ProviderServer: providerserver.NewProtocol6(New(version)())()}
	}
}

// jsonReadServer re-encodes ReadResource answers as JSON (see NewServer).
type jsonReadServer struct {
	tfprotov6.ProviderServer

	once       sync.Once
	types      map[string]tftypes.Type // resource type name -> its state's type
	identities map[string]tftypes.Type // resource type name -> its identity's type
}

// resourceType returns the state type of a resource, from the provider's own schema.
func (s *jsonReadServer) resourceType(ctx context.Context, name string) (tftypes.Type, bool) {
	s.once.Do(func() {
		s.types = map[string]tftypes.Type{}
		resp, err := s.GetProviderSchema(ctx, &tfprotov6.GetProviderSchemaRequest{})
		if err != nil || resp == nil {
			return
		}
		for n, sch := range resp.ResourceSchemas {
			s.types[n] = sch.ValueType()
		}
		s.identities = map[string]tftypes.Type{}
		ids, err := s.GetResourceIdentitySchemas(ctx, &tfprotov6.GetResourceIdentitySchemasRequest{})
		if err != nil || ids == nil {
			return
		}
		for n, sch := range ids.IdentitySchemas {
			s.identities[n] = sch.ValueType()
		}
	})
	t, ok := s.types[name]
	return t, ok
}

// asJSON re-encodes a MessagePack value of type typ as JSON; it returns
// nil when it cannot.
func asJSON(v *tfprotov6.DynamicValue, typ tftypes.Type) *tfprotov6.DynamicValue {
	if v == nil || len(v.MsgPack) == 0 {
		return nil
	}
	val, err := v.Unmarshal(typ)
	if err != nil {
		return nil
	}
	js, err := stateJSON(val)
	if err != nil {
		return nil
	}
	return &tfprotov6.DynamicValue{JSON: js}
}

// ReadResource refreshes through the framework and sends the new state, and
// the resource's identity (Terraform 1.12 and later), as JSON: the identity
// holds a version number too, and Terraform compares it with the state
// file's the same way. Anything it cannot re-encode is passed on as the
// framework wrote it.
func (s *jsonReadServer) ReadResource(ctx context.Context, req *tfprotov6.ReadResourceRequest) (*tfprotov6.ReadResourceResponse, error) {
	resp, err := s.ProviderServer.ReadResource(ctx, req)
	if err != nil || resp == nil {
		return resp, err
	}
	typ, ok := s.resourceType(ctx, req.TypeName)
	if !ok {
		return resp, nil
	}
	if js := asJSON(resp.NewState, typ); js != nil {
		resp.NewState = js
	}
	if idType, ok := s.identities[req.TypeName]; ok && resp.NewIdentity != nil {
		if js := asJSON(resp.NewIdentity.IdentityData, idType); js != nil {
			resp.NewIdentity = &tfprotov6.ResourceIdentityData{IdentityData: js}
		}
	}
	return resp, nil
}

// stateJSON encodes a known state value the way Terraform writes state:
// objects and maps as JSON objects, lists, sets and tuples as arrays, numbers
// in their exact decimal form, null as null.
func stateJSON(v tftypes.Value) ([]byte, error) {
	x, err := stateJSONValue(v)
	if err != nil {
		return nil, err
	}
	return json.Marshal(x)
}

func stateJSONValue(v tftypes.Value) (any, error) {
	if !v.IsKnown() {
		return nil, fmt.Errorf("a refreshed state cannot hold unknown values")
	}
	if v.IsNull() {
		return nil, nil
	}
	t := v.Type()
	switch {
	case t.Is(tftypes.String):
		var s string
		return s, v.As(&s)
	case t.Is(tftypes.Bool):
		var b bool
		return b, v.As(&b)
	case t.Is(tftypes.Number):
		var f big.Float
		if err := v.As(&f); err != nil {
			return nil, err
		}
		return json.Number(f.Text('f', -1)), nil
	case t.Is(tftypes.Object{}), t.Is(tftypes.Map{}):
		var m map[string]tftypes.Value
		if err := v.As(&m); err != nil {
			return nil, err
		}
		out := make(map[string]any, len(m))
		for k, e := range m {
			x, err := stateJSONValue(e)
			if err != nil {
				return nil, err
			}
			out[k] = x
		}
		return out, nil
	case t.Is(tftypes.List{}), t.Is(tftypes.Set{}), t.Is(tftypes.Tuple{}):
		var l []tftypes.Value
		if err := v.As(&l); err != nil {
			return nil, err
		}
		out := make([]any, 0, len(l))
		for _, e := range l {
			x, err := stateJSONValue(e)
			if err != nil {
				return nil, err
			}
			out = append(out, x)
		}
		return out, nil
	}
	return nil, fmt.Errorf("cannot encode a %s as JSON", t)
}

// The list resource RPCs (terraform query) are not part of
// tfprotov6.ProviderServer, which jsonReadServer embeds, so they are passed
// on to the framework's server explicitly.
var _ tfprotov6.ListResourceServer = &jsonReadServer{}

// ValidateListResourceConfig passes the call on to the framework.
func (s *jsonReadServer) ValidateListResourceConfig(ctx context.Context, req *tfprotov6.ValidateListResourceConfigRequest) (*tfprotov6.ValidateListResourceConfigResponse, error) {
	ls, err := s.listServer()
	if err != nil {
		return nil, err
	}
	return ls.ValidateListResourceConfig(ctx, req)
}

// ListResource passes the call on to the framework.
func (s *jsonReadServer) ListResource(ctx context.Context, req *tfprotov6.ListResourceRequest) (*tfprotov6.ListResourceServerStream, error) {
	ls, err := s.listServer()
	if err != nil {
		return nil, err
	}
	return ls.ListResource(ctx, req)
}

// listServer is the framework's server as a list resource server.
func (s *jsonReadServer) listServer() (tfprotov6.ListResourceServer, error) {
	ls, ok := s.ProviderServer.(tfprotov6.ListResourceServer)
	if !ok {
		return nil, errors.New("the provider server does not serve list resources")
	}
	return ls, nil
}

package provider

import (
	"bytes"
	"context"
	"errors"
	"math/big"
	"sort"
	"sync"

	"github.com/hashicorp/terraform-plugin-framework/provider"
	"github.com/hashicorp/terraform-plugin-framework/providerserver"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
	msgpack "github.com/vmihailenco/msgpack/v5"
)

// NewProtocol6Server serves p over protocol 6 as providerserver does, with one
// repair to what ReadResource answers: numbers are sent as decimal text.
//
// Why: `terraform plan -refresh-only -detailed-exitcode` (Terraform 1.11)
// calls a plan applyable when the refreshed state differs from the previous
// run's state by reflect.DeepEqual, which also compares the decoded values it
// caches. The previous run's value was decoded from the JSON state file, where
// a number such as `version = 1` parses to a 512-bit big.Float; a refreshed
// number sent as a msgpack integer decodes to a 64-bit one. Equal values,
// unequal structs: every resource with a number attribute (anyreach_publish's
// and anyreach_agent_version's `version`) made a refresh-only plan exit 2 while
// printing "No changes". A number sent as msgpack text is parsed the way the
// state file is, so an unchanged object compares equal.
func NewProtocol6Server(p provider.Provider) func() (tfprotov6.ProviderServer, error) {
	inner := providerserver.NewProtocol6WithError(p)
	return func() (tfprotov6.ProviderServer, error) {
		s, err := inner()
		if err != nil {
			return nil, err
		}
		return &numberTextServer{ProviderServer: s}, nil
	}
}

// numberTextServer is the framework's server with ReadResource's numbers
// re-encoded as text (see NewProtocol6Server).
type numberTextServer struct {
	tfprotov6.ProviderServer

	typesOnce sync.Once
	types     map[string]tftypes.Type
}

// ReadResource answers what the framework answers, numbers spelled as text.
func (s *numberTextServer) ReadResource(ctx context.Context, req *tfprotov6.ReadResourceRequest) (*tfprotov6.ReadResourceResponse, error) {
	resp, err := s.ProviderServer.ReadResource(ctx, req)
	if err != nil || resp == nil || resp.NewState == nil || len(resp.NewState.MsgPack) == 0 {
		return resp, err
	}
	typ, ok := s.resourceType(ctx, req.TypeName)
	if !ok {
		return resp, nil
	}
	if text, ok := numbersAsText(resp.NewState.MsgPack, typ); ok {
		resp.NewState = &tfprotov6.DynamicValue{MsgPack: text}
	}
	return resp, nil
}

// resourceType returns the value type of a resource type that has numbers to
// re-encode and no dynamic parts (those are encoded with their type and left
// alone); the other types' answers pass through untouched.
func (s *numberTextServer) resourceType(ctx context.Context, name string) (tftypes.Type, bool) {
	s.typesOnce.Do(func() {
		s.types = map[string]tftypes.Type{}
		resp, err := s.GetProviderSchema(ctx, &tfprotov6.GetProviderSchemaRequest{})
		if err != nil || resp == nil {
			return
		}
		for n, sch := range resp.ResourceSchemas {
			if t := sch.ValueType(); hasNumber(t) && !hasDynamic(t) {
				s.types[n] = t
			}
		}
	})
	t, ok := s.types[name]
	return t, ok
}

// hasDynamic reports whether t has a dynamic part anywhere.
func hasDynamic(t tftypes.Type) bool { return typeHas(t, tftypes.DynamicPseudoType) }

// hasNumber reports whether t has a number anywhere.
func hasNumber(t tftypes.Type) bool { return typeHas(t, tftypes.Number) }

// typeHas reports whether t is or contains the primitive type p.
func typeHas(t, p tftypes.Type) bool {
	switch v := t.(type) {
	case tftypes.List:
		return typeHas(v.ElementType, p)
	case tftypes.Set:
		return typeHas(v.ElementType, p)
	case tftypes.Map:
		return typeHas(v.ElementType, p)
	case tftypes.Tuple:
		for _, e := range v.ElementTypes {
			if typeHas(e, p) {
				return true
			}
		}
		return false
	case tftypes.Object:
		for _, a := range v.AttributeTypes {
			if typeHas(a, p) {
				return true
			}
		}
		return false
	}
	return t.Is(p)
}

// numbersAsText re-encodes a msgpack value of type typ with every number as
// decimal text; ok is false when it cannot (the caller keeps the original).
func numbersAsText(raw []byte, typ tftypes.Type) ([]byte, bool) {
	v, err := (&tfprotov6.DynamicValue{MsgPack: raw}).Unmarshal(typ)
	if err != nil {
		return nil, false
	}
	var buf bytes.Buffer
	enc := msgpack.NewEncoder(&buf)
	if err := encodeNumbersAsText(enc, v); err != nil {
		return nil, false
	}
	return buf.Bytes(), true
}

var errNotEncodable = errors.New("value cannot be re-encoded")

// encodeNumbersAsText writes v as tftypes writes msgpack (objects and maps as
// maps with sorted keys, lists, sets and tuples as arrays), except numbers.
func encodeNumbersAsText(enc *msgpack.Encoder, v tftypes.Value) error {
	if !v.IsKnown() {
		return errNotEncodable // a read never answers unknown values
	}
	if v.IsNull() {
		return enc.EncodeNil()
	}
	typ := v.Type()
	switch {
	case typ.Is(tftypes.String):
		var s string
		if err := v.As(&s); err != nil {
			return err
		}
		return enc.EncodeString(s)
	case typ.Is(tftypes.Number):
		var f big.Float
		if err := v.As(&f); err != nil {
			return err
		}
		if f.IsInf() {
			return errNotEncodable
		}
		return enc.EncodeString(f.Text('f', -1))
	case typ.Is(tftypes.Bool):
		var b bool
		if err := v.As(&b); err != nil {
			return err
		}
		return enc.EncodeBool(b)
	case typ.Is(tftypes.List{}), typ.Is(tftypes.Set{}), typ.Is(tftypes.Tuple{}):
		var elems []tftypes.Value
		if err := v.As(&elems); err != nil {
			return err
		}
		if err := enc.EncodeArrayLen(len(elems)); err != nil {
			return err
		}
		for _, e := range elems {
			if err := encodeNumbersAsText(enc, e); err != nil {
				return err
			}
		}
		return nil
	case typ.Is(tftypes.Map{}), typ.Is(tftypes.Object{}):
		var m map[string]tftypes.Value
		if err := v.As(&m); err != nil {
			return err
		}
		keys := make([]string, 0, len(m))
		for k := range m {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		if err := enc.EncodeMapLen(len(keys)); err != nil {
			return err
		}
		for _, k := range keys {
			if err := enc.EncodeString(k); err != nil {
				return err
			}
			if err := encodeNumbersAsText(enc, m[k]); err != nil {
				return err
			}
		}
		return nil
	}
	return errNotEncodable
}

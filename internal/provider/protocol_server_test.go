package provider

import (
	"math/big"
	"testing"

	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
	msgpack "github.com/vmihailenco/msgpack/v5"
)

// TestNumbersAsText checks the re-encoding ReadResource answers with: the same
// value, every number spelled as decimal text (which Terraform parses like the
// numbers of its state file), everything else as tftypes writes it.
func TestNumbersAsText(t *testing.T) {
	typ := tftypes.Object{AttributeTypes: map[string]tftypes.Type{
		"version":  tftypes.Number,
		"ratio":    tftypes.Number,
		"id":       tftypes.String,
		"on":       tftypes.Bool,
		"numbers":  tftypes.Set{ElementType: tftypes.String},
		"counts":   tftypes.List{ElementType: tftypes.Number},
		"labels":   tftypes.Map{ElementType: tftypes.String},
		"timeouts": tftypes.Object{AttributeTypes: map[string]tftypes.Type{"create": tftypes.String}},
	}}
	val := tftypes.NewValue(typ, map[string]tftypes.Value{
		"version":  tftypes.NewValue(tftypes.Number, big.NewFloat(3)),
		"ratio":    tftypes.NewValue(tftypes.Number, big.NewFloat(0.5)),
		"id":       tftypes.NewValue(tftypes.String, "agent/3"),
		"on":       tftypes.NewValue(tftypes.Bool, true),
		"numbers":  tftypes.NewValue(tftypes.Set{ElementType: tftypes.String}, []tftypes.Value{tftypes.NewValue(tftypes.String, "+15550100001")}),
		"counts":   tftypes.NewValue(tftypes.List{ElementType: tftypes.Number}, []tftypes.Value{tftypes.NewValue(tftypes.Number, big.NewFloat(7))}),
		"labels":   tftypes.NewValue(tftypes.Map{ElementType: tftypes.String}, map[string]tftypes.Value{"team": tftypes.NewValue(tftypes.String, "x")}),
		"timeouts": tftypes.NewValue(tftypes.Object{AttributeTypes: map[string]tftypes.Type{"create": tftypes.String}}, nil),
	})
	raw, err := (&tfprotov6.DynamicValue{MsgPack: mustMsgPack(t, val, typ)}).Unmarshal(typ)
	if err != nil || !raw.Equal(val) {
		t.Fatalf("the fixture does not round-trip: %v", err)
	}
	text, ok := numbersAsText(mustMsgPack(t, val, typ), typ)
	if !ok {
		t.Fatal("numbersAsText refused a plain object")
	}
	back, err := (&tfprotov6.DynamicValue{MsgPack: text}).Unmarshal(typ)
	if err != nil {
		t.Fatal(err)
	}
	if !back.Equal(val) {
		t.Errorf("re-encoded value differs:\n got %v\nwant %v", back, val)
	}
	var generic map[string]any
	if err := msgpack.Unmarshal(text, &generic); err != nil {
		t.Fatal(err)
	}
	if generic["version"] != "3" || generic["ratio"] != "0.5" {
		t.Errorf("numbers are %#v and %#v, want the text \"3\" and \"0.5\"", generic["version"], generic["ratio"])
	}
	if counts, _ := generic["counts"].([]any); len(counts) != 1 || counts[0] != "7" {
		t.Errorf("a list's numbers are %#v, want [\"7\"]", generic["counts"])
	}

	dynamic := tftypes.Object{AttributeTypes: map[string]tftypes.Type{"v": tftypes.DynamicPseudoType}}
	if !hasDynamic(dynamic) || hasDynamic(typ) {
		t.Error("hasDynamic misjudges which types hold a dynamic part")
	}
	noNumbers := tftypes.Object{AttributeTypes: map[string]tftypes.Type{"id": tftypes.String, "tags": tftypes.Set{ElementType: tftypes.String}}}
	if hasNumber(noNumbers) || !hasNumber(typ) {
		t.Error("hasNumber misjudges which types hold a number")
	}
}

func mustMsgPack(t *testing.T, v tftypes.Value, typ tftypes.Type) []byte {
	t.Helper()
	dv, err := tfprotov6.NewDynamicValue(typ, v)
	if err != nil {
		t.Fatal(err)
	}
	return dv.MsgPack
}

package provider

import (
	"reflect"
	"testing"
)

func TestQuietUnshownLogs(t *testing.T) {
	t.Parallel()
	run := func(env map[string]string) map[string]string {
		set := map[string]string{}
		QuietUnshownLogs(func(k string) string { return env[k] }, func(k, v string) error { set[k] = v; return nil })
		return set
	}
	off := map[string]string{"TF_LOG_SDK": "OFF", "TF_LOG_SDK_PROTO": "OFF", "TF_LOG_SDK_FRAMEWORK": "OFF", "TF_LOG_PROVIDER": "OFF"}
	if got := run(nil); !reflect.DeepEqual(got, off) {
		t.Errorf("with no log variable set, want every level OFF, got %v", got)
	}
	// Terraform keeps provider logs only with TF_LOG or TF_LOG_PROVIDER: then
	// the environment's levels apply as they are.
	for _, env := range []map[string]string{
		{"TF_LOG": "DEBUG"},
		{"TF_LOG_PROVIDER": "trace"},
		{"TF_LOG_PROVIDER": "DEBUG", "TF_LOG_PROVIDER_ANYREACH": "OFF", "TF_LOG_PROVIDER_ANYREACH_HTTP": "DEBUG"},
	} {
		if got := run(env); len(got) != 0 {
			t.Errorf("with %v, nothing may change, got %v", env, got)
		}
	}
	// Otherwise Terraform discards every line, whatever level is asked for.
	for _, env := range []map[string]string{
		{"TF_LOG": "off"},
		{"TF_LOG_PROVIDER_ANYREACH_HTTP": "DEBUG"},
		{"TF_LOG_SDK_PROTO": "TRACE"},
	} {
		if got := run(env); !reflect.DeepEqual(got, off) {
			t.Errorf("with %v, want every level OFF, got %v", env, got)
		}
	}
}

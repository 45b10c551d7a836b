package main

import (
	"reflect"
	"testing"
)

func TestQuietUnshownLogs(t *testing.T) {
	t.Parallel()
	run := func(env map[string]string) map[string]string {
		set := map[string]string{}
		quietUnshownLogs(func(k string) string { return env[k] }, func(k, v string) error { set[k] = v; return nil })
		return set
	}
	off := map[string]string{"TF_LOG_SDK": "OFF", "TF_LOG_SDK_PROTO": "OFF", "TF_LOG_SDK_FRAMEWORK": "OFF", "TF_LOG_PROVIDER": "OFF"}
	if got := run(nil); !reflect.DeepEqual(got, off) {
		t.Errorf("with no log variable set, want every level OFF, got %v", got)
	}
	for _, name := range []string{"TF_LOG", "TF_LOG_PROVIDER", "TF_LOG_PROVIDER_ANYREACH_HTTP", "TF_LOG_SDK_PROTO"} {
		if got := run(map[string]string{name: "DEBUG"}); len(got) != 0 {
			t.Errorf("with %s set, nothing may change, got %v", name, got)
		}
	}
}

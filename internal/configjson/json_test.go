package configjson

import "testing"

func TestContains(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name, got, want string
		foldCase, holds bool
	}{
		{"defaults added by the server", `{"llm":{"model":"m","temperature":0.7},"max_tool_steps":10}`, `{"llm":{"model":"m"}}`, false, true},
		{"numbers by value", `{"speed":1.0}`, `{"speed":1}`, false, true},
		{"a different value", `{"llm":{"model":"other"}}`, `{"llm":{"model":"m"}}`, false, false},
		{"a missing key", `{}`, `{"starting_message":"Hi"}`, false, false},
		{"a key sent as null may be absent", `{}`, `{"stt":null}`, false, true},
		{"arrays hold element by element", `{"tools":[{"name":"a","required":[]}]}`, `{"tools":[{"name":"a"}]}`, false, true},
		{"an extra element is a difference", `{"tools":[{"name":"a"},{"name":"b"}]}`, `{"tools":[{"name":"a"}]}`, false, false},
		{"case matters by default", `{"language":"en-US"}`, `{"language":"en-us"}`, false, false},
		{"case folded when asked", `{"language":"en-US"}`, `{"language":"en-us"}`, true, true},
	}
	for _, tc := range cases {
		got, err := Decode(tc.got)
		if err != nil {
			t.Fatal(err)
		}
		want, err := Decode(tc.want)
		if err != nil {
			t.Fatal(err)
		}
		if h := Contains(got, want, tc.foldCase); h != tc.holds {
			t.Errorf("%s: Contains = %v, want %v", tc.name, h, tc.holds)
		}
	}
}

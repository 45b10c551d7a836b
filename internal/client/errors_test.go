package client

import (
	"errors"
	"fmt"
	"net/http"
	"reflect"
	"strings"
	"testing"
)

func TestNewAPIErrorDecoding(t *testing.T) {
	html := "<html>\n<head><title>502 Bad Gateway</title></head>\n<body>" + strings.Repeat("x", 300) + "</body></html>"
	tests := []struct {
		name       string
		body       string
		wantDetail string
		wantFields []FieldError
		wantError  string
	}{
		{
			name:       "string detail",
			body:       `{"detail":"Agent not found"}`,
			wantDetail: "Agent not found",
			wantError:  "GET /core/agents/x: 404 Not Found: Agent not found",
		},
		{
			name: "FastAPI list",
			body: `{"detail":[{"loc":["body","config","voice","speed"],"msg":"Input should be less than or equal to 2","type":"less_than_equal","input":3},
				{"loc":["body","config","tools",0,"name"],"msg":"Field required","type":"missing"}]}`,
			wantDetail: "config.voice.speed: Input should be less than or equal to 2; config.tools[0].name: Field required",
			wantFields: []FieldError{
				{Loc: []any{"body", "config", "voice", "speed"}, Msg: "Input should be less than or equal to 2", Type: "less_than_equal"},
				{Loc: []any{"body", "config", "tools", 0.0, "name"}, Msg: "Field required", Type: "missing"},
			},
			wantError: "GET /core/agents/x: 404 Not Found: config.voice.speed: Input should be less than or equal to 2; config.tools[0].name: Field required",
		},
		{
			name:       "object detail rendered compactly",
			body:       `{"detail": {"code": "conflict", "reason": "instructions are generating"}}`,
			wantDetail: `{"code":"conflict","reason":"instructions are generating"}`,
		},
		{
			name:       "list that is not field errors",
			body:       `{"detail": ["a", "b"]}`,
			wantDetail: `["a","b"]`,
		},
		{
			name:       "no detail key",
			body:       `{"error": "rate limited", "retry": true}`,
			wantDetail: `{"error":"rate limited","retry":true}`,
		},
		{
			name:       "HTML page",
			body:       html,
			wantDetail: strings.Join(strings.Fields(html), " ")[:200] + "…",
		},
		{
			name:       "empty body",
			body:       "",
			wantDetail: "",
			wantError:  "GET /core/agents/x: 404 Not Found",
		},
		{
			name:       "JSON string body",
			body:       `"nope"`,
			wantDetail: `"nope"`,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := newAPIError("GET", "/core/agents/x", 404, []byte(tt.body), "secret")
			if e.Detail != tt.wantDetail {
				t.Errorf("Detail = %q, want %q", e.Detail, tt.wantDetail)
			}
			if tt.wantFields != nil && !reflect.DeepEqual(e.Fields, tt.wantFields) {
				t.Errorf("Fields = %#v, want %#v", e.Fields, tt.wantFields)
			}
			if tt.wantError != "" && e.Error() != tt.wantError {
				t.Errorf("Error() = %q, want %q", e.Error(), tt.wantError)
			}
		})
	}
}

func TestFieldErrorPath(t *testing.T) {
	tests := []struct {
		loc  []any
		want string
	}{
		{[]any{"body", "config", "voice", "speed"}, "config.voice.speed"},
		{[]any{"body", "config", "tools", 0.0, "name"}, "config.tools[0].name"},
		{[]any{"body", "config", "tools", 3, "actions", int64(1), "type"}, "config.tools[3].actions[1].type"},
		{[]any{"body", "config", "channel_overrides", "telephone", "max_tool_steps"}, "config.channel_overrides.telephone.max_tool_steps"},
		{[]any{"query", "limit"}, "query.limit"},
		{[]any{"body"}, ""},
		{nil, ""},
		{[]any{"body", "matrix", 0.0, 1.0}, "matrix[0][1]"},
		{[]any{0.0, "name"}, "[0].name"},
	}
	for _, tt := range tests {
		t.Run(fmt.Sprint(tt.loc), func(t *testing.T) {
			if got := (FieldError{Loc: tt.loc}).Path(); got != tt.want {
				t.Errorf("Path() = %q, want %q", got, tt.want)
			}
		})
	}
}

func TestAPIErrorExample(t *testing.T) {
	e := &APIError{
		StatusCode: 422, Method: "POST", Path: "/core/agents/abc/versions",
		Fields: []FieldError{{Loc: []any{"body", "config", "voice", "speed"}, Msg: "Input should be less than or equal to 2"}},
	}
	want := "POST /core/agents/abc/versions: 422 Unprocessable Entity: config.voice.speed: Input should be less than or equal to 2"
	if e.Error() != want {
		t.Errorf("Error() = %q, want %q", e.Error(), want)
	}
}

func TestStatusErrorsFromServer(t *testing.T) {
	type check func(error) bool
	tests := []struct {
		status int
		detail any
		is     check
		others []check
	}{
		{400, "Published versions cannot be updated", IsBadRequest, []check{IsNotFound, IsValidation}},
		{401, "Token is missing organization claim.", IsUnauthorized, []check{IsForbidden}},
		{403, "Missing scope agents:manage", IsForbidden, []check{IsUnauthorized}},
		{404, "Agent not found", IsNotFound, []check{IsConflict}},
		{409, "Instructions are generating", IsConflict, []check{IsBadRequest}},
		{422, []map[string]any{{"loc": []any{"body", "name"}, "msg": "Field required", "type": "missing"}}, IsValidation, []check{IsBadRequest}},
	}
	for _, tt := range tests {
		t.Run(http.StatusText(tt.status), func(t *testing.T) {
			srv := newServer(t, func(w http.ResponseWriter, r *http.Request) { writeDetail(w, tt.status, tt.detail) })
			c := newTestClient(t, srv.URL)
			_, err := c.UpdateAgent(t.Context(), "abc", AgentUpdate{Name: ptr("n")})
			if !tt.is(err) {
				t.Fatalf("err = %v: predicate false", err)
			}
			for _, o := range tt.others {
				if o(err) {
					t.Errorf("another predicate also true for %v", err)
				}
			}
			var apiErr *APIError
			if !errors.As(err, &apiErr) || apiErr.StatusCode != tt.status || apiErr.Method != "PUT" || apiErr.Path != "/core/agents/abc" {
				t.Fatalf("APIError = %+v", apiErr)
			}
			if StatusCode(err) != tt.status {
				t.Errorf("StatusCode = %d", StatusCode(err))
			}
			if s, ok := tt.detail.(string); ok && apiErr.Detail != s {
				t.Errorf("Detail = %q, want %q", apiErr.Detail, s)
			}
			if tt.status == 422 && (len(apiErr.Fields) != 1 || apiErr.Fields[0].Path() != "name") {
				t.Errorf("Fields = %+v", apiErr.Fields)
			}
		})
	}
	if StatusCode(errors.New("plain")) != 0 || StatusCode(nil) != 0 || IsNotFound(nil) {
		t.Error("non-API errors must have status 0")
	}
	wrapped := fmt.Errorf("outer: %w", &APIError{StatusCode: 404})
	if !IsNotFound(wrapped) {
		t.Error("IsNotFound must see through wrapping")
	}
}

// FuzzNewAPIError feeds arbitrary error bodies to the decoder: it never
// panics, the error always says something, and the credential, which a
// server may echo back anywhere in a body, never appears in any text the
// error exposes (Error, Detail, each field error's rendering).
func FuzzNewAPIError(f *testing.F) {
	for _, seed := range []struct {
		status int
		body   string
	}{
		{404, `{"detail":"Agent not found"}`},
		{422, `{"detail":[{"loc":["body","config","voice","speed"],"msg":"Input should be less than or equal to 2","type":"less_than_equal"}]}`},
		{422, `{"detail":[{"loc":["body","` + testToken + `"],"msg":"bad ` + testToken + `","type":"` + testToken + `"}]}`},
		{422, `{"detail":[{"loc":["ak_leakcheck","S3CRET-d0-not-print-8c1f"],"msg":"split across loc entries"}]}`},
		{422, `{"detail":[{"loc":[{"token":"` + testToken + `"}],"msg":"object in loc"}]}`},
		{401, `{"detail":"invalid credential ` + testToken + `"}`},
		{403, `<html>Authorization: Bearer ` + testToken + `</html>`},
		{500, `{"detail":{"echo":"` + testToken + `"}}`},
		{502, `{"error":"` + testToken + `"}`},
		{400, `"` + testToken + `"`},
		{409, ``},
		{418, `{"detail":[]}`},
		{429, `{"detail":null}`},
		{503, "\xff\xfe" + testToken},
	} {
		f.Add(seed.status, []byte(seed.body))
	}
	f.Fuzz(func(t *testing.T, status int, body []byte) {
		e := newAPIError(http.MethodGet, "/core/agents/a", status, body, testToken)
		texts := []string{e.Error(), e.Detail}
		for _, fe := range e.Fields {
			texts = append(texts, fe.String(), fe.Path(), fe.Msg, fe.Type)
		}
		if strings.TrimSpace(texts[0]) == "" {
			t.Fatalf("empty Error() for status %d body %q", status, body)
		}
		for _, s := range texts {
			if strings.Contains(s, testToken) {
				t.Fatalf("token leaked into %q (status %d, body %q)", s, status, body)
			}
		}
	})
}

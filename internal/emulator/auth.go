package emulator

import (
	"net/http"
	"strings"
)

// The four scopes of the contract. A token configured without scopes has all of them.
const (
	scopeAgentsRead   = "agents:read"
	scopeAgentsManage = "agents:manage"
	scopePhonesRead   = "phone_numbers:read"
	scopePhonesManage = "phone_numbers:manage"
)

// AllScopes lists every scope, in the order they are documented.
var AllScopes = []string{scopeAgentsRead, scopeAgentsManage, scopePhonesRead, scopePhonesManage}

// Scope requirements of routes: any listed scope grants access, and the first
// is the one a 403 names.
var (
	agentsRead   = []string{scopeAgentsRead, scopeAgentsManage}
	agentsManage = []string{scopeAgentsManage}
	phonesRead   = []string{scopePhonesRead, scopePhonesManage}
	phonesManage = []string{scopePhonesManage}
)

func parseTokens(in map[string][]string) map[string]map[string]bool {
	if len(in) == 0 {
		in = map[string][]string{DefaultToken: nil}
	}
	out := make(map[string]map[string]bool, len(in))
	for tok, scopes := range in {
		if len(scopes) == 0 {
			scopes = AllScopes
		}
		set := map[string]bool{}
		for _, s := range scopes {
			set[strings.TrimSpace(s)] = true
		}
		out[tok] = set
	}
	return out
}

// bearerToken returns the credential of an "Authorization: Bearer" header, or "".
func bearerToken(r *http.Request) string {
	scheme, tok, ok := strings.Cut(strings.TrimSpace(r.Header.Get("Authorization")), " ")
	if !ok || !strings.EqualFold(scheme, "Bearer") {
		return ""
	}
	return strings.TrimSpace(tok)
}

// authorize checks credential, organization and scope, in that order, and
// returns the error reply or nil. A pat_ token is not bound to an
// organization, so it must name one; an ak_ key (or any other configured
// token) carries its own.
func (e *Emulator) authorize(r *http.Request, need []string) *reply {
	tok := bearerToken(r)
	scopes, ok := e.tokens[tok]
	if tok == "" || !ok {
		rep := detailReply(http.StatusUnauthorized, "Invalid or missing credentials")
		rep.header = http.Header{"Www-Authenticate": {"Bearer"}}
		return &rep
	}
	if strings.HasPrefix(tok, "pat_") {
		switch org := strings.TrimSpace(r.Header.Get("X-Anyreach-Org")); {
		case org == "":
			return ptr(detailReply(http.StatusUnauthorized, "Token is missing organization claim."))
		case org != e.opts.OrgID:
			return ptr(detailReply(http.StatusForbidden, "Token has no access to organization "+org))
		}
	}
	for _, s := range need {
		if scopes[s] {
			return nil
		}
	}
	return ptr(detailReply(http.StatusForbidden, "Missing required scope: "+need[0]))
}

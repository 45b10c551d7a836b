// Package conformance holds the conformance tests of the Anyreach API
// contract (internal/emulator/CONTRACT.md, sections 1 to 10). Every rule of the
// contract is exercised through internal/client, the provider's typed
// client, against internal/emulator, the in-memory API, each started behind
// httptest.NewServer. A documented rule is named "[D] …" in its test case,
// an assumed one "[A] …", so a failure says which promise broke; the two
// packages share no code, so agreement here means the client and the
// emulator read the contract the same way. The client's error conditions
// (section 10) are pinned on the default and on the variant wire, whose
// reworded messages prove that no condition is read from a message's words.
//
// Endpoints the client does not call are out of its scope and not tested
// here: registering a phone number and toggling outbound_shareable
// (POST and PATCH /core/phone-numbers), and the agent-building workflows of
// section 8 (create-from-website, create-demo). The emulator's own tests
// cover them.
//
// The package contains tests only.
package conformance

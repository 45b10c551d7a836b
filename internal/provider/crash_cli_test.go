package provider

import (
	"bytes"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os/exec"
	"syscall"
	"testing"
	"time"

	"github.com/anyreach/terraform-provider-anyreach/internal/client"
	"github.com/anyreach/terraform-provider-anyreach/internal/emulator"
)

// TestAccCLIKilledApplyLeavesARecognisableOrphan is row 15 of the workflow
// matrix: terraform (with its provider) is killed while the agent's create
// request is in flight. The service, like any web server, finishes that
// request, so the agent exists but is in no state. The next apply converges
// by creating another agent: the first one is an orphan, recognisable by the
// provider's _tf_request_token metadata marker and by not being in state, and
// the recipe of the README ("After a killed apply") removes it.
func TestAccCLIKilledApplyLeavesARecognisableOrphan(t *testing.T) {
	t.Parallel()
	bin := buildProviderBinary(t)
	emu, err := emulator.New(emulator.Options{Latency: 300 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	inFlight := make(chan struct{}, 1)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method == http.MethodPost && r.URL.Path == "/core/agents" {
			select {
			case inFlight <- struct{}{}:
			default:
			}
		}
		emu.ServeHTTP(w, r)
	}))
	t.Cleanup(srv.Close)

	// The leak check's configuration: an agent, a version, a publish and a SIP deployment.
	w := newCLIWorkspace(t, bin, fmt.Sprintf("provider \"anyreach\" {\n  base_url = %q\n}\n", srv.URL),
		[]string{"ANYREACH_TOKEN=" + emulator.DefaultToken, "TF_LOG="})

	// First apply, killed (terraform and its provider: the whole process
	// group, as when a CI runner dies) while POST /core/agents is in flight.
	cmd := w.command(t, "apply", "-auto-approve", "-input=false", "-no-color")
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	exited := make(chan error, 1)
	go func() { exited <- cmd.Wait() }()
	select {
	case <-inFlight:
	case err := <-exited:
		t.Fatalf("the apply ended (%v) before it sent POST /core/agents:\n%s", err, out.String())
	case <-t.Context().Done(): // only go test's -timeout ends the wait: a busy machine is slower, never wrong
		_ = syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL)
		t.Fatalf("the apply never sent POST /core/agents:\n%s", out.String())
	}
	if err := syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	var exitErr *exec.ExitError
	if err := <-exited; !errors.As(err, &exitErr) {
		t.Fatalf("the killed apply ended with %v", err)
	}

	// The service finished the create although nobody was there to hear it.
	orphanID := waitForAgents(t, emu, 1)[0].AgentID
	log := emu.RequestLog()
	if last := log[len(log)-1]; last.Route != "/core/agents" || !last.ClientGone {
		t.Fatalf("the create was not finished after the client went away: %+v", last)
	}

	// The next apply converges: it creates what it does not know of.
	w.mustRun(t, "apply", "-auto-approve", "-input=false", "-no-color")
	w.mustRun(t, "plan", "-input=false", "-no-color", "-detailed-exitcode")
	inState := w.stateAttr(t, "anyreach_agent.test", "id")
	agents := emu.Snapshot().Agents
	if len(agents) != 2 {
		t.Fatalf("%d agents after the second apply, want the orphan and the managed one", len(agents))
	}

	// The recipe: agents with the configuration's name that carry the
	// provider's marker and are not in state are orphans of a killed apply.
	var orphans []string
	for _, a := range agents {
		if _, marked := a.Metadata[client.RequestTokenMetadataKey]; marked && a.Name == "Leak check" && a.AgentID != inState {
			orphans = append(orphans, a.AgentID)
		}
	}
	if len(orphans) != 1 || orphans[0] != orphanID {
		t.Fatalf("orphans found by the recipe: %v, want [%s] (state holds %s)", orphans, orphanID, inState)
	}
	req, _ := http.NewRequestWithContext(t.Context(), http.MethodDelete, srv.URL+"/core/agents/"+orphanID, nil)
	req.Header.Set("Authorization", "Bearer "+emulator.DefaultToken)
	resp, err := srv.Client().Do(req)
	if err != nil || resp.StatusCode != http.StatusNoContent {
		t.Fatalf("deleting the orphan: %v %v", resp, err)
	}
	resp.Body.Close()
	w.mustRun(t, "plan", "-input=false", "-no-color", "-detailed-exitcode")
	w.mustRun(t, "destroy", "-auto-approve", "-input=false", "-no-color")
	if n := len(emu.Snapshot().Agents); n != 0 {
		t.Errorf("%d agents left after destroy", n)
	}
}

// waitForAgents waits until the emulator holds n agents and returns them.
func waitForAgents(t *testing.T, emu *emulator.Emulator, n int) []emulator.Agent {
	t.Helper()
	var agents []emulator.Agent
	waitFor(t, fmt.Sprintf("%d agents", n), func() bool {
		agents = emu.Snapshot().Agents
		return len(agents) == n
	})
	return agents
}

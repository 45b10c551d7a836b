import {
  to = anyreach_agent_routing.support
  identity = {
    agent_id = "6f1c9a52-8d4e-4b1f-9c3a-2e7d5b8f0a14"
  }
}

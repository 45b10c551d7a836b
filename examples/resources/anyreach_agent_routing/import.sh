# Import an agent's routing by the agent's ID: both maps are read back from
# the numbers' slots that hold one of its versions.
terraform import anyreach_agent_routing.support 6f1c9a52-8d4e-4b1f-9c3a-2e7d5b8f0a14

# Import an agent by its ID.
terraform import anyreach_agent.scheduler 6f1c9a52-8d4e-4b1f-9c3a-2e7d5b8f0a14

# Or by its exact name (refused when several agents share the name).
terraform import anyreach_agent.scheduler "name=Riverside Dental Scheduler"

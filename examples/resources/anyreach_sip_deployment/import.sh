# Import the SIP endpoint of an agent by the agent's ID.
terraform import anyreach_sip_deployment.scheduler 6f1c9a52-8d4e-4b1f-9c3a-2e7d5b8f0a14

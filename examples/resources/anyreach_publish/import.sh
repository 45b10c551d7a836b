# Import the publication of version 3: <agent_id>/<version>. The phone numbers
# and direction are read back from the numbers' slots.
terraform import anyreach_publish.scheduler 6f1c9a52-8d4e-4b1f-9c3a-2e7d5b8f0a14/3

# A version that answers some numbers and calls from others is two
# publications: import each with its direction, <agent_id>/<version>/<direction>.
terraform import anyreach_publish.scheduler_outbound 6f1c9a52-8d4e-4b1f-9c3a-2e7d5b8f0a14/3/outbound

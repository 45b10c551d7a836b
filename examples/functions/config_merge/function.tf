# One base AgentConfig for every environment; each overlay holds only what
# differs. Nested objects (llm, voice) merge key by key, arrays are replaced
# whole, and null removes a key.
locals {
  base = jsonencode({
    llm   = { model = "gpt-4o", temperature = 0.7 }
    voice = { provider = "elevenlabs", voice_id = "rachel" }
    tools = [{ name = "transfer_to_front_desk" }]
  })

  # {"llm":{"model":"gpt-4o","temperature":0.2},"tools":[],"voice":{"provider":"elevenlabs","voice_id":"rachel"}}
  staging = provider::anyreach::config_merge(local.base, jsonencode({
    llm   = { temperature = 0.2 }
    tools = []
  }))

  # {"llm":{"model":"gpt-4o","temperature":0.7},"tools":[{"name":"transfer_to_front_desk"}],"voice":{"provider":"elevenlabs"}}
  without_voice_id = provider::anyreach::config_merge(local.base, "{\"voice\": {\"voice_id\": null}}")

  # Overlays apply in order; the last one wins:
  # {"llm":{"model":"gpt-4.1","temperature":0.7},"tools":[{"name":"transfer_to_front_desk"}],"voice":{"provider":"elevenlabs","voice_id":"rachel"}}
  production = provider::anyreach::config_merge(
    local.base,
    jsonencode({ llm = { model = "gpt-4o-mini" } }),
    jsonencode({ llm = { model = "gpt-4.1" } }),
  )
}

# Every agent exposed as a SIP endpoint.
list "anyreach_sip_deployment" "all" {
  provider = anyreach
}

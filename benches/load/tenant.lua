-- One decision per request against the stored tenant: POST only the request
-- in $OCPOLICY_BODY to /v1/tenants/{t}/decide/eligibility with a token.
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Authorization"] = "Bearer " .. os.getenv("OCPOLICY_TOKEN")
local f = assert(io.open(os.getenv("OCPOLICY_BODY"), "rb"))
wrk.body = f:read("*a")
f:close()

-- One decision per request: POST the document in $OCPOLICY_BODY.
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
local f = assert(io.open(os.getenv("OCPOLICY_BODY"), "rb"))
wrk.body = f:read("*a")
f:close()

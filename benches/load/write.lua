-- One enforced write per request: PUT a LIS subnet (always allowed), so every
-- request takes the whole path: the rules on the stored tenant, then the
-- tenant document and its audit record committed in one transaction.
wrk.method = "PUT"
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Authorization"] = "Bearer " .. os.getenv("OCPOLICY_TOKEN")
wrk.body = '{"Subnet": {"subnet": "10.1.2.0", "prefix_length": 24, "location_id": "L1"}}'

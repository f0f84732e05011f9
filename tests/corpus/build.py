#!/usr/bin/env python3
"""Writes the conformance corpus: one self-contained JSON file per case.

Each case is the worked example E0 of the domain reference
(shared/domain/operator-connect-rules.md §1.5) with one change, and the decision
the reference says that change must produce. Expectations come from the
reference, never from running the code.

    python3 tests/corpus/build.py          # rewrite the case files
    python3 tests/corpus/build.py --check  # fail if they are out of date
"""
import copy, json, os, sys

HERE = os.path.dirname(os.path.abspath(__file__))

def user(identity, usage="US", licenses=("MCOEV",), mode="TeamsOnly", ev=True, **extra):
    u = {"identity": identity, "kind": "User", "usage_location": usage,
         "licenses": list(licenses), "teams_mode": mode, "enterprise_voice_enabled": ev}
    u.update(extra)
    return u

def resource_account(identity, usage="US", licenses=("PHONESYSTEM_VIRTUALUSER",)):
    return {"identity": identity, "kind": "ResourceAccount", "resource_account_type": "CallQueue",
            "usage_location": usage, "licenses": list(licenses), "teams_mode": "TeamsOnly"}

def number(n, ntype="OperatorConnect", caps=("UserAssignment",), country="US", status="Unassigned",
           target=None, operator="OP1", location="L1", lus=True, state="Activated", block="NotBlocked"):
    rec = {"telephone_number": n, "number_type": ntype, "activation_state": state,
           "capabilities": list(caps), "assignment_status": status, "iso_country_code": country,
           "location_update_supported": lus, "number_source": "Online", "block": block}
    if target is not None: rec["assigned_target"] = target
    if operator is not None and ntype == "OperatorConnect": rec["operator_id"] = operator
    if location is not None: rec["location_id"] = location
    return rec

def operator(op="OP1", countries=("US",), status="Active", products=("Calling",), **contact):
    c = {"full_name": "Dana Admin", "email": "dana@contoso.com", "company_size": "1000-4999"}
    c.update(contact)
    c = {k: v for k, v in c.items() if v is not None}
    return {"operator_id": op, "name": "Contoso Telecom" if op == "OP1" else "Fabrikam Voice",
            "products": list(products), "enabled_countries": list(countries), "status": status,
            "contact": c, "data_transfer_notice_accepted": True}

def address(id="A1", country="US", status="Validated"):
    return {"id": id, "company_name": "Contoso", "country_or_region": country, "state_or_province": "WA",
            "city": "Redmond", "postal_code": "98052", "house_number": "1", "street_name": "Microsoft Way",
            "latitude": 47.64, "longitude": -122.13, "validation_status": status}

def e0_tenant():
    return {"tenant_id": "contoso-tenant",
            "accounts": [user("alice@contoso.com")],
            "numbers": [number("+14255550101")],
            "operators": [operator()],
            "civic_addresses": [address()],
            "locations": [{"location_id": "L1", "civic_address_id": "A1", "place": "Building 1, Floor 2"}],
            "voice_routes": [], "voice_routing_policies": []}

def assign(n="+14255550101", ntype="OperatorConnect", target="alice@contoso.com", kind="User", **extra):
    r = {"target": target, "target_kind": kind, "telephone_number": n, "number_type": ntype}
    r.update(extra)
    return {"AssignNumber": r}

CASES = []

def case(name, source, description, expect_codes, allowed=None, tenant=None, request=None, edit=None):
    t = tenant if tenant is not None else e0_tenant()
    if edit: edit(t)
    codes = sorted(set(expect_codes))
    if allowed is None:
        allowed = not any(c in ERRORS for c in codes)
    CASES.append((name, {"name": name, "source": source, "description": description,
                         "kind": "eligibility", "input": {"tenant": t, "request": request or assign()},
                         "expect": {"allowed": allowed, "codes": codes}}))

# Codes whose violations are errors (the rest of §1.3 are WARN).
ERRORS = {"ELIG-NUM-FORMAT", "ELIG-EXT-DR-ONLY", "ELIG-OPERATOR-UPLOAD-FORMAT", "ELIG-NOT-IN-TENANT",
          "ELIG-TYPE-MISMATCH", "ELIG-ALREADY-ASSIGNED", "ELIG-ASSIGNMENT-BLOCKED", "ELIG-BLOCK-PARAMS",
          "ELIG-CAPABILITY", "ELIG-LIC-PHONE", "ELIG-LIC-CALLINGPLAN", "ELIG-LIC-RESOURCE", "ELIG-TEAMSONLY",
          "ELIG-USAGE-LOCATION", "ELIG-RA-LOCATION", "ELIG-ONPREM-NUMBER", "ELIG-OPERATOR-NOT-ADDED",
          "ELIG-OPERATOR-COUNTRY", "ELIG-OPERATOR-CONSENT", "ELIG-OC-LOCATION-PREREQ",
          "ELIG-OC-NO-ADDRESS-IN-COUNTRY", "ELIG-OPERATOR-WRITES-ADDRESS", "ELIG-LOCATION-UPDATE-LOCKED",
          "ELIG-LOCATION-NULL", "ELIG-REMOVE-OPERATOR", "ELIG-RELEASE-ASSIGNED", "ELIG-DR-MIGRATION",
          "ELIG-UPLOAD-HELD"}

def acct(t, **kv): t["accounts"][0].update(kv)
def num(t, **kv): t["numbers"][0].update(kv)
def op(t, **kv): t["operators"][0].update(kv)

# ---- worked examples E0-E11 (§1.5)
case("e00-baseline", "E0", "alice, US, MCOEV, TeamsOnly; OC number +14255550101 from OP1 (US)", [])
case("e01-usage-location-gb", "E1", "usageLocation = GB", ["ELIG-USAGE-LOCATION"], edit=lambda t: acct(t, usage_location="GB"))
case("e02-islands", "E2", "mode = Islands", ["ELIG-TEAMSONLY"], edit=lambda t: acct(t, teams_mode="Islands"))
case("e03-service-number", "E3", "Capability {VoiceApplicationAssignment}", ["ELIG-CAPABILITY"],
     edit=lambda t: num(t, capabilities=["VoiceApplicationAssignment"]))
case("e04-assigned-to-bob", "E4", "UserAssigned to bob", ["ELIG-ALREADY-ASSIGNED"],
     edit=lambda t: num(t, assignment_status="UserAssigned", assigned_target="bob@contoso.com"))
def e5(t):
    acct(t, usage_location="DE"); num(t, iso_country_code="DE")
case("e05-operator-country", "E5", "number DE, user DE, OP1 enabled for US only", ["ELIG-OPERATOR-COUNTRY"], edit=e5)
def e6(t):
    t["numbers"][0] = number("+14255550101", ntype="CallingPlan", operator=None)
case("e06-calling-plan-licence", "E6", "CallingPlan number, licences [MCOEV] only", ["ELIG-LIC-CALLINGPLAN"],
     edit=e6, request=assign(ntype="CallingPlan"))
case("e07-extension-oc", "E7", "+14255551000;ext=12 as OperatorConnect", ["ELIG-EXT-DR-ONLY"],
     request=assign(n="+14255551000;ext=12"))
block_until = {"BlockedUntil": "2025-10-11T21:30:00Z"}
case("e08a-blocked-until-before", "E8", "BlockedUntil 2025-10-11T21:30Z, now 2025-10-01", ["ELIG-ASSIGNMENT-BLOCKED"],
     edit=lambda t: num(t, block=block_until), request=assign(now="2025-10-01T00:00:00Z"))
case("e08b-blocked-until-after", "E8", "BlockedUntil 2025-10-11T21:30Z, now 2025-10-12", [],
     edit=lambda t: num(t, block=block_until), request=assign(now="2025-10-12T00:00:00Z"))
def e9(t):
    num(t, location_update_supported=False); del t["numbers"][0]["location_id"]
case("e09-oc-location-prereq", "E9", "LocationUpdateSupported=false, LocationId null", ["ELIG-OC-LOCATION-PREREQ"], edit=e9)
def e10(t):
    t["accounts"].append(resource_account("cq1@contoso.com"))
    t["numbers"].append(number("+14255551225", ntype="DirectRouting", caps=["VoiceApplicationAssignment"], location=None))
case("e10-resource-account-dr", "E10", "cq1 with PHONESYSTEM_VIRTUALUSER, DR +14255551225 (SETPNA Ex.5)", [], edit=e10,
     request=assign(n="+14255551225", ntype="DirectRouting", target="cq1@contoso.com", kind="ResourceAccount"))
def e11(t):
    acct(t, usage_location="DE", licenses=["MCOEV", "MCOPSTN2"])
    t["numbers"].append(number("+1555555555", ntype="CallingPlan", operator=None, location=None))
case("e11-alternate-calling-plan", "E11", "CP alternate +1555555555 for a DE user (SETPNA Ex.14)", [], edit=e11,
     request=assign(n="+1555555555", ntype="CallingPlan", assignment_category="Alternate"))

# ---- each code: one case that triggers it, one near-miss that does not
case("num-format-tel-prefix", "ELIG-NUM-FORMAT", "tel: prefix", ["ELIG-NUM-FORMAT"], request=assign(n="tel:+14255550101"))
case("num-format-spaces", "ELIG-NUM-FORMAT", "spaces in the number", ["ELIG-NUM-FORMAT"], request=assign(n="+1 425 555 0101"))
case("num-format-near-miss-no-plus", "ELIG-NUM-FORMAT", "non-E.164 14255550101 (no '+') is accepted", [], request=assign(n="14255550101"))
case("num-plan-dr-invalid", "ELIG-NUM-PLAN", "DR number outside the inventory, right shape, too short for the NANP",
     ["ELIG-NUM-PLAN"], request=assign(n="+1555555555", ntype="DirectRouting"))
case("num-plan-near-miss-dr-valid", "ELIG-NUM-PLAN", "DR number outside the inventory, valid US number", [],
     request=assign(n="+14255550199", ntype="DirectRouting"))
case("num-plan-dr-canada-usage-location", "ELIG-USAGE-LOCATION", "DR +1 416 is Canada, user is US",
     ["ELIG-USAGE-LOCATION"], request=assign(n="+14165550199", ntype="DirectRouting"))
case("ext-near-miss-direct-routing", "ELIG-EXT-DR-ONLY", "extension on a Direct Routing number", [],
     request=assign(n="+14255551000;ext=12", ntype="DirectRouting"))
case("not-in-tenant", "ELIG-NOT-IN-TENANT", "OC number the operator never uploaded", ["ELIG-NOT-IN-TENANT"],
     request=assign(n="+14255559999"))
case("not-in-tenant-calling-plan", "ELIG-NOT-IN-TENANT", "CP number not acquired", ["ELIG-NOT-IN-TENANT"],
     edit=lambda t: acct(t, licenses=["MCOEV", "MCOPSTN1"]), request=assign(n="+14255559999", ntype="CallingPlan"))
case("type-mismatch", "ELIG-TYPE-MISMATCH", "OC inventory number requested as DirectRouting", ["ELIG-TYPE-MISMATCH"],
     request=assign(ntype="DirectRouting"))
case("already-assigned-near-miss-same-user", "ELIG-ALREADY-ASSIGNED", "already assigned to alice herself", [],
     edit=lambda t: num(t, assignment_status="UserAssigned", assigned_target="Alice@Contoso.com"))
case("blocked-forever", "ELIG-ASSIGNMENT-BLOCKED", "BlockedForever", ["ELIG-ASSIGNMENT-BLOCKED"],
     edit=lambda t: num(t, block="BlockedForever"))
case("not-activated", "ELIG-NOT-ACTIVATED", "AssignmentPending", ["ELIG-NOT-ACTIVATED"],
     edit=lambda t: num(t, activation_state="AssignmentPending"))
case("not-activated-update-failed", "ELIG-NOT-ACTIVATED", "UpdateFailed", ["ELIG-NOT-ACTIVATED"],
     edit=lambda t: num(t, activation_state="UpdateFailed"))
def bridge(t): num(t, capabilities=["ConferenceAssignment"])
case("capability-bridge-ok", "ELIG-CAPABILITY", "service number to the conferencing bridge", [], edit=bridge,
     request=assign(target="bridge-1", kind="ConferenceBridge"))
case("capability-user-number-to-bridge", "ELIG-CAPABILITY", "subscriber number to the bridge", ["ELIG-CAPABILITY"],
     request=assign(target="bridge-1", kind="ConferenceBridge"))
case("lic-phone-missing", "ELIG-LIC-PHONE", "no licences", ["ELIG-LIC-PHONE"], edit=lambda t: acct(t, licenses=[]))
case("lic-phone-near-miss-e5", "ELIG-LIC-PHONE", "E5 includes Phone System", [], edit=lambda t: acct(t, licenses=["ENTERPRISEPREMIUM"]))
def cp_ok(t):
    t["numbers"][0] = number("+14255550101", ntype="CallingPlan", operator=None)
    acct(t, licenses=["MCOEV", "MCOPSTN1"])
case("lic-callingplan-near-miss", "ELIG-LIC-CALLINGPLAN", "CP number with MCOPSTN1", [], edit=cp_ok, request=assign(ntype="CallingPlan"))
def ra_nolic(t):
    e10(t); t["accounts"][1]["licenses"] = []
case("lic-resource-missing", "ELIG-LIC-RESOURCE", "resource account without its licence", ["ELIG-LIC-RESOURCE"], edit=ra_nolic,
     request=assign(n="+14255551225", ntype="DirectRouting", target="cq1@contoso.com", kind="ResourceAccount"))
def islands_cp(t):
    cp_ok(t); acct(t, teams_mode="Islands")
case("teamsonly-near-miss-calling-plan", "ELIG-TEAMSONLY", "Islands user, Calling Plan number (TeamsOnly is for OC/DR)", [],
     edit=islands_cp, request=assign(ntype="CallingPlan"))
case("teamsonly-direct-routing", "ELIG-TEAMSONLY", "SfbWithTeamsCollab user, DR number", ["ELIG-TEAMSONLY"],
     edit=lambda t: acct(t, teams_mode="SfbWithTeamsCollab"), request=assign(n="+14255550199", ntype="DirectRouting"))
case("ev-false", "ELIG-EV", "EnterpriseVoiceEnabled false", ["ELIG-EV"], edit=lambda t: acct(t, enterprise_voice_enabled=False))
case("ev-near-miss-unknown", "ELIG-EV", "EnterpriseVoiceEnabled not given", [], edit=lambda t: t["accounts"][0].pop("enterprise_voice_enabled"))
case("usage-location-near-miss-case", "ELIG-USAGE-LOCATION", "usage location `us` in lower case", [], edit=lambda t: acct(t, usage_location="us"))
case("usage-location-private", "ELIG-USAGE-LOCATION", "Private category is not exempt", ["ELIG-USAGE-LOCATION"],
     edit=lambda t: acct(t, usage_location="GB"), request=assign(assignment_category="Private"))
case("alt-cp-only-oc", "ELIG-ALT-CP-ONLY", "OC number as an Alternate", ["ELIG-ALT-CP-ONLY"], request=assign(assignment_category="Alternate"))
def ra_gb(t):
    e10(t); t["accounts"][1]["usage_location"] = "GB"
case("ra-location", "ELIG-RA-LOCATION", "resource account licensed for GB, US number", ["ELIG-RA-LOCATION"], edit=ra_gb,
     request=assign(n="+14255551225", ntype="DirectRouting", target="cq1@contoso.com", kind="ResourceAccount"))
case("onprem-number", "ELIG-ONPREM-NUMBER", "msRTCSIP-Line synced from on-premises", ["ELIG-ONPREM-NUMBER"],
     edit=lambda t: acct(t, on_prem_line_uri="tel:+14255550177"))
case("onprem-near-miss-empty", "ELIG-ONPREM-NUMBER", "empty LineURI", [], edit=lambda t: acct(t, on_prem_line_uri=""))
case("operator-not-added", "ELIG-OPERATOR-NOT-ADDED", "number from OP9, which the tenant never added", ["ELIG-OPERATOR-NOT-ADDED"],
     edit=lambda t: num(t, operator_id="OP9"))
case("operator-country-near-miss", "ELIG-OPERATOR-COUNTRY", "DE number, OP1 enabled for US and DE", [],
     edit=lambda t: (e5(t), op(t, enabled_countries=["US", "DE"])))
case("operator-consent-company-size", "ELIG-OPERATOR-CONSENT", "company size missing", ["ELIG-OPERATOR-CONSENT"],
     edit=lambda t: t["operators"][0]["contact"].pop("company_size"))
case("operator-consent-notice", "ELIG-OPERATOR-CONSENT", "data transfer notice not accepted", ["ELIG-OPERATOR-CONSENT"],
     edit=lambda t: op(t, data_transfer_notice_accepted=False))
case("operator-consent-near-miss-phone", "ELIG-OPERATOR-CONSENT", "phone is optional", [],
     edit=lambda t: t["operators"][0]["contact"].pop("phone", None))
case("operator-suspended", "ELIG-OPERATOR-SUSPENDED", "operator suspended", ["ELIG-OPERATOR-SUSPENDED"], edit=lambda t: op(t, status="Suspended"))
case("oc-location-prereq-unknown", "ELIG-OC-LOCATION-PREREQ", "operator-managed location L9 does not exist", ["ELIG-OC-LOCATION-PREREQ"],
     edit=lambda t: num(t, location_update_supported=False, location_id="L9"))
case("oc-location-prereq-near-miss", "ELIG-OC-LOCATION-PREREQ", "operator-managed location L1 exists", [],
     edit=lambda t: num(t, location_update_supported=False))
case("location-locked-on-assign", "ELIG-LOCATION-UPDATE-LOCKED", "assignment sets -LocationId on an operator-managed number",
     ["ELIG-LOCATION-UPDATE-LOCKED"], edit=lambda t: (num(t, location_update_supported=False),
     t["locations"].append({"location_id": "L2", "civic_address_id": "A1"})), request=assign(location_id="L2"))
def leak(t):
    t["voice_routes"] = [{"identity": "Redmond 1", "number_pattern": "^\\+1(425|206)(\\d{7})$",
                          "online_pstn_usages": ["US and Canada"], "online_pstn_gateways": ["sbc1.contoso.biz"]}]
    t["voice_routing_policies"] = [{"identity": "Global", "online_pstn_usages": ["US and Canada"]}]
case("dr-policy-leak-global", "ELIG-DR-POLICY-LEAK", "Global policy reaches a DR route", ["ELIG-DR-POLICY-LEAK"], edit=leak)
def no_leak(t):
    leak(t); t["voice_routing_policies"][0]["online_pstn_usages"] = ["Unused"]
case("dr-policy-leak-near-miss", "ELIG-DR-POLICY-LEAK", "Global policy's usage has no route", [], edit=no_leak)
def own_policy(t):
    leak(t); t["voice_routing_policies"].append({"identity": "Tag:NoDR", "online_pstn_usages": []})
    acct(t, online_voice_routing_policy="NoDR")
case("dr-policy-leak-near-miss-own-policy", "ELIG-DR-POLICY-LEAK", "user has an empty policy of its own", [], edit=own_policy)

# ---- near-misses for the codes above whose trigger case has none of its own
case("not-in-tenant-near-miss-direct-routing", "ELIG-NOT-IN-TENANT", "DR numbers need not be in the inventory", [],
     request=assign(n="+14255550199", ntype="DirectRouting"))
case("type-mismatch-near-miss", "ELIG-TYPE-MISMATCH", "OC number requested as OperatorConnect", [])
case("assignment-blocked-near-miss", "ELIG-ASSIGNMENT-BLOCKED", "block expired a second ago", [],
     edit=lambda t: num(t, block={"BlockedUntil": "2025-10-11T21:30:00Z"}), request=assign(now="2025-10-11T21:30:01Z"))
case("assignment-blocked-offset", "ELIG-ASSIGNMENT-BLOCKED", "now given with a UTC offset, still before the block ends",
     ["ELIG-ASSIGNMENT-BLOCKED"], edit=lambda t: num(t, block={"BlockedUntil": "2025-10-11T21:30:00Z"}),
     request=assign(now="2025-10-11T23:00:00+02:00"))
case("not-activated-near-miss", "ELIG-NOT-ACTIVATED", "Activated", [], edit=lambda t: num(t, activation_state="Activated"))
def ra_gov(t):
    e10(t); t["accounts"][1]["licenses"] = ["PHONESYSTEM_VIRTUALUSER_GOV"]
case("lic-resource-near-miss-gov", "ELIG-LIC-RESOURCE", "the GCC resource-account licence", [], edit=ra_gov,
     request=assign(n="+14255551225", ntype="DirectRouting", target="cq1@contoso.com", kind="ResourceAccount"))
case("lic-resource-user-target-unaffected", "ELIG-LIC-RESOURCE", "users do not need the resource-account licence", [])
def alt_cp(t):
    cp_ok(t); acct(t, usage_location="GB")
case("alt-cp-only-near-miss", "ELIG-ALT-CP-ONLY", "Calling Plan alternate, country exempt", [], edit=alt_cp,
     request=assign(ntype="CallingPlan", assignment_category="Alternate"))
def ra_us_lower(t):
    e10(t); t["accounts"][1]["usage_location"] = "us"
case("ra-location-near-miss", "ELIG-RA-LOCATION", "licence location `us` matches US", [], edit=ra_us_lower,
     request=assign(n="+14255551225", ntype="DirectRouting", target="cq1@contoso.com", kind="ResourceAccount"))
case("operator-not-added-near-miss-case", "ELIG-OPERATOR-NOT-ADDED", "operator ids compare case-insensitively", [],
     edit=lambda t: num(t, operator_id="op1"))
case("operator-suspended-near-miss", "ELIG-OPERATOR-SUSPENDED", "operator active", [], edit=lambda t: op(t, status="Active"))

# ---- other requests
upload_ok = {"UploadNumbers": {"operator_id": "OP1", "numbers": [
    {"telephone_number": "+14255550111", "usage": "CallingUserAssignment", "location_id": "L1", "location_update_supported": False}]}}
case("upload-ok", "ELIG-OPERATOR-UPLOAD-FORMAT", "valid upload with an enterprise location", [], request=upload_ok)
def up(n, **kv):
    r = copy.deepcopy(upload_ok); r["UploadNumbers"]["numbers"][0]["telephone_number"] = n
    r["UploadNumbers"]["numbers"][0].update(kv); return r
case("upload-format-dashes", "ELIG-OPERATOR-UPLOAD-FORMAT", "dashes in an uploaded number", ["ELIG-OPERATOR-UPLOAD-FORMAT"], request=up("+1-425-555-0111"))
case("upload-format-too-long", "ELIG-OPERATOR-UPLOAD-FORMAT", "20 characters", ["ELIG-OPERATOR-UPLOAD-FORMAT"], request=up("+1425555011112345678"))
case("upload-format-no-country-code", "ELIG-OPERATOR-UPLOAD-FORMAT", "+999 is no country code", ["ELIG-OPERATOR-UPLOAD-FORMAT"], request=up("+9991234567"))
case("upload-toll-free-needs-country", "ELIG-OPERATOR-UPLOAD-FORMAT", "North American toll-free without a country",
     ["ELIG-OPERATOR-UPLOAD-FORMAT"], request=up("+18005550100", usage="FirstPartyAppAssignment"))
case("upload-toll-free-with-country", "ELIG-OPERATOR-UPLOAD-FORMAT", "North American toll-free with US", [],
     request=up("+18005550100", usage="FirstPartyAppAssignment", iso_country_code="US"))
case("upload-country-not-enabled", "ELIG-OPERATOR-COUNTRY", "GB number, OP1 enabled for US", ["ELIG-OPERATOR-COUNTRY"],
     request=up("+442071234567", usage="ConferenceAssignment"))
case("upload-operator-not-added", "ELIG-OPERATOR-NOT-ADDED", "OP2 uploads to a tenant that never added it", ["ELIG-OPERATOR-NOT-ADDED"],
     request={"UploadNumbers": {"operator_id": "OP2", "numbers": upload_ok["UploadNumbers"]["numbers"]}})
case("upload-consent-incomplete", "ELIG-OPERATOR-CONSENT", "the tenant has not entered its company size", ["ELIG-OPERATOR-CONSENT"],
     edit=lambda t: t["operators"][0]["contact"].pop("company_size"), request=upload_ok)
case("upload-location-prereq", "ELIG-OC-LOCATION-PREREQ", "operator-managed user number without a location", ["ELIG-OC-LOCATION-PREREQ"],
     request={"UploadNumbers": {"operator_id": "OP1", "numbers": [
         {"telephone_number": "+14255550111", "usage": "CallingUserAssignment", "location_update_supported": False}]}})
case("upload-location-near-miss-enterprise-managed", "ELIG-OC-LOCATION-PREREQ", "enterprise sets the location itself", [],
     request={"UploadNumbers": {"operator_id": "OP1", "numbers": [
         {"telephone_number": "+14255550111", "usage": "CallingUserAssignment", "location_update_supported": True}]}})
case("upload-no-address-in-country", "ELIG-OC-NO-ADDRESS-IN-COUNTRY", "GB user numbers, no validated GB address",
     ["ELIG-OC-NO-ADDRESS-IN-COUNTRY"], edit=lambda t: op(t, enabled_countries=["US", "GB"]), request=up("+442071234567"))
def gb_addr(t):
    op(t, enabled_countries=["US", "GB"]); t["civic_addresses"].append(address("A2", "GB"))
    t["locations"].append({"location_id": "L2", "civic_address_id": "A2"})
case("upload-no-address-near-miss", "ELIG-OC-NO-ADDRESS-IN-COUNTRY", "a validated GB address exists", [], edit=gb_addr,
     request=up("+442071234567", location_id="L2"))
case("upload-no-address-not-validated", "ELIG-OC-NO-ADDRESS-IN-COUNTRY", "the GB address is not validated",
     ["ELIG-OC-NO-ADDRESS-IN-COUNTRY"], edit=lambda t: (gb_addr(t), t["civic_addresses"][1].update(validation_status="NotValidated")),
     request=up("+442071234567", location_id="L2"))

# An upload of a number the tenant already holds (E0's +14255550101: OP1, user
# number, US, L1, location_update_supported): a retry exactly as held changes
# nothing; anything else would be a second record for one number.
held_as_is = up("+14255550101", location_id="L1", location_update_supported=True)
case("upload-retry-unchanged", "ELIG-UPLOAD-UNCHANGED", "OP1 uploads a number it already uploaded, exactly as held (a retry)",
     ["ELIG-UPLOAD-UNCHANGED"], request=held_as_is)
case("upload-retry-unchanged-assigned", "ELIG-UPLOAD-UNCHANGED", "the retried number is assigned meanwhile: still unchanged, the assignment stays",
     ["ELIG-UPLOAD-UNCHANGED"], edit=lambda t: num(t, assignment_status="UserAssigned", assigned_target="alice@contoso.com"), request=held_as_is)
case("upload-held-other-location", "ELIG-UPLOAD-HELD", "OP1 uploads a held number with another location setting",
     ["ELIG-UPLOAD-HELD"], request=up("+14255550101", location_id="L1", location_update_supported=False))
case("upload-held-other-usage", "ELIG-UPLOAD-HELD", "OP1 uploads a held user number as a conferencing number",
     ["ELIG-UPLOAD-HELD"], request=up("+14255550101", usage="ConferenceAssignment", location_id="L1", location_update_supported=True))
def other_operator(t):
    t["operators"].append(operator("OP2"))
    num(t, operator_id="OP2")
case("upload-held-by-another-operator", "ELIG-UPLOAD-HELD", "OP1 uploads a number the tenant holds from OP2",
     ["ELIG-UPLOAD-HELD"], edit=other_operator, request=held_as_is)
case("upload-held-calling-plan", "ELIG-UPLOAD-HELD", "OP1 uploads a number the tenant holds as a Calling Plan number",
     ["ELIG-UPLOAD-HELD"], edit=lambda t: t["numbers"].__setitem__(0, number("+14255550101", ntype="CallingPlan", operator=None)),
     request=held_as_is)
twice = copy.deepcopy(upload_ok); twice["UploadNumbers"]["numbers"].append(copy.deepcopy(twice["UploadNumbers"]["numbers"][0]))
case("upload-listed-twice-alike", "ELIG-UPLOAD-UNCHANGED", "one upload lists a new number twice, alike: stored once",
     ["ELIG-UPLOAD-UNCHANGED"], request=twice)
twice_differently = copy.deepcopy(twice); twice_differently["UploadNumbers"]["numbers"][1]["usage"] = "ConferenceAssignment"
case("upload-listed-twice-differently", "ELIG-UPLOAD-HELD", "one upload lists a new number twice, differently",
     ["ELIG-UPLOAD-HELD"], request=twice_differently)
case("upload-unchanged-near-miss-other-location", "ELIG-UPLOAD-UNCHANGED", "the retry names another location: not unchanged, refused",
     ["ELIG-UPLOAD-HELD"], request=up("+14255550101", location_id="L9", location_update_supported=True))
case("upload-held-near-miss-new-number", "ELIG-UPLOAD-HELD", "a number the tenant does not hold yet", [], request=upload_ok)

def assigned(t): num(t, assignment_status="UserAssigned", assigned_target="alice@contoso.com")
case("remove-operator-with-assigned", "ELIG-REMOVE-OPERATOR", "OP1 still has an assigned number", ["ELIG-REMOVE-OPERATOR"],
     edit=assigned, request={"RemoveOperator": {"operator_id": "OP1"}})
case("remove-operator-bridge-number", "ELIG-REMOVE-OPERATOR", "OP1's number is on the bridge", ["ELIG-REMOVE-OPERATOR"],
     edit=lambda t: num(t, capabilities=["ConferenceAssignment"], assignment_status="ConferenceAssigned", assigned_target="bridge-1"),
     request={"RemoveOperator": {"operator_id": "OP1"}})
case("remove-operator-near-miss-unassigned", "ELIG-REMOVE-OPERATOR", "OP1's numbers are all unassigned", [],
     request={"RemoveOperator": {"operator_id": "OP1"}})
case("remove-operator-country-near-miss", "ELIG-REMOVE-OPERATOR", "removing DE while only a US number is assigned", [],
     edit=lambda t: (assigned(t), op(t, enabled_countries=["US", "DE"])), request={"RemoveOperator": {"operator_id": "OP1", "country": "DE"}})
case("remove-operator-country", "ELIG-REMOVE-OPERATOR", "removing US while a US number is assigned", ["ELIG-REMOVE-OPERATOR"],
     edit=lambda t: (assigned(t), op(t, enabled_countries=["US", "DE"])), request={"RemoveOperator": {"operator_id": "OP1", "country": "US"}})
case("release-assigned", "ELIG-RELEASE-ASSIGNED", "release an assigned number", ["ELIG-RELEASE-ASSIGNED"],
     edit=assigned, request={"ReleaseNumber": {"telephone_number": "+14255550101"}})
case("release-near-miss", "ELIG-RELEASE-ASSIGNED", "release an unassigned number", [], request={"ReleaseNumber": {"telephone_number": "+14255550101"}})
case("release-not-in-tenant", "ELIG-NOT-IN-TENANT", "release a number the tenant does not hold", ["ELIG-NOT-IN-TENANT"],
     request={"ReleaseNumber": {"telephone_number": "+14255550999"}})
def dr(t, **kv):
    t["numbers"].append(number("+14255551300", ntype="DirectRouting", location=None, **kv))
case("dr-migration-still-assigned", "ELIG-DR-MIGRATION", "DR number still assigned", ["ELIG-DR-MIGRATION"],
     edit=lambda t: dr(t, status="UserAssigned", target="alice@contoso.com"),
     request={"MigrateToOperatorConnect": {"telephone_number": "+14255551300", "operator_id": "OP1"}})
case("dr-migration-onprem-line", "ELIG-DR-MIGRATION", "LineURI still set on-premises", ["ELIG-DR-MIGRATION"],
     edit=lambda t: (dr(t), acct(t, on_prem_line_uri="tel:+14255551300")),
     request={"MigrateToOperatorConnect": {"telephone_number": "+14255551300", "operator_id": "OP1"}})
case("dr-migration-near-miss", "ELIG-DR-MIGRATION", "DR number unassigned, LineURI cleared", [], edit=dr,
     request={"MigrateToOperatorConnect": {"telephone_number": "+14255551300", "operator_id": "OP1"}})
blk = lambda **kv: {"SetAssignmentBlock": dict({"telephone_number": "+14255550101", "blocked_forever": False}, **kv)}
case("block-both", "ELIG-BLOCK-PARAMS", "Forever and Days together", ["ELIG-BLOCK-PARAMS"], request=blk(blocked_forever=True, blocked_days=30))
case("block-days-range", "ELIG-BLOCK-PARAMS", "400 days", ["ELIG-BLOCK-PARAMS"], request=blk(blocked_days=400))
case("block-existing", "ELIG-BLOCK-PARAMS", "a block already exists", ["ELIG-BLOCK-PARAMS"],
     edit=lambda t: num(t, block="BlockedForever"), request=blk(blocked_days=30))
case("block-near-miss", "ELIG-BLOCK-PARAMS", "30 days on an unblocked number", [], request=blk(blocked_days=30))
case("block-near-miss-expired", "ELIG-BLOCK-PARAMS", "the old block expired", [],
     edit=lambda t: num(t, block=block_until), request=blk(blocked_days=30, now="2025-12-01T00:00:00Z"))
loc = lambda l: {"UpdateNumberLocation": {"telephone_number": "+14255550101", **({"location_id": l} if l else {})}}
def l2(t): t["locations"].append({"location_id": "L2", "civic_address_id": "A1"})
case("location-update-locked", "ELIG-LOCATION-UPDATE-LOCKED", "change the location of an operator-managed number",
     ["ELIG-LOCATION-UPDATE-LOCKED"], edit=lambda t: (l2(t), num(t, location_update_supported=False)), request=loc("L2"))
case("location-update-near-miss", "ELIG-LOCATION-UPDATE-LOCKED", "change the location of an enterprise-managed number", [],
     edit=l2, request=loc("L2"))
case("location-null-calling-plan", "ELIG-LOCATION-NULL", "clear the location of a CP number", ["ELIG-LOCATION-NULL"],
     edit=lambda t: t["numbers"].__setitem__(0, number("+14255550101", ntype="CallingPlan", operator=None)), request=loc(None))
case("location-null-near-miss-dr", "ELIG-LOCATION-NULL", "clear the location of a DR number", [],
     edit=lambda t: t["numbers"].__setitem__(0, number("+14255550101", ntype="DirectRouting")), request=loc("null"))
def cp_number(t):
    cp_ok(t); num(t, location_id="L1")
case("location-null-on-assign-calling-plan", "ELIG-LOCATION-NULL", "assignment with -LocationId null on a CP number",
     ["ELIG-LOCATION-NULL"], edit=cp_number, request=assign(ntype="CallingPlan", location_id="null"))
case("num-format-near-miss-long-digits", "ELIG-NUM-FORMAT",
     "15 digits after +1: right shape (no ELIG-NUM-FORMAT), not in the NANP plan (ELIG-NUM-PLAN warning)", ["ELIG-NUM-PLAN"],
     request=assign(n="+142555501011234", ntype="DirectRouting"))
wa = lambda actor: {"WriteCivicAddress": {"actor": actor, "address": address("A9")}}
case("operator-writes-address", "ELIG-OPERATOR-WRITES-ADDRESS", "operator creates a civic address", ["ELIG-OPERATOR-WRITES-ADDRESS"],
     request=wa({"Operator": "OP1"}))
case("operator-writes-address-near-miss", "ELIG-OPERATOR-WRITES-ADDRESS", "tenant admin creates it", [],
     request=wa({"TenantAdmin": "admin@contoso.com"}))
rv = {"ReviewAccount": {"identity": "alice@contoso.com", "intended_number_type": "OperatorConnect"}}
case("oc-no-number", "ELIG-OC-NO-NUMBER", "alice is meant for OC but holds no OC number", ["ELIG-OC-NO-NUMBER"], request=rv)
case("oc-no-number-near-miss", "ELIG-OC-NO-NUMBER", "alice holds an OC number", [], edit=assigned, request=rv)
case("review-ev-false-with-number", "ELIG-EV", "alice has a number but EnterpriseVoiceEnabled is False", ["ELIG-EV"],
     edit=lambda t: (assigned(t), acct(t, enterprise_voice_enabled=False)), request=rv)
case("review-dr-leak", "ELIG-DR-POLICY-LEAK", "alice's OC calls can reach a DR route", ["ELIG-DR-POLICY-LEAK"],
     edit=lambda t: (assigned(t), leak(t)), request=rv)

# ---- the operator programme (§1.4)
def programme(**kv):
    p = {"operator_id": "OP1", "agreement": "OperatorConnect", "telecom_service_provider": True,
         "interconnect": "AzurePeeringService", "sip_over_tls": True, "x_ms_sbc_header": True,
         "x_ms_tenant_id_header": True, "e164_numbers": True, "srtp": True, "ringback_during_transfer": True,
         "comfort_noise": True, "flow_through_api": True, "portal_provisioning_after_launch": False,
         "uploads_call_duration": True, "monitors_call_quality": True, "test_numbers": 6,
         "verification_environment": "Production", "certified_sbc": True, "shared_sla": True,
         "emergency_pidf_lo": True, "us_emergency_via_ersp": True, "native_dialer_emergency_to_teams": False,
         "regulated_operator": True}
    p.update(kv); return p
PROGRAMME = []
def pcase(name, description, codes, **kv):
    codes = sorted(set(codes))
    PROGRAMME.append((name, {"name": name, "source": "§1.4", "description": description, "kind": "operator-programme",
                             "input": programme(**kv), "expect": {"allowed": all(c == "OPR-REGULATED" for c in codes), "codes": codes}}))
pcase("opr-compliant", "meets every requirement", [])
pcase("opr-expressroute-lab", "ExpressRoute, lab with 3 test numbers", [], interconnect="ExpressRouteMicrosoftPeering",
      verification_environment="Lab", test_numbers=3)
pcase("opr-agreement", "no agreement", ["OPR-AGREEMENT"], agreement="None")
pcase("opr-tsp", "not a telecom provider", ["OPR-TSP"], telecom_service_provider=False)
pcase("opr-interconnect", "public internet", ["OPR-INTERCONNECT"], interconnect="Other")
pcase("opr-sip", "no TLS, no X-MS-SBC", ["OPR-SIP"], sip_over_tls=False, x_ms_sbc_header=False)
pcase("opr-media", "no comfort noise", ["OPR-MEDIA"], comfort_noise=False)
pcase("opr-api-portal", "portal provisioning after launch", ["OPR-API"], portal_provisioning_after_launch=True)
pcase("opr-callduration", "no CallDuration upload", ["OPR-CALLDURATION"], uploads_call_duration=False)
pcase("opr-monitor", "no monitoring", ["OPR-MONITOR"], monitors_call_quality=False)
pcase("opr-testnumbers", "5 test numbers in production", ["OPR-TESTNUMBERS"], test_numbers=5)
pcase("opr-cert-sbc", "uncertified SBC", ["OPR-CERT-SBC"], certified_sbc=False)
pcase("opr-sla", "no shared SLA", ["OPR-SLA"], shared_sla=False)
pcase("opr-emergency-native-dialer", "native-dialer emergency calls to Teams", ["OPR-EMERGENCY"], native_dialer_emergency_to_teams=True)
pcase("opr-emergency-no-us-service", "no US service: the ERSP rule does not apply", [], us_emergency_via_ersp=None)
pcase("opr-regulated-unknown", "regulated-operator licence unknown (unsourced: a warning)", ["OPR-REGULATED"], regulated_operator=None)

def clean(v):
    """Drop null members: absent and null mean the same for optional fields."""
    if isinstance(v, dict): return {k: clean(x) for k, x in v.items() if x is not None}
    if isinstance(v, list): return [clean(x) for x in v]
    return v

def main():
    check = "--check" in sys.argv
    stale = []
    expected_files = set()
    sys.path.insert(0, HERE)
    import emergency
    import conferencing
    for folder, cases in (("eligibility", CASES), ("operator-programme", PROGRAMME), ("emergency", emergency.CASES),
                          ("conferencing", conferencing.CASES)):
        d = os.path.join(HERE, folder)
        os.makedirs(d, exist_ok=True)
        for name, body in cases:
            path = os.path.join(d, name + ".json")
            expected_files.add(path)
            text = json.dumps(clean(body), indent=2, ensure_ascii=False) + "\n"
            old = open(path).read() if os.path.exists(path) else None
            if old != text:
                stale.append(path)
                if not check:
                    open(path, "w").write(text)
        for f in os.listdir(d):
            p = os.path.join(d, f)
            if f.endswith(".json") and p not in expected_files:
                stale.append(p)
                if not check: os.remove(p)
    if check and stale:
        sys.exit("corpus out of date; run python3 tests/corpus/build.py:\n  " + "\n  ".join(stale))
    print(f"{len(CASES)} eligibility cases, {len(PROGRAMME)} operator-programme cases, {len(emergency.CASES)} emergency cases, {len(conferencing.CASES)} conferencing cases" + (" (up to date)" if check else ""))

if __name__ == "__main__":
    main()

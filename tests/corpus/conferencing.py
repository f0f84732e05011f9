"""Conferencing-routing cases (§3 of the domain reference): the worked
examples C1-C11 (the Redmond tables of [DRVR] and the [DIALPLAN] normalization
samples), and every CONF-* code triggered once and missed once. Expectations
come from the reference, never from running the code."""
import copy

CASES = []
# Codes whose violations are warnings or info in §3.3 (the rest are errors).
NOT_ERRORS = {"CONF-OCC-ONLY-MS-NUMBERS", "CONF-ROUTE-EMPTY", "CONF-SHADOWED-ROUTE", "CONF-ROUTE-BACKUP-ONLY"}

def _add(name, source, description, kind, input, codes, route=None, normalization=None, allowed=None):
    codes = sorted(set(codes))
    if allowed is None:
        allowed = not any(c not in NOT_ERRORS for c in codes)
    expect = {"allowed": allowed, "codes": codes}
    if route is not None:
        expect["route"] = route
    if normalization is not None:
        expect["normalization"] = normalization
    CASES.append((name, {"name": name, "source": source, "description": description, "kind": kind,
                         "input": input, "expect": expect}))

def operator(op="OPDE", products=("Calling", "Conferencing")):
    return {"operator_id": op, "name": "Fabrikam Telecom", "products": list(products), "enabled_countries": ["DE"],
            "status": "Active", "contact": {"full_name": "Dana", "email": "dana@contoso.com"},
            "data_transfer_notice_accepted": True}

MS_TOLL = {"number": "+14255550000", "toll_type": "Toll", "source": "Microsoft", "sharing": "Dedicated",
           "capabilities": ["ConferenceAssignment"]}
MS_TOLLFREE = {"number": "+18005551234", "toll_type": "TollFree", "source": "Microsoft",
               "capabilities": ["ConferenceAssignment"]}
OCC_DE = {"number": "+4930123456", "toll_type": "Toll", "source": "OperatorConnect", "operator_id": "OPDE",
          "capabilities": ["ConferenceAssignment"]}
OCC_US = {"number": "+14255550199", "toll_type": "Toll", "source": "OperatorConnect", "operator_id": "OPDE",
          "capabilities": ["ConferenceAssignment"]}

def alice(**kv):
    o = {"identity": "alice@contoso.com", "licenses": ["MCOMEETADV"], "usage_location": "US",
         "audio_conferencing_routing_policy": "No Restrictions", "service_number": "+14255550000"}
    o.update(kv)
    return {k: v for k, v in o.items() if v is not None}

def route(identity, pattern, priority, usages, gateways=None, bspn=None):
    r = {"identity": identity, "number_pattern": pattern, "priority": priority, "online_pstn_usages": usages}
    if gateways is not None: r["online_pstn_gateways"] = gateways
    if bspn is not None: r["bridge_source_phone_number"] = bspn
    return r

REDMOND1 = route("Redmond 1", r"^\+1(425|206)(\d{7})$", 1, ["US and Canada"], ["sbc1", "sbc2"])
REDMOND2 = route("Redmond 2", r"^\+1(425|206)(\d{7})$", 2, ["US and Canada"], ["sbc3", "sbc4"])
OTHER1 = route("Other +1", r"^\+1(\d{10})$", 3, ["US and Canada"], ["sbc5", "sbc6"])
INTL = route("International", r"\d+", 4, ["International"], ["sbc2", "sbc5"])

def config(redmond2=True):
    """The [DRVR] tables: usage US and Canada (Redmond 1, Redmond 2, Other +1),
    usage International, ACRP No Restrictions [US and Canada, International]."""
    routes = [REDMOND1] + ([REDMOND2] if redmond2 else []) + [OTHER1, INTL]
    return copy.deepcopy({
        "tenant_id": "contoso-tenant", "org_country": "US", "communications_credits": True,
        "operators": [operator()],
        "bridge": {"numbers": [MS_TOLL, MS_TOLLFREE, OCC_DE], "default_service_number": "+14255550000"},
        "organizers": [alice()],
        "pstn_usages": ["US and Canada", "International"],
        "voice_routes": routes,
        "audio_conferencing_routing_policies": [
            {"identity": "No Restrictions", "online_pstn_usages": ["US and Canada", "International"]}],
    })

def route_case(name, source, desc, codes, dialed, expect, edit=None, organizer="alice@contoso.com", cfg=None):
    c = cfg or config()
    if edit: edit(c)
    _add(name, source, desc, "conferencing-route", {"config": c, "dial_out": {"organizer": organizer, "dialed": dialed}},
         codes, route=expect)

def lint_case(name, source, desc, codes, edit=None, redmond2=False):
    c = config(redmond2=redmond2)
    if edit: edit(c)
    _add(name, source, desc, "conferencing-lint", c, codes)

def bridge_case(name, source, desc, codes, edit=None):
    c = config()
    b = {"bridge": c["bridge"], "org_country": "US", "communications_credits": True,
         "operators": c["operators"], "organizers": c["organizers"]}
    if edit: edit(b)
    _add(name, source, desc, "bridge", b, codes)

def change_case(name, source, desc, codes, request, edit=None):
    c = config(redmond2=False)
    if edit: edit(c)
    _add(name, source, desc, "conferencing", {"config": c, "request": request}, codes)

# ---------------------------------------------------------------- C1-C10
route_case("c01-redmond", "C1", "dial +14255550100: Redmond 1, Redmond 2 as its backup", [], "+14255550100",
           {"kind": "Gateways", "route": "Redmond 1", "usage": "US and Canada", "gateways": ["sbc1", "sbc2"],
            "backups": ["Redmond 2", "Other +1"], "normalized": "+14255550100", "destination_country": "US"})
route_case("c02-other-plus1", "C2", "dial +13245678989: Other +1", [], "+13245678989",
           {"kind": "Gateways", "route": "Other +1", "usage": "US and Canada", "gateways": ["sbc5", "sbc6"]})
route_case("c03-international", "C3", "dial +442071234567: International", [], "+442071234567",
           {"kind": "Gateways", "route": "International", "usage": "International", "destination_country": "GB"})
def reversed_usages(c):
    c["audio_conferencing_routing_policies"][0]["online_pstn_usages"] = ["International", "US and Canada"]
route_case("c04-reversed-usages-route", "C4", "usages reversed; dial +14255550100: International", [], "+14255550100",
           {"kind": "Gateways", "route": "International", "usage": "International", "gateways": ["sbc2", "sbc5"]},
           edit=reversed_usages)
lint_case("c04-reversed-usages-lint", "C4", "usages reversed: US and Canada is never evaluated",
          ["CONF-SHADOWED-ROUTE"], edit=reversed_usages)
def occ_international(c):
    c["voice_routes"] = [route("International", r"\d+", 4, ["International"], bspn="+4930123456")]
    c["pstn_usages"] = ["International"]
    c["audio_conferencing_routing_policies"] = [{"identity": "International Policy", "online_pstn_usages": ["International"]}]
    c["organizers"][0]["audio_conferencing_routing_policy"] = "International Policy"
route_case("c05-operator-bspn", "C5", "International has BridgeSourcePhoneNumber +4930123456; dial +12065550100", [],
           "+12065550100", {"kind": "Operator", "operator_id": "OPDE", "caller_id": "+4930123456",
                            "route": "International", "usage": "International"}, edit=occ_international)
def c6(c):
    occ_international(c)
    c["voice_routes"][0]["online_pstn_gateways"] = ["sbc1"]
lint_case("c06-bspn-and-gateways", "C6", "route with BridgeSourcePhoneNumber and gateway sbc1", ["CONF-BSPN-EXCLUSIVE"], edit=c6)
def c7(c):
    occ_international(c)
    c["voice_routes"].append(route("DR France", r"^\+33\d{9}$", 1, ["International"], ["sbc9"]))
lint_case("c07-usage-shared-with-dr-route", "C7", "usage International also used by a Direct Routing route",
          ["CONF-USAGE-SHARED"], edit=c7)
def occ_only(c):
    c["organizers"][0]["licenses"] = []
    c["organizers"][0]["occ_license"] = True
    c["voice_routes"] = [route("Other +1", r"^\+1(\d{10})$", 3, ["US and Canada"], bspn="+4930123456")]
    c["pstn_usages"] = ["US and Canada"]
    c["audio_conferencing_routing_policies"][0]["online_pstn_usages"] = ["US and Canada"]
    c["organizers"][0]["service_number"] = "+4930123456"
route_case("c08-occ-only-no-route", "C8", "OCC licence only; only ^\\+1(\\d{10})$ routes; dial +442071234567",
           ["CONF-OCC-NO-ROUTE"], "+442071234567", {"kind": "NotRoutable"}, edit=occ_only)
def c8b(c):
    occ_only(c)
    c["organizers"][0]["licenses"] = ["MCOMEETADV"]
route_case("c08b-audio-conferencing-microsoft", "C8", "same, with Audio Conferencing Standard: Microsoft routes it", [],
           "+442071234567", {"kind": "Microsoft", "caller_id": "+14255550000"}, edit=c8b)
def dial_out(policy):
    def edit(c): c["organizers"][0]["dial_out_policy"] = policy
    return edit
route_case("c09-domestic-blocks-gb", "C9", "US organizer, tag:DialoutCPCDomesticPSTNInternational, dial +44",
           ["CONF-DIALOUT-RESTRICTED"], "+442071234567",
           {"kind": "Blocked", "policy": "tag:DialoutCPCDomesticPSTNInternational", "country": "GB"},
           edit=dial_out("tag:DialoutCPCDomesticPSTNInternational"))
route_case("c09b-zone-a-allows-gb", "C9", "tag:DialoutCPCZoneAPSTNDomestic, dial +44: GB is in Zone A", [],
           "+442071234567", {"kind": "Gateways", "route": "International"}, edit=dial_out("tag:DialoutCPCZoneAPSTNDomestic"))
route_case("c09c-zone-a-blocks-egypt", "C9", "tag:DialoutCPCZoneAPSTNDomestic, dial +20: EG is not in Zone A",
           ["CONF-DIALOUT-RESTRICTED"], "+20223456789", {"kind": "Blocked", "country": "EG"},
           edit=dial_out("tag:DialoutCPCZoneAPSTNDomestic"))
change_case("c10-default-toll-free", "C10", "set the default to toll-free +18005551234", ["CONF-DEFAULT-TOLLFREE"],
            {"SetDefaultServiceNumber": "+18005551234"})
change_case("c10b-default-occ", "C10", "set the default to an OCC toll number", ["CONF-DEFAULT-OCC"],
            {"SetDefaultServiceNumber": "+4930123456"})

# ---------------------------------------------------------------- C11 normalization ([DIALPLAN] samples)
C11 = [
    ("4digitExtension", r"^(\d{4})$", "+1425555$1", "0100", "+14255550100"),
    ("5digitExtension", r"^5(\d{4})$", "+1425555$1", "50100", "+14255550100"),
    ("7digitcallingRedmond", r"^(\d{7})$", "+1425$1", "5550100", "+14255550100"),
    ("RedmondOperator", r"^0$", "+14255550100", "0", "+14255550100"),
    ("RedmondSitePrefix", r"^6222(\d{4})$", "+1425555$1", "62220100", "+14255550100"),
    ("5digitRange", r"^([3-7]\d{4})$", "+142555$1", "54567", "+14255554567"),
    ("PrefixAdded", r"^([2-9]\d\d[2-9]\d{6})$", "1$1", "4255554567", "14255554567"),
    ("NoTranslation", r"^(\d{5})$", "$1", "34567", "34567"),
]
for rule, pattern, translation, dialed, out in C11:
    plan = {"identity": "RedmondDialPlan", "normalization_rules": [{"name": rule, "pattern": pattern, "translation": translation}]}
    _add(f"c11-{rule.lower()}", "C11", f"{rule}: {dialed} -> {out}", "normalize",
         {"dial_plans": [plan], "dial_plan": "RedmondDialPlan", "usage_location": "US", "dialed": dialed}, [],
         normalization={"normalized": out, "rule": rule})
_add("c11-no-rule-prepends-cc", "C11", "no tenant rule matches: +1 of the US usage location is prepended", "normalize",
     {"dial_plans": [], "usage_location": "US", "dialed": "4255550100"}, [],
     normalization={"normalized": "+14255550100", "rule": None})
_add("c11-first-match-wins", "C11", "rules run top to bottom: the first that matches wins", "normalize",
     {"dial_plans": [{"identity": "Global", "normalization_rules": [
         {"name": "7digitcallingRedmond", "pattern": r"^(\d{7})$", "translation": "+1425$1"},
         {"name": "AnySeven", "pattern": r"^(\d{7})$", "translation": "+1206$1"}]}],
      "usage_location": "US", "dialed": "5550100"}, [],
     normalization={"normalized": "+14255550100", "rule": "7digitcallingRedmond"})
route_case("c11-route-after-normalization", "C11", "alice dials 0100 with the 4digitExtension rule: Redmond 1", [], "0100",
           {"kind": "Gateways", "route": "Redmond 1", "normalized": "+14255550100"},
           edit=lambda c: (c.__setitem__("dial_plans", [{"identity": "RedmondDialPlan", "normalization_rules": [
               {"name": "4digitExtension", "pattern": r"^(\d{4})$", "translation": "+1425555$1"}]}]),
                           c["organizers"][0].__setitem__("dial_plan", "RedmondDialPlan")))
route_case("c11-gb-organizer-prefix", "C11", "a GB organizer with no dial plan dials 2071234567: +44 is prepended", [],
           "2071234567", {"kind": "Gateways", "route": "International", "normalized": "+442071234567",
                          "destination_country": "GB"},
           edit=lambda c: c["organizers"][0].__setitem__("usage_location", "GB"))

# ---------------------------------------------------------------- bridge rules
def occ_service(b): b["organizers"][0]["service_number"] = "+4930123456"
bridge_case("license", "CONF-LICENSE", "invites carry an OCC number; neither licence", ["CONF-LICENSE"],
            lambda b: (occ_service(b), b["organizers"][0].__setitem__("licenses", [])))
bridge_case("license-near-miss", "CONF-LICENSE", "invites carry an OCC number; an OCC licence", [],
            lambda b: (occ_service(b), b["organizers"][0].__setitem__("licenses", []), b["organizers"][0].__setitem__("occ_license", True)))
route_case("license-route", "CONF-LICENSE", "an organizer with no conferencing licence dials out", ["CONF-LICENSE"],
           "+14255550100", {"kind": "NotRoutable"}, edit=lambda c: c["organizers"][0].__setitem__("licenses", ["MCOEV"]))
bridge_case("operator-product", "CONF-OPERATOR-PRODUCT", "OPDE takes Calling only", ["CONF-OPERATOR-PRODUCT"],
            lambda b: b["operators"][0].__setitem__("products", ["Calling"]))
bridge_case("operator-product-near-miss", "CONF-OPERATOR-PRODUCT", "OPDE takes Conferencing", [])
bridge_case("bridge-service-number", "CONF-BRIDGE-SERVICE-NUMBER", "a user number on the bridge", ["CONF-BRIDGE-SERVICE-NUMBER"],
            lambda b: b["bridge"]["numbers"].append({"number": "+14255550150", "toll_type": "Toll", "source": "Microsoft",
                                                     "capabilities": ["UserAssignment"]}))
bridge_case("bridge-service-number-near-miss", "CONF-BRIDGE-SERVICE-NUMBER", "a service number", [],
            lambda b: b["bridge"]["numbers"].append({"number": "+14255550150", "toll_type": "Toll", "source": "Microsoft",
                                                     "capabilities": ["ConferenceAssignment", "UserAssignment"]}))
bridge_case("default-toll-free", "CONF-DEFAULT-TOLLFREE", "bridge default is toll-free", ["CONF-DEFAULT-TOLLFREE"],
            lambda b: b["bridge"].__setitem__("default_service_number", "+18005551234"))
change_case("default-toll-free-near-miss", "CONF-DEFAULT-TOLLFREE", "set the default to a Microsoft toll number", [],
            {"SetDefaultServiceNumber": "+14255550000"})
bridge_case("default-occ", "CONF-DEFAULT-OCC", "bridge default is an OCC number", ["CONF-DEFAULT-OCC"],
            lambda b: b["bridge"].__setitem__("default_service_number", "+4930123456"))
bridge_case("default-occ-near-miss", "CONF-DEFAULT-OCC", "bridge default is a Microsoft toll number", [])
change_case("default-not-on-bridge", "CONF-DEFAULT-NOT-ON-BRIDGE", "set the default to a number not on the bridge",
            ["CONF-DEFAULT-NOT-ON-BRIDGE"], {"SetDefaultServiceNumber": "+14255559999"})
bridge_case("default-not-on-bridge-near-miss", "CONF-DEFAULT-NOT-ON-BRIDGE", "the default is on the bridge", [])
bridge_case("user-default-not-on-bridge", "CONF-USER-DEFAULT-NOT-ON-BRIDGE", "alice's ServiceNumber is not on the bridge",
            ["CONF-USER-DEFAULT-NOT-ON-BRIDGE"], lambda b: b["organizers"][0].__setitem__("service_number", "+14255559999"))
bridge_case("user-default-not-on-bridge-near-miss", "CONF-USER-DEFAULT-NOT-ON-BRIDGE", "alice's ServiceNumber is on it", [])
def shared_gb(b):
    b["bridge"]["numbers"].append({"number": "+442071234567", "toll_type": "Toll", "source": "Microsoft", "sharing": "Shared",
                                   "capabilities": ["ConferenceAssignment"]})
    b["bridge"]["default_service_number"] = "+442071234567"
bridge_case("shared-default-country", "CONF-SHARED-DEFAULT-COUNTRY", "shared GB default in a US organization",
            ["CONF-SHARED-DEFAULT-COUNTRY"], shared_gb)
bridge_case("shared-default-country-near-miss", "CONF-SHARED-DEFAULT-COUNTRY", "shared US default in a US organization", [],
            lambda b: b["bridge"]["numbers"][0].__setitem__("sharing", "Shared"))
def occ_only_ms(b):
    b["organizers"][0]["licenses"] = []
    b["organizers"][0]["occ_license"] = True
bridge_case("occ-only-ms-numbers", "CONF-OCC-ONLY-MS-NUMBERS", "OCC licence only; invites carry a Microsoft number",
            ["CONF-OCC-ONLY-MS-NUMBERS"], occ_only_ms)
bridge_case("occ-only-ms-numbers-near-miss", "CONF-OCC-ONLY-MS-NUMBERS", "OCC licence only; invites carry the OCC number", [],
            lambda b: (occ_only_ms(b), occ_service(b)))
bridge_case("comms-credits", "CONF-COMMS-CREDITS", "Microsoft toll-free on the bridge, no Communications Credits",
            ["CONF-COMMS-CREDITS"], lambda b: b.__setitem__("communications_credits", False))
bridge_case("comms-credits-near-miss", "CONF-COMMS-CREDITS", "no Communications Credits, no Microsoft toll-free", [],
            lambda b: (b.__setitem__("communications_credits", False), b["bridge"]["numbers"].pop(1)))
def no_credits_no_tollfree(c):
    c["communications_credits"] = False
    c["bridge"]["numbers"].pop(1)
    c["voice_routes"] = [REDMOND1]
    c["pstn_usages"] = ["US and Canada"]
    c["audio_conferencing_routing_policies"][0]["online_pstn_usages"] = ["US and Canada"]
route_case("comms-credits-route", "CONF-COMMS-CREDITS", "Microsoft routes an international dial-out without credits",
           ["CONF-COMMS-CREDITS"], "+442071234567", {"kind": "Microsoft", "caller_id": "+14255550000"}, edit=no_credits_no_tollfree)
route_case("comms-credits-route-near-miss", "CONF-COMMS-CREDITS", "Microsoft routes a domestic dial-out without credits", [],
           "+13125550100", {"kind": "Microsoft"}, edit=no_credits_no_tollfree)

# ---------------------------------------------------------------- routing configuration
lint_case("lint-clean", "CONF-ROUTING", "the [DRVR] tables without Redmond 2: nothing to report", [])
lint_case("route-backup-only", "CONF-ROUTE-BACKUP-ONLY", "Redmond 2 has Redmond 1's pattern at a lower priority",
          ["CONF-ROUTE-BACKUP-ONLY"], redmond2=True)
lint_case("route-backup-only-near-miss", "CONF-ROUTE-BACKUP-ONLY", "Other +1 is broader than Redmond 1: it wins for other numbers", [])
lint_case("shadowed-route-near-miss", "CONF-SHADOWED-ROUTE", "the catch-all usage comes last", [])
lint_case("bspn-exclusive-near-miss", "CONF-BSPN-EXCLUSIVE", "BridgeSourcePhoneNumber and no gateways", [], edit=occ_international)
lint_case("bspn-not-occ", "CONF-BSPN-NOT-OCC", "BridgeSourcePhoneNumber is the Microsoft default number", ["CONF-BSPN-NOT-OCC"],
          edit=lambda c: (occ_international(c), c["voice_routes"][0].__setitem__("bridge_source_phone_number", "+14255550000")))
lint_case("bspn-not-on-bridge", "CONF-BSPN-NOT-OCC", "BridgeSourcePhoneNumber is not on the bridge", ["CONF-BSPN-NOT-OCC"],
          edit=lambda c: (occ_international(c), c["voice_routes"][0].__setitem__("bridge_source_phone_number", "+4930999999")))
def ovrp_shares(c):
    occ_international(c)
    c["voice_routing_policies"] = [{"identity": "Global", "online_pstn_usages": ["International"]}]
lint_case("usage-shared-ovrp", "CONF-USAGE-SHARED", "usage International is also in an online voice routing policy",
          ["CONF-USAGE-SHARED"], edit=ovrp_shares)
def separate_usage(c):
    c7(c)
    c["pstn_usages"].append("DR International")
    c["voice_routes"][1]["online_pstn_usages"] = ["DR International"]  # DR France
lint_case("usage-shared-near-miss", "CONF-USAGE-SHARED", "the DR route has a usage of its own", [], edit=separate_usage)
lint_case("usage-exists", "CONF-USAGE-EXISTS", "route Other +1 names usage Intl, which does not exist", ["CONF-USAGE-EXISTS"],
          edit=lambda c: c["voice_routes"][1]["online_pstn_usages"].append("Intl"))
lint_case("usage-exists-policy", "CONF-USAGE-EXISTS", "the policy names usage Canada, which does not exist", ["CONF-USAGE-EXISTS"],
          edit=lambda c: c["audio_conferencing_routing_policies"][0]["online_pstn_usages"].insert(0, "Canada"))
lint_case("usage-exists-near-miss", "CONF-USAGE-EXISTS", "every usage exists", [])
lint_case("route-empty", "CONF-ROUTE-EMPTY", "a route with a usage but no gateways and no bridge number", ["CONF-ROUTE-EMPTY"],
          edit=lambda c: (c["pstn_usages"].append("France"), c["voice_routes"].append(route("Nowhere", r"^\+33\d+$", 7, ["France"]))))
lint_case("route-empty-near-miss", "CONF-ROUTE-EMPTY", "every route has gateways", [])
lint_case("regex-invalid-lookahead", "CONF-REGEX-INVALID", "NumberPattern with a lookahead", ["CONF-REGEX-INVALID"],
          edit=lambda c: c["voice_routes"][1].__setitem__("number_pattern", r"^\+1(?!900)\d{10}$"))
lint_case("regex-invalid-backreference", "CONF-REGEX-INVALID", "NumberPattern with a backreference", ["CONF-REGEX-INVALID"],
          edit=lambda c: c["voice_routes"][1].__setitem__("number_pattern", r"^\+1(\d)\1\d{8}$"))
lint_case("regex-invalid-dial-plan", "CONF-REGEX-INVALID", "a normalization rule with class subtraction", ["CONF-REGEX-INVALID"],
          edit=lambda c: c.__setitem__("dial_plans", [{"identity": "Global", "normalization_rules": [
              {"name": "Bad", "pattern": r"^([0-9-[5]]\d{3})$", "translation": "+1425555$1"}]}]))
lint_case("regex-invalid-near-miss", "CONF-REGEX-INVALID", "patterns in the supported subset", [])
def ppm(c):
    c["organizers"][0]["licenses"] = ["MCOMEETACPEA"]
lint_case("onnet-ppm", "CONF-ONNET-PPM", "pay-per-minute organizer with SBC routes in their policy", ["CONF-ONNET-PPM"], edit=ppm)
route_case("onnet-ppm-route", "CONF-ONNET-PPM", "pay-per-minute organizer's dial-out goes through SBCs", ["CONF-ONNET-PPM"],
           "+14255550100", {"kind": "Gateways", "route": "Redmond 1"}, edit=ppm)
lint_case("onnet-ppm-near-miss", "CONF-ONNET-PPM", "Audio Conferencing Standard organizer with SBC routes", [])
lint_case("onnet-india", "CONF-ONNET-INDIA", "an SBC of the International route is in India", ["CONF-ONNET-INDIA"],
          edit=lambda c: c.__setitem__("gateways", [{"fqdn": "sbc5", "country": "IN"}]))
lint_case("onnet-india-near-miss", "CONF-ONNET-INDIA", "the SBCs are in the US", [],
          edit=lambda c: c.__setitem__("gateways", [{"fqdn": "sbc5", "country": "US"}]))
lint_case("occ-no-route-lint", "CONF-OCC-NO-ROUTE", "OCC licence only and no BridgeSourcePhoneNumber route in the policy",
          ["CONF-OCC-NO-ROUTE"], edit=lambda c: (c["organizers"][0].__setitem__("licenses", []),
                                                c["organizers"][0].__setitem__("occ_license", True),
                                                c["organizers"][0].__setitem__("service_number", "+4930123456")))
route_case("occ-no-route-near-miss", "CONF-OCC-NO-ROUTE", "OCC licence only; the BridgeSourcePhoneNumber route matches", [],
           "+14255550100", {"kind": "Operator", "operator_id": "OPDE"}, edit=occ_only)

# ---------------------------------------------------------------- dial plans
def rules(n):
    return [{"name": f"r{i}", "pattern": rf"^{i}(\d{{4}})$", "translation": "+1425555$1"} for i in range(n)]
lint_case("dialplan-51-rules", "CONF-DIALPLAN-LIMITS", "a dial plan with 51 rules", ["CONF-DIALPLAN-LIMITS"],
          edit=lambda c: c.__setitem__("dial_plans", [{"identity": "Big", "normalization_rules": rules(51)}]))
lint_case("dialplan-50-rules-near-miss", "CONF-DIALPLAN-LIMITS", "a dial plan with 50 rules", [],
          edit=lambda c: c.__setitem__("dial_plans", [{"identity": "Big", "normalization_rules": rules(50)}]))
lint_case("dialplan-identity-dot", "CONF-DIALPLAN-LIMITS", "identity starting with '.'", ["CONF-DIALPLAN-LIMITS"],
          edit=lambda c: c.__setitem__("dial_plans", [{"identity": ".Redmond", "normalization_rules": []}]))
lint_case("dialplan-identity-50-chars", "CONF-DIALPLAN-LIMITS", "identity of 50 characters", ["CONF-DIALPLAN-LIMITS"],
          edit=lambda c: c.__setitem__("dial_plans", [{"identity": "R" * 50, "normalization_rules": []}]))
lint_case("dialplan-identity-49-chars-near-miss", "CONF-DIALPLAN-LIMITS", "identity of 49 characters with '-' and '.'", [],
          edit=lambda c: c.__setitem__("dial_plans", [{"identity": "Redmond-WA.1" + "R" * 37, "normalization_rules": []}]))

# ---------------------------------------------------------------- changes
change_case("dialout-ra-group", "CONF-DIALOUT-RA", "grant a dial-out policy to a group", ["CONF-DIALOUT-RA"],
            {"GrantDialOutPolicy": {"policy": "tag:DialoutCPCDomesticPSTNInternational", "group": "sales@contoso.com"}})
change_case("dialout-ra-resource-account", "CONF-DIALOUT-RA", "grant a dial-out policy to a resource account", ["CONF-DIALOUT-RA"],
            {"GrantDialOutPolicy": {"policy": "tag:DialoutCPCDomesticPSTNInternational", "identity": "aa@contoso.com"}},
            edit=lambda c: c["organizers"].append({"identity": "aa@contoso.com", "kind": "ResourceAccount", "licenses": [],
                                                  "usage_location": "US"}))
change_case("dialout-ra-near-miss", "CONF-DIALOUT-RA", "grant a dial-out policy to a user", [],
            {"GrantDialOutPolicy": {"policy": "tag:DialoutCPCDomesticPSTNInternational", "identity": "alice@contoso.com"}})
change_case("remove-operator", "CONF-REMOVE-OPERATOR", "remove OPDE while +4930123456 is on the bridge", ["CONF-REMOVE-OPERATOR"],
            {"RemoveOperator": "OPDE"})
change_case("remove-operator-near-miss", "CONF-REMOVE-OPERATOR", "remove an operator with no numbers on the bridge", [],
            {"RemoveOperator": "OPFR"})
lint_case("bspn-not-occ-near-miss", "CONF-BSPN-NOT-OCC", "BridgeSourcePhoneNumber is the OCC number on the bridge", [],
          edit=occ_international)
route_case("dialout-restricted-near-miss", "CONF-DIALOUT-RESTRICTED", "domestic policy, US organizer, US destination", [],
           "+12065550100", {"kind": "Gateways", "route": "Redmond 1", "destination_country": "US"},
           edit=dial_out("tag:DialoutCPCDomesticPSTNInternational"))
route_case("dialout-restricted-disabled", "CONF-DIALOUT-RESTRICTED", "tag:DialoutCPCDisabledPSTNInternational blocks even domestic",
           ["CONF-DIALOUT-RESTRICTED"], "+12065550100", {"kind": "Blocked", "country": "US"},
           edit=dial_out("tag:DialoutCPCDisabledPSTNInternational"))
route_case("dialout-restricted-nanp-canada", "CONF-DIALOUT-RESTRICTED", "+1 416 is Canada, not the US: domestic policy blocks it",
           ["CONF-DIALOUT-RESTRICTED"], "+14165550199", {"kind": "Blocked", "country": "CA"},
           edit=dial_out("tag:DialoutCPCandPSTNDomestic"))

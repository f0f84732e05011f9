"""Emergency-location cases (§2 of the domain reference): every EMG-* code
triggered once and missed once, and the worked examples M1-M11. Expectations
come from the reference, never from running the code."""
import copy

CASES = []
# Error-severity EMG codes (the rest are WARN or INFO in §2.7).
WARN_INFO = {"EMG-NETID-STALE", "EMG-SITE-SUBNET-NOT-IN-LIS", "EMG-ECP-DIALOUT-MODE", "EMG-NUMBERS",
             "EMG-WEB-CLIENT", "EMG-RAYBAUM-DISPATCHABLE", "EMG-ECRP-NON-DR", "EMG-DYNAMIC-COUNTRY"}

def _add(name, source, description, kind, input, codes, allowed=None, resolution=None):
    codes = sorted(set(codes))
    if allowed is None:
        allowed = not any(c not in WARN_INFO for c in codes)
    expect = {"allowed": allowed, "codes": codes}
    if resolution is not None:
        expect["resolution"] = resolution
    CASES.append((name, {"name": name, "source": source, "description": description, "kind": kind,
                         "input": input, "expect": expect}))

def addr(id="A1", country="US", status="Validated", **kv):
    a = {"id": id, "company_name": "Contoso", "country_or_region": country, "state_or_province": "WA",
         "city": "Redmond", "postal_code": "98052", "house_number": "1", "street_name": "Microsoft Way",
         "latitude": 47.64, "longitude": -122.13, "validation_status": status}
    a.update(kv)
    return {k: v for k, v in a.items() if v is not None}

def config():
    return {
        "tenant": {
            "tenant_id": "contoso-tenant",
            "accounts": [{"identity": "alice@contoso.com", "kind": "User", "usage_location": "US",
                          "licenses": ["MCOEV"], "teams_mode": "TeamsOnly", "enterprise_voice_enabled": True}],
            "numbers": [{"telephone_number": "+14255550101", "number_type": "OperatorConnect",
                         "activation_state": "Activated", "capabilities": ["UserAssignment"],
                         "assignment_status": "UserAssigned", "assigned_target": "alice@contoso.com",
                         "iso_country_code": "US", "location_update_supported": True, "operator_id": "OP1",
                         "location_id": "L1"}],
            "operators": [], "voice_routes": [], "voice_routing_policies": [],
            "civic_addresses": [addr()],
            "locations": [{"location_id": "L1", "civic_address_id": "A1", "place": "Building 1, Floor 2"},
                          {"location_id": "LocA", "civic_address_id": "A1", "place": "Floor 3 (Wi-Fi)"},
                          {"location_id": "LocB", "civic_address_id": "A1", "place": "Floor 4 (port)"},
                          {"location_id": "LocC", "civic_address_id": "A1", "place": "Floor 5 (subnet)"},
                          {"location_id": "LocD", "civic_address_id": "A1", "place": "Floor 6 (switch)"}]},
        "lis": {"waps": [{"bssid": "F0-6E-0B-C2-04-*", "location_id": "LocA"}],
                "ports": [{"chassis_id": "B8-BE-BF-4A-A3-00", "port_id": "12", "location_id": "LocB"}],
                "switches": [{"chassis_id": "B8-BE-BF-4A-A3-00", "location_id": "LocD"}],
                "subnets": [{"subnet": "10.10.10.128", "location_id": "LocC"}]},
        "trusted_ips": [{"ip_address": "203.0.113.0", "mask_bits": 24}],
        "emergency_calling_policies": [{"identity": "Global", "notification_mode": "NotificationOnly",
                                        "notification_group": "security@contoso.com"}],
    }

def dr_config():
    """alice is a Direct Routing user with an ECRP routed through an SBC."""
    c = config()
    n = c["tenant"]["numbers"][0]
    n["number_type"] = "DirectRouting"; n.pop("operator_id")
    c["emergency_call_routing_policies"] = [{"identity": "Global", "emergency_numbers": [
        {"dial_string": "911", "dial_mask": "9911", "online_pstn_usage": "Emergency"}]}]
    c["pstn_usages"] = ["Emergency"]
    c["tenant"]["voice_routes"] = [{"identity": "Emergency911", "number_pattern": "^9?911$",
                                    "online_pstn_usages": ["Emergency"], "online_pstn_gateways": ["sbc1.contoso.com"]}]
    c["gateways"] = [{"fqdn": "sbc1.contoso.com", "pidflo_supported": True}]
    return c

def address_case(name, source, desc, codes, connectivity=None, location=None, previous=None, **kv):
    inp = {"address": addr(**kv)}
    if connectivity: inp["connectivity"] = connectivity
    if location: inp["location"] = location
    if previous: inp["previous"] = previous
    _add(name, source, desc, "address", inp, codes)

def audit_case(name, source, desc, codes, edit):
    c = config(); edit(c)
    _add(name, source, desc, "emergency-audit", c, codes)

def dr_audit_case(name, source, desc, codes, edit):
    c = dr_config(); edit(c)
    _add(name, source, desc, "emergency-audit", c, codes)

def request_case(name, source, desc, codes, request, edit=None, cfg=None):
    c = cfg or config()
    if edit: edit(c)
    _add(name, source, desc, "emergency", {"config": c, "request": request}, codes)

def resolve_case(name, source, desc, codes, context, resolution, edit=None):
    c = config()
    if edit: edit(c)
    _add(name, source, desc, "emergency-resolve", {"config": c, "context": context}, codes, resolution=resolution)

# ---------------------------------------------------------------- worked examples M1-M11
m1 = dict(country="DE", state_or_province=None, latitude=None, longitude=None)
address_case("m01-de-no-latlong", "M1", "DE address, no lat/long", ["EMG-LATLONG-REQUIRED"], **m1)
address_case("m01b-jp-no-latlong", "M1", "same address in JP: lat/long optional", [], **dict(m1, country="JP"))
address_case("m02-it-calling-plan", "M2", "Calling Plan IT address, no state, tax id or street type",
             ["EMG-CP-STATE", "EMG-CP-TAXID", "EMG-CP-STREETTYPE"], connectivity="CallingPlan",
             country="IT", state_or_province=None, city="Roma", postal_code="00184")
def m3(c): c["lis"]["subnets"][0]["subnet"] = "10.10.10.150"
resolve_case("m03-subnet-host-address", "M3", "client 10.10.10.150/25, LIS subnet 10.10.10.150", ["EMG-SUBNET-NETID"],
             {"external_ip": "203.0.113.9", "internal_ip": "10.10.10.150", "prefix_length": 25, "user": "alice@contoso.com"},
             {"source": "StaticAddress", "location_id": "L1"}, edit=m3)
resolve_case("m03b-subnet-network-id", "M3", "client 10.10.10.150/25, LIS subnet 10.10.10.128", [],
             {"external_ip": "203.0.113.9", "internal_ip": "10.10.10.150", "prefix_length": 25, "user": "alice@contoso.com"},
             {"source": "Dynamic", "location_id": "LocC", "matched_element": "Subnet", "routing": "DirectToPsap"})
def wap_req(bssid, loc="LocA"):
    return {"SetLisEntry": {"entry": {"Wap": {"bssid": bssid, "location_id": loc}}}}
def no_waps(c): c["lis"]["waps"] = []
request_case("m04a-bssid-wildcard-valid", "M4", "BSSID F0-6E-0B-C2-04-*", [], wap_req("F0-6E-0B-C2-04-*"), edit=no_waps)
request_case("m04b-bssid-wildcard-middle", "M4", "BSSID F0-6E-0B-*-04-11", ["EMG-BSSID-FORMAT"], wap_req("F0-6E-0B-*-04-11"))
request_case("m04c-bssid-colons", "M4", "BSSID F0:6E:0B:C2:03:23", ["EMG-BSSID-FORMAT"], wap_req("F0:6E:0B:C2:03:23"))
request_case("m04d-bssid-inside-wildcard", "M4", "F0-6E-0B-C2-04-1A with the wildcard's location", ["EMG-BSSID-WILDCARD-DUP"],
             wap_req("F0-6E-0B-C2-04-1A"))
full_ctx = {"external_ip": "203.0.113.9", "internal_ip": "10.10.10.150", "prefix_length": 25,
            "bssid": "F0-6E-0B-C2-04-1A", "chassis_id": "B8-BE-BF-4A-A3-00", "port_id": "12",
            "user": "alice@contoso.com", "client_type": "Windows"}
resolve_case("m05-wap-wins", "M5", "WAP→LocA, port→LocB, subnet→LocC", [], full_ctx,
             {"source": "Dynamic", "location_id": "LocA", "matched_element": "Wap", "routing": "DirectToPsap"})
resolve_case("m06-untrusted-external-ip", "M6", "external IP not trusted; subnet matches; no BSSID/LLDP", ["EMG-NO-TRUSTED-IP"],
             {"external_ip": "198.51.100.7", "internal_ip": "10.10.10.150", "prefix_length": 25, "user": "alice@contoso.com"},
             {"source": "StaticAddress", "location_id": "L1", "routing": "Screened"})
def ecrp(numbers, usage=None):
    def edit(c):
        c["emergency_call_routing_policies"] = [{"identity": "Global", "emergency_numbers": numbers}]
    return edit
audit_case("m07-ecrp-112-twice", "M7", "ECRP [{911, mask 112;933}, {112, mask ''}]", ["EMG-ECRP-UNIQUE"],
           ecrp([{"dial_string": "911", "dial_mask": "112;933"}, {"dial_string": "112", "dial_mask": ""}]))
audit_case("m08-mask-11-digits", "M8", "mask 00112233445", ["EMG-ECRP-MASK-FORMAT"],
           ecrp([{"dial_string": "911", "dial_mask": "00112233445"}]))
audit_case("m08b-mask-plus", "M8", "mask +112", ["EMG-ECRP-MASK-FORMAT"], ecrp([{"dial_string": "911", "dial_mask": "+112"}]))
def group(n):
    def edit(c): c["emergency_calling_policies"][0]["notification_group"] = ";".join(f"sec{i}@contoso.com" for i in range(n))
    return edit
audit_case("m09-notification-group-11", "M9", "NotificationGroup with 11 addresses", ["EMG-ECP-NOTIF-GROUP"], group(11))
resolve_case("m11-oc-us-dynamic-direct", "M11", "OC user, US number, dynamic US address", [],
             {"external_ip": "203.0.113.9", "bssid": "F0-6E-0B-C2-04-77", "user": "alice@contoso.com"},
             {"source": "Dynamic", "location_id": "LocA", "routing": "DirectToPsap"})
def canada(c):
    c["tenant"]["civic_addresses"].append(addr("A2", "CA", state_or_province="ON", city="Toronto", postal_code="M5V 3L9",
                                               latitude=43.64, longitude=-79.38))
    c["tenant"]["locations"].append({"location_id": "LocCA", "civic_address_id": "A2", "place": "Floor 1"})
    c["lis"]["waps"].append({"bssid": "0A-0B-0C-0D-0E-*", "location_id": "LocCA"})
resolve_case("m11b-oc-canada-screened", "M11", "same user in Canada, dynamic CA address", [],
             {"external_ip": "203.0.113.9", "bssid": "0A-0B-0C-0D-0E-01", "user": "alice@contoso.com"},
             {"source": "Dynamic", "location_id": "LocCA", "routing": "Screened"}, edit=canada)

# ---------------------------------------------------------------- address rules
address_case("ca-mandatory", "EMG-CA-MANDATORY", "no company name", ["EMG-CA-MANDATORY"], company_name="")
address_case("ca-mandatory-near-miss", "EMG-CA-MANDATORY", "company and country present", [])
address_case("ca-country-iso", "EMG-CA-COUNTRY-ISO", "country USA", ["EMG-CA-COUNTRY-ISO"], country="USA")
address_case("ca-country-iso-near-miss", "EMG-CA-COUNTRY-ISO", "country GB", [], country="GB", state_or_province=None)
address_case("latlong-required-near-miss", "EMG-LATLONG-REQUIRED", "AU without coordinates", [], country="AU",
             latitude=None, longitude=None)
address_case("latlong-range", "EMG-LATLONG-RANGE", "latitude 147.64 (swapped digits)", ["EMG-LATLONG-RANGE"], latitude=147.64)
address_case("latlong-range-near-miss", "EMG-LATLONG-RANGE", "latitude -90 exactly", [], latitude=-90.0, longitude=180.0)
address_case("cp-fields", "EMG-CP-FIELDS", "Calling Plan address without postal code and house number",
             ["EMG-CP-FIELDS"], connectivity="CallingPlan", postal_code=None, house_number=None)
address_case("cp-fields-near-miss", "EMG-CP-FIELDS", "Operator Connect address without postal code", [],
             connectivity="OperatorConnect", postal_code=None)
address_case("cp-state", "EMG-CP-STATE", "Calling Plan US address without state", ["EMG-CP-STATE"],
             connectivity="CallingPlan", state_or_province=None)
address_case("cp-state-near-miss", "EMG-CP-STATE", "Calling Plan GB address without state", [],
             connectivity="CallingPlan", country="GB", state_or_province=None, city="London", postal_code="SW1A 1AA")
address_case("cp-taxid", "EMG-CP-TAXID", "Calling Plan ES address without tax id", ["EMG-CP-TAXID"],
             connectivity="CallingPlan", country="ES", state_or_province=None, city="Madrid", postal_code="28001")
address_case("cp-taxid-near-miss", "EMG-CP-TAXID", "Calling Plan ES address with tax id", [],
             connectivity="CallingPlan", country="ES", state_or_province=None, city="Madrid", postal_code="28001",
             company_tax_id="B12345678")
address_case("cp-streettype", "EMG-CP-STREETTYPE", "Calling Plan IT address without street type",
             ["EMG-CP-STREETTYPE"], connectivity="CallingPlan", country="IT", state_or_province="RM",
             company_tax_id="IT01234567890", city="Roma", postal_code="00184")
address_case("cp-streettype-near-miss", "EMG-CP-STREETTYPE", "Calling Plan IT address with street type", [],
             connectivity="CallingPlan", country="IT", state_or_province="RM", company_tax_id="IT01234567890",
             city="Roma", postal_code="00184", street_suffix="Via")
address_case("cp-jp", "EMG-CP-JP", "Calling Plan address in Japan", ["EMG-CP-JP"], connectivity="CallingPlan",
             country="JP", state_or_province=None, city="Tokyo", postal_code="100-0001")
address_case("cp-jp-near-miss", "EMG-CP-JP", "Operator Connect address in Japan", [], connectivity="OperatorConnect",
             country="JP", state_or_province=None, city="Tokyo", postal_code="100-0001")
address_case("raybaum-dispatchable", "EMG-RAYBAUM-DISPATCHABLE", "US multi-floor building, location without a place",
             ["EMG-RAYBAUM-DISPATCHABLE"], location={"location_id": "L9", "civic_address_id": "A1"}, multi_floor=True)
address_case("raybaum-dispatchable-near-miss", "EMG-RAYBAUM-DISPATCHABLE", "same building, location names the floor", [],
             location={"location_id": "L9", "civic_address_id": "A1", "place": "Floor 3, Suite 300"}, multi_floor=True)
address_case("edit-validated", "EMG-EDIT-VALIDATED", "validated GB address, street name changed", ["EMG-EDIT-VALIDATED"],
             country="GB", state_or_province=None, street_name="Old Street",
             previous=addr(country="GB", state_or_province=None))
address_case("edit-validated-suffix", "EMG-EDIT-VALIDATED", "validated US address, street suffix (internal-only) changed",
             ["EMG-EDIT-VALIDATED"], street_suffix="Ave", previous=addr())
address_case("edit-validated-near-miss", "EMG-EDIT-VALIDATED", "validated US address, city changed (editable)", [],
             city="Bellevue", previous=addr())

# ---------------------------------------------------------------- requests against a configuration
request_case("delete-in-use", "EMG-DELETE-IN-USE", "remove address A1 while +14255550101 uses L1", ["EMG-DELETE-IN-USE"],
             {"RemoveCivicAddress": "A1"})
request_case("delete-in-use-near-miss", "EMG-DELETE-IN-USE", "remove unused location LocB", [], {"RemoveLocation": "LocB"})
def unvalidated(c): c["tenant"]["civic_addresses"].append(addr("A3", status="NotValidated")); \
    c["tenant"]["locations"].append({"location_id": "L3", "civic_address_id": "A3", "place": "Lobby"})
request_case("assign-unvalidated", "EMG-ASSIGN-UNVALIDATED", "assign a location of a not-validated address to alice",
             ["EMG-ASSIGN-UNVALIDATED"], {"AssignLocation": {"location_id": "L3", "target": {"User": "alice@contoso.com"}}},
             edit=unvalidated)
request_case("assign-unvalidated-near-miss", "EMG-ASSIGN-UNVALIDATED", "assign a validated location to alice", [],
             {"AssignLocation": {"location_id": "LocA", "target": {"User": "alice@contoso.com"}}})
def no_geo(c): c["tenant"]["civic_addresses"].append(addr("A4", latitude=None, longitude=None)); \
    c["tenant"]["locations"].append({"location_id": "L4", "civic_address_id": "A4", "place": "Annex"})
request_case("netid-no-geocode", "EMG-NETID-NO-GEOCODE", "subnet mapped to an address without coordinates",
             ["EMG-NETID-NO-GEOCODE", "EMG-LATLONG-REQUIRED"][:1],
             {"SetLisEntry": {"entry": {"Subnet": {"subnet": "10.20.0.0", "location_id": "L4"}}}}, edit=no_geo)
request_case("netid-no-geocode-near-miss", "EMG-NETID-NO-GEOCODE", "subnet mapped to a geocoded address", [],
             {"SetLisEntry": {"entry": {"Subnet": {"subnet": "10.20.0.0", "location_id": "LocC"}}}})
def old(c): c["tenant"]["civic_addresses"][0]["created_at"] = "2022-01-10T00:00:00Z"
request_case("netid-stale", "EMG-NETID-STALE", "address created 2022-01-10, mapped to a switch in 2026", ["EMG-NETID-STALE"],
             {"SetLisEntry": {"entry": {"Switch": {"chassis_id": "11-22-33-44-55-66", "location_id": "LocD"}},
                              "now": "2026-11-22T09:00:00Z"}}, edit=old)
request_case("netid-stale-near-miss", "EMG-NETID-STALE", "address created 2025-06-01", [],
             {"SetLisEntry": {"entry": {"Switch": {"chassis_id": "11-22-33-44-55-66", "location_id": "LocD"}},
                              "now": "2026-11-22T09:00:00Z"}},
             edit=lambda c: c["tenant"]["civic_addresses"][0].update(created_at="2025-06-01T00:00:00Z"))
def gb_loc(c):
    c["tenant"]["civic_addresses"].append(addr("A5", "GB", state_or_province=None, city="London", postal_code="SW1A 1AA",
                                               latitude=51.5, longitude=-0.12))
    c["tenant"]["locations"].append({"location_id": "L5", "civic_address_id": "A5", "place": "Floor 1"})
request_case("same-country", "EMG-SAME-COUNTRY", "GB location for a US number", ["EMG-SAME-COUNTRY"],
             {"AssignLocation": {"location_id": "L5", "target": {"PhoneNumber": "+14255550101"}}}, edit=gb_loc)
request_case("same-country-near-miss", "EMG-SAME-COUNTRY", "US location for a US number", [],
             {"AssignLocation": {"location_id": "LocB", "target": {"PhoneNumber": "+14255550101"}}})
def cp_number(country="US", n="+14255550199", loc=None):
    def edit(c):
        rec = {"telephone_number": n, "number_type": "CallingPlan", "activation_state": "Activated",
               "capabilities": ["UserAssignment"], "assignment_status": "Unassigned", "iso_country_code": country,
               "location_update_supported": True}
        if loc: rec["location_id"] = loc
        c["tenant"]["numbers"].append(rec)
    return edit
request_case("cp-location-timing", "EMG-CP-LOCATION-TIMING", "US Calling Plan number assigned without a location",
             ["EMG-CP-LOCATION-TIMING"], {"NumberLifecycle": {"telephone_number": "+14255550199", "event": "Assigned"}},
             edit=cp_number())
request_case("cp-location-timing-gb", "EMG-CP-LOCATION-TIMING", "GB Calling Plan number acquired without a location",
             ["EMG-CP-LOCATION-TIMING"], {"NumberLifecycle": {"telephone_number": "+442071234567", "event": "Acquired"}},
             edit=cp_number("GB", "+442071234567"))
request_case("cp-location-timing-near-miss", "EMG-CP-LOCATION-TIMING", "US Calling Plan number acquired without a location (assigned later)",
             [], {"NumberLifecycle": {"telephone_number": "+14255550199", "event": "Acquired"}}, edit=cp_number())
def de_cp(c):
    c["tenant"]["civic_addresses"].append(addr("A6", "DE", state_or_province=None, city="München", postal_code="80331",
                                               street_name="Marienplatz", latitude=48.137, longitude=11.575))
    c["tenant"]["civic_addresses"].append(addr("A7", "DE", state_or_province=None, city="Berlin", postal_code="10117",
                                               street_name="Unter den Linden", latitude=52.517, longitude=13.388))
    c["tenant"]["locations"].append({"location_id": "L6", "civic_address_id": "A6", "place": "EG"})
    c["tenant"]["locations"].append({"location_id": "L7", "civic_address_id": "A7", "place": "EG"})
    cp_number("DE", "+493012345678")(c)
request_case("area-code", "EMG-AREA-CODE", "Berlin (030) Calling Plan number, Munich address", ["EMG-AREA-CODE"],
             {"AssignLocation": {"location_id": "L6", "target": {"PhoneNumber": "+493012345678"}}}, edit=de_cp)
request_case("area-code-near-miss", "EMG-AREA-CODE", "Berlin (030) Calling Plan number, Berlin address", [],
             {"AssignLocation": {"location_id": "L7", "target": {"PhoneNumber": "+493012345678"}}}, edit=de_cp)
def elin(c): c["tenant"]["locations"][1]["elin"] = "4255550100"
request_case("elin-clear", "EMG-ELIN-CLEAR", "rewrite LocA without its ELIN", ["EMG-ELIN-CLEAR"],
             {"WriteLocation": {"location_id": "LocA", "civic_address_id": "A1", "place": "Floor 3"}}, edit=elin)
request_case("elin-clear-near-miss", "EMG-ELIN-CLEAR", "change LocA's ELIN", [],
             {"WriteLocation": {"location_id": "LocA", "civic_address_id": "A1", "place": "Floor 3", "elin": "4255550111"}},
             edit=elin)
request_case("subnet-netid", "EMG-SUBNET-NETID", "LIS subnet 10.10.10.150 with prefix length 25", ["EMG-SUBNET-NETID"],
             {"SetLisEntry": {"entry": {"Subnet": {"subnet": "10.10.10.150", "prefix_length": 25, "location_id": "LocC"}}}})
request_case("subnet-netid-near-miss", "EMG-SUBNET-NETID", "LIS subnet 10.10.10.128/25", [],
             {"SetLisEntry": {"entry": {"Subnet": {"subnet": "10.10.10.128", "prefix_length": 25, "location_id": "LocC"}}}})
request_case("bssid-format-near-miss", "EMG-BSSID-FORMAT", "BSSID F0-6E-0B-C2-05-1A", [], wap_req("F0-6E-0B-C2-05-1A"))
request_case("bssid-wildcard-dup-near-miss", "EMG-BSSID-WILDCARD-DUP", "F0-6E-0B-C2-04-1A inside the wildcard, another location",
             [], wap_req("F0-6E-0B-C2-04-1A", "LocB"))
def switch_req(chassis, port=None):
    if port is None:
        return {"SetLisEntry": {"entry": {"Switch": {"chassis_id": chassis, "location_id": "LocD"}}}}
    return {"SetLisEntry": {"entry": {"Port": {"chassis_id": chassis, "port_id": port, "location_id": "LocB"}}}}
request_case("chassis-format", "EMG-CHASSIS-FORMAT", "chassis b8:be:bf:4a:a3:01 with colons", ["EMG-CHASSIS-FORMAT"],
             switch_req("b8:be:bf:4a:a3:01"))
request_case("chassis-format-port", "EMG-CHASSIS-FORMAT", "port ID b8be.bf4a.a302 (dotted MAC)", ["EMG-CHASSIS-FORMAT"],
             switch_req("B8-BE-BF-4A-A3-00", "b8be.bf4a.a302"))
request_case("chassis-format-near-miss", "EMG-CHASSIS-FORMAT", "chassis B8-BE-BF-4A-A3-01, port Gi1/0/24 (not a MAC)", [],
             switch_req("B8-BE-BF-4A-A3-01", "Gi1/0/24"))
request_case("trustip-mask", "EMG-TRUSTIP-MASK", "IPv4 trusted IP with MaskBits 33", ["EMG-TRUSTIP-MASK"],
             {"SetTrustedIp": {"ip_address": "198.51.100.0", "mask_bits": 33}})
request_case("trustip-duplicate", "EMG-TRUSTIP-MASK", "203.0.113.0/24 again", ["EMG-TRUSTIP-MASK"],
             {"SetTrustedIp": {"ip_address": "203.0.113.0", "mask_bits": 24}})
request_case("trustip-mask-near-miss", "EMG-TRUSTIP-MASK", "IPv6 trusted IP with MaskBits 64", [],
             {"SetTrustedIp": {"ip_address": "2001:db8::", "mask_bits": 64}})

# ---------------------------------------------------------------- sites, policies, law (audit)
audit_case("baseline-audit", "EMG-KARI-NOTIFY", "the baseline configuration is clean", [], lambda c: None)
def sites(extra):
    def edit(c):
        c["network_sites"] = [{"identity": "HQ"}, {"identity": "Annex"}]
        c["network_subnets"] = [{"subnet": "10.10.10.128", "mask_bits": 25, "network_site_id": "HQ"}] + extra
    return edit
audit_case("subnet-one-site", "EMG-SUBNET-ONE-SITE", "10.10.10.128/25 in HQ and Annex", ["EMG-SUBNET-ONE-SITE"],
           sites([{"subnet": "10.10.10.128", "mask_bits": 25, "network_site_id": "Annex"}]))
audit_case("subnet-one-site-near-miss", "EMG-SUBNET-ONE-SITE", "10.10.10.128/25 in HQ only", [], sites([]))
audit_case("site-subnet-not-in-lis", "EMG-SITE-SUBNET-NOT-IN-LIS", "site subnet 10.30.0.0/16 missing from the LIS",
           ["EMG-SITE-SUBNET-NOT-IN-LIS"], sites([{"subnet": "10.30.0.0", "mask_bits": 16, "network_site_id": "Annex"}]))
def ecp(**kv):
    def edit(c): c["emergency_calling_policies"][0].update(kv)
    return edit
audit_case("site-subnet-not-in-lis-near-miss", "EMG-SITE-SUBNET-NOT-IN-LIS", "site subnet defined in the LIS", [], sites([]))
audit_case("ecp-notif-group-users", "EMG-ECP-NOTIF-GROUP", "group resolves to 60 users", ["EMG-ECP-NOTIF-GROUP"],
           ecp(notification_group_users=60))
audit_case("ecp-notif-group-near-miss", "EMG-ECP-NOTIF-GROUP", "10 entries, 50 users", [],
           lambda c: (group(10)(c), ecp(notification_group_users=50)(c)))
audit_case("ecp-mode", "EMG-ECP-MODE", "NotificationMode ConferenceOnly", ["EMG-ECP-MODE"], ecp(notification_mode="ConferenceOnly"))
audit_case("ecp-mode-near-miss", "EMG-ECP-MODE", "NotificationMode ConferenceUnMuted", [], ecp(notification_mode="ConferenceUnMuted"))
audit_case("ecp-dialout-mode", "EMG-ECP-DIALOUT-MODE", "dial-out number with NotificationOnly", ["EMG-ECP-DIALOUT-MODE"],
           ecp(notification_dial_out_number="+14255550199"))
audit_case("ecp-dialout-mode-near-miss", "EMG-ECP-DIALOUT-MODE", "dial-out number with ConferenceMuted", [],
           ecp(notification_dial_out_number="+14255550199", notification_mode="ConferenceMuted"))
ext = lambda ds: {"emergency_dial_string": ds, "notification_group": "desk@contoso.com"}
audit_case("ecp-ext-unique", "EMG-ECP-EXT-UNIQUE", "two extended notifications for 911", ["EMG-ECP-EXT-UNIQUE"],
           ecp(extended_notifications=[ext("911"), ext("911")]))
audit_case("ecp-ext-unique-near-miss", "EMG-ECP-EXT-UNIQUE", "extended notifications for 911 and 933", [],
           ecp(extended_notifications=[ext("911"), ext("933")]))
audit_case("ecp-desc-len", "EMG-ECP-DESC-LEN", "description of 513 characters", ["EMG-ECP-DESC-LEN"], ecp(description="d" * 513))
audit_case("ecp-desc-len-near-miss", "EMG-ECP-DESC-LEN", "description of 512 characters", [], ecp(description="d" * 512))
audit_case("ecp-disclaimer-len", "EMG-ECP-DISCLAIMER-LEN", "disclaimer of 351 characters", ["EMG-ECP-DISCLAIMER-LEN"],
           ecp(enhanced_emergency_service_disclaimer="x" * 351))
audit_case("ecp-disclaimer-len-between", "EMG-ECP-DISCLAIMER-LEN", "disclaimer of 300 characters: over the admin guide's 250 (warning)",
           ["EMG-ECP-DISCLAIMER-LEN"], ecp(enhanced_emergency_service_disclaimer="x" * 300))
CASES[-1][1]["expect"]["allowed"] = True
audit_case("ecp-disclaimer-len-near-miss", "EMG-ECP-DISCLAIMER-LEN", "disclaimer of 250 characters", [],
           ecp(enhanced_emergency_service_disclaimer="x" * 250))
dr_audit_case("dr-baseline", "EMG-ECRP-UNIQUE", "DR user, ECRP 911 (mask 9911) routed via a PIDF-LO SBC: clean", [], lambda c: None)
dr_audit_case("ecrp-mask-format-near-miss", "EMG-ECRP-MASK-FORMAT", "mask 9911;1911", [],
              lambda c: c["emergency_call_routing_policies"][0]["emergency_numbers"][0].update(dial_mask="9911;1911"))
dr_audit_case("ecrp-usage", "EMG-ECRP-USAGE", "usage Emergency-US does not exist", ["EMG-ECRP-USAGE"],
              lambda c: c["emergency_call_routing_policies"][0]["emergency_numbers"][0].update(online_pstn_usage="Emergency-US"))
dr_audit_case("ecrp-usage-near-miss", "EMG-ECRP-USAGE", "usage Emergency exists", [], lambda c: None)
dr_audit_case("ecrp-route", "EMG-ECRP-ROUTE", "the usage's only route matches 933", ["EMG-ECRP-ROUTE"],
              lambda c: c["tenant"]["voice_routes"][0].update(number_pattern="^933$"))
dr_audit_case("ecrp-route-near-miss", "EMG-ECRP-ROUTE", "route ^9?911$ matches 911", [], lambda c: None)
dr_audit_case("ecrp-plus", "EMG-ECRP-PLUS", "route pattern ^\\+911$", ["EMG-ECRP-PLUS", "EMG-ECRP-ROUTE"],
              lambda c: c["tenant"]["voice_routes"][0].update(number_pattern="^\\+911$"))
dr_audit_case("ecrp-plus-near-miss", "EMG-ECRP-PLUS", "route pattern ^\\+?911$ accepts both", [],
              lambda c: c["tenant"]["voice_routes"][0].update(number_pattern="^\\+?911$"))
def ecrp_on_oc(c):
    c["emergency_call_routing_policies"] = [{"identity": "Tag:US", "emergency_numbers": [{"dial_string": "911"}]}]
    c["tenant"]["accounts"][0]["emergency_call_routing_policy"] = "US"
audit_case("ecrp-non-dr", "EMG-ECRP-NON-DR", "ECRP granted to an Operator Connect user", ["EMG-ECRP-NON-DR"], ecrp_on_oc)
dr_audit_case("ecrp-non-dr-near-miss", "EMG-ECRP-NON-DR", "ECRP granted to a Direct Routing user", [],
              lambda c: c["tenant"]["accounts"][0].update(emergency_call_routing_policy="Global"))
def shared(usage):
    def edit(c):
        c["tenant"]["accounts"][0]["shared_calling"] = True
        c["emergency_call_routing_policies"] = [{"identity": "Global", "emergency_numbers": [
            dict({"dial_string": "911"}, **({"online_pstn_usage": usage} if usage else {}))]}]
        c["pstn_usages"] = ["Emergency"]
    return edit
audit_case("ecrp-shared-usage", "EMG-ECRP-SHARED-USAGE", "Shared Calling user's ECRP has a PSTN usage",
           ["EMG-ECRP-SHARED-USAGE", "EMG-ECRP-ROUTE"], shared("Emergency"))
audit_case("ecrp-shared-usage-near-miss", "EMG-ECRP-SHARED-USAGE", "Shared Calling user's ECRP without usages", [], shared(None))
def site_shared(with_site_ecrp):
    def edit(c):
        c["tenant"]["accounts"].append({"identity": "sam@contoso.com", "kind": "User", "usage_location": "US", "licenses": ["MCOEV"],
                                        "teams_mode": "TeamsOnly", "shared_calling": True, "emergency_call_routing_policy": "Shared"})
        c["emergency_call_routing_policies"].append({"identity": "Tag:Shared", "emergency_numbers": [{"dial_string": "911"}]})
        c["network_sites"] = [dict({"identity": "HQ"}, **({"emergency_call_routing_policy": "Global"} if with_site_ecrp else {}))]
    return edit
dr_audit_case("ecrp-site-shared", "EMG-ECRP-SITE-SHARED", "Shared Calling + DR, site HQ has an ECRP", ["EMG-ECRP-SITE-SHARED"],
              site_shared(True))
dr_audit_case("ecrp-site-shared-near-miss", "EMG-ECRP-SITE-SHARED", "Shared Calling + DR, no site ECRP", [], site_shared(False))
dr_audit_case("dr-pidflo", "EMG-DR-PIDFLO", "the emergency route's SBC has PidfloSupported false", ["EMG-DR-PIDFLO"],
              lambda c: c["gateways"][0].update(pidflo_supported=False))
dr_audit_case("dr-pidflo-near-miss", "EMG-DR-PIDFLO", "PidfloSupported true", [], lambda c: None)
dr_audit_case("numbers", "EMG-NUMBERS", "US DR user's ECRP also routes 112", ["EMG-NUMBERS"],
              lambda c: c["emergency_call_routing_policies"][0]["emergency_numbers"].append(
                  {"dial_string": "112", "online_pstn_usage": "Emergency"}) or c["tenant"]["voice_routes"][0].update(number_pattern="^(9?911|112)$"))
dr_audit_case("numbers-near-miss", "EMG-NUMBERS", "US DR user's ECRP also routes 933 (test number)", [],
              lambda c: c["emergency_call_routing_policies"][0]["emergency_numbers"].append(
                  {"dial_string": "933", "online_pstn_usage": "Emergency"}) or c["tenant"]["voice_routes"][0].update(number_pattern="^(9?911|933)$"))
dr_audit_case("kari-prefix", "EMG-KARI-PREFIX", "US DR user: only 9911 (a US dial-mask variant) is routed", ["EMG-KARI-PREFIX"],
              lambda c: c["emergency_call_routing_policies"][0]["emergency_numbers"][0].update(dial_string="9911", dial_mask=None))
dr_audit_case("kari-prefix-near-miss", "EMG-KARI-PREFIX", "US DR user: 911 with mask 9911", [], lambda c: None)
audit_case("kari-notify", "EMG-KARI-NOTIFY", "US users' Global ECP has no notification group", ["EMG-KARI-NOTIFY"],
           lambda c: c["emergency_calling_policies"][0].pop("notification_group"))
audit_case("kari-notify-no-policy", "EMG-KARI-NOTIFY", "no emergency calling policy at all", ["EMG-KARI-NOTIFY"],
           lambda c: c.pop("emergency_calling_policies"))
audit_case("kari-notify-near-miss", "EMG-KARI-NOTIFY", "a GB user without a notification group", [],
           lambda c: (c["emergency_calling_policies"][0].pop("notification_group"),
                      c["tenant"]["accounts"][0].update(usage_location="GB")))

# ---------------------------------------------------------------- resolver
resolve_case("match-order-port-over-subnet", "EMG-MATCH-ORDER", "no BSSID: switch+port wins over switch and subnet", [],
             dict(full_ctx, bssid=None), {"source": "Dynamic", "location_id": "LocB", "matched_element": "SwitchPort"})
resolve_case("match-order-switch", "EMG-MATCH-ORDER", "unknown port: the switch wins over the subnet", [],
             dict(full_ctx, bssid=None, port_id="99"), {"source": "Dynamic", "location_id": "LocD", "matched_element": "Switch"})
def ua(origin, country="US"):
    return {"origin": origin, "address": addr("U1", country)}
resolve_case("precedence-user-confirmed", "EMG-PRECEDENCE", "no LIS match: a confirmed OS address beats the static one", [],
             {"user": "alice@contoso.com", "user_addresses": [ua("ManuallyEntered"), ua("OsConfirmed")]},
             {"source": "UserConfirmed", "routing": "DirectToPsap"})
resolve_case("precedence-manual-screened", "EMG-PRECEDENCE", "a manually entered address is screened", [],
             {"user": "alice@contoso.com", "user_addresses": [ua("ManuallyEntered")]},
             {"source": "UserEntered", "routing": "Screened"})
resolve_case("precedence-static-teams-room", "EMG-PRECEDENCE", "static address on a Teams Room goes direct", [],
             {"user": "alice@contoso.com", "client_type": "TeamsRoom"},
             {"source": "StaticAddress", "location_id": "L1", "routing": "DirectToPsap"})
resolve_case("no-trusted-ip-near-miss", "EMG-NO-TRUSTED-IP", "trusted external IP: the subnet gives the location", [],
             {"external_ip": "203.0.113.200", "internal_ip": "10.10.10.140", "prefix_length": 25, "user": "alice@contoso.com"},
             {"source": "Dynamic", "location_id": "LocC", "matched_element": "Subnet"})
resolve_case("no-trusted-ip-bssid-still-works", "EMG-NO-TRUSTED-IP", "untrusted IP but a BSSID match: Wi-Fi still resolves",
             ["EMG-NO-TRUSTED-IP"],
             {"external_ip": "198.51.100.7", "internal_ip": "10.10.10.150", "prefix_length": 25, "bssid": "F0-6E-0B-C2-04-01",
              "user": "alice@contoso.com"}, {"source": "Dynamic", "location_id": "LocA", "matched_element": "Wap"})
resolve_case("web-client", "EMG-WEB-CLIENT", "web client: no dynamic location", ["EMG-WEB-CLIENT"],
             dict(full_ctx, client_type="Web"), {"source": "StaticAddress", "location_id": "L1", "routing": "Screened"})
resolve_case("web-client-near-miss", "EMG-WEB-CLIENT", "desktop client on the same network", [],
             dict(full_ctx, client_type="Mac"), {"source": "Dynamic", "location_id": "LocA"})
resolve_case("dynamic-country-near-miss", "EMG-DYNAMIC-COUNTRY", "OC caller with a dynamic US address", [],
             {"bssid": "F0-6E-0B-C2-04-02", "user": "alice@contoso.com"},
             {"source": "Dynamic", "location_id": "LocA", "routing": "DirectToPsap"})
def uk_wap(c):
    gb_loc(c)
    c["lis"]["waps"].append({"bssid": "AA-BB-CC-DD-EE-FF", "location_id": "L5"})
resolve_case("dynamic-country", "EMG-DYNAMIC-COUNTRY", "dynamic address in GB: no dynamic routing there", ["EMG-DYNAMIC-COUNTRY"],
             {"bssid": "AA-BB-CC-DD-EE-FF", "user": "alice@contoso.com"},
             {"source": "Dynamic", "location_id": "L5", "routing": "Screened"}, edit=uk_wap)
resolve_case("dynamic-country-dr-canada", "EMG-DYNAMIC-COUNTRY", "Direct Routing caller with a dynamic CA address",
             ["EMG-DYNAMIC-COUNTRY"], {"bssid": "0A-0B-0C-0D-0E-01", "user": "alice@contoso.com", "connectivity": "DirectRouting"},
             {"source": "Dynamic", "location_id": "LocCA", "routing": "Screened"}, edit=canada)

# ---------------------------------------------------------------- PIDF-LO (M10: the TAMU INVITE body)
TAMU = """<?xml version="1.0" encoding="UTF-8"?>
<presence xmlns="urn:ietf:params:xml:ns:pidf" xmlns:gp="urn:ietf:params:xml:ns:pidf:geopriv10"
  xmlns:ca="urn:ietf:params:xml:ns:pidf:geopriv10:civicAddr" xmlns:dm="urn:ietf:params:xml:ns:pidf:data-model"
  entity="pres:caller@example.com">
  <dm:device id="d1">
    <gp:geopriv>
      <gp:location-info>
        <ca:civicAddress xml:lang="en">
          <ca:country>{country}</ca:country><ca:A1>MD</ca:A1><ca:A3>Laurel</ca:A3><ca:RD>TEST</ca:RD>
          <ca:STS>Ave</ca:STS><ca:HNO>10</ca:HNO><ca:NAM>TEST</ca:NAM><ca:PC>1234</ca:PC>{extra}
        </ca:civicAddress>
      </gp:location-info>
      <gp:usage-rules/>
      <gp:method>Manual</gp:method>
    </gp:geopriv>
    <dm:deviceID>mac:00-11-22-33-44-55</dm:deviceID>
  </dm:device>
</presence>
"""
POINT = """<?xml version="1.0" encoding="UTF-8"?>
<presence xmlns="urn:ietf:params:xml:ns:pidf" xmlns:gp="urn:ietf:params:xml:ns:pidf:geopriv10"
  xmlns:gml="http://www.opengis.net/gml" entity="pres:point2d@example.com">
  <tuple id="sg89ae">
    <status>
      <gp:geopriv>
        <gp:location-info>
          <gml:Point srsName="{crs}">
            <gml:pos>-34.407 150.883</gml:pos>
          </gml:Point>
        </gp:location-info>
        <gp:usage-rules/>
        <gp:method>Wiremap</gp:method>
      </gp:geopriv>
    </status>
    <timestamp>2007-06-22T20:57:29Z</timestamp>
  </tuple>
</presence>
"""
def pidf(name, source, desc, codes, xml):
    _add(name, source, desc, "pidf-lo", {"xml": xml}, codes)
pidf("m10-tamu-invite", "M10", "TAMU INVITE PIDF-LO body", [], TAMU.format(country="US", extra=""))
pidf("m10b-country-usa", "M10", "same document with country USA", ["EMG-PIDF-COUNTRY"], TAMU.format(country="USA", extra=""))
pidf("pidf-country-near-miss", "EMG-PIDF-COUNTRY", "country GB", [], TAMU.format(country="GB", extra=""))
pidf("pidf-unknown-element", "EMG-PIDF-UNKNOWN-ELEMENT", "ca:STP (an extension element) in civicAddr",
     ["EMG-PIDF-UNKNOWN-ELEMENT"], TAMU.format(country="US", extra="<ca:STP>Ave</ca:STP>"))
pidf("pidf-unknown-element-near-miss", "EMG-PIDF-UNKNOWN-ELEMENT", "cae:STP in the extension namespace", [],
     TAMU.format(country="US", extra='<cae:STP xmlns:cae="urn:ietf:params:xml:ns:pidf:geopriv10:civicAddr:ext">Ave</cae:STP>'))
pidf("pidf-crs", "EMG-PIDF-CRS", "point in EPSG::3857", ["EMG-PIDF-CRS"], POINT.format(crs="urn:ogc:def:crs:EPSG::3857"))
pidf("pidf-crs-near-miss", "EMG-PIDF-CRS", "RFC 5491 point example, EPSG::4326", [], POINT.format(crs="urn:ogc:def:crs:EPSG::4326"))
pidf("pidf-ns", "EMG-PIDF-NS", "geopriv in a made-up namespace", ["EMG-PIDF-NS"],
     TAMU.format(country="US", extra="").replace("urn:ietf:params:xml:ns:pidf:geopriv10\"", "urn:example:geopriv\""))
pidf("pidf-ns-near-miss", "EMG-PIDF-NS", "the namespaces of RFC 4119/5139", [], TAMU.format(country="US", extra=""))

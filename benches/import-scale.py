#!/usr/bin/env python3
"""Import and audit at tenant scale: time and peak RSS of `ocpolicy import
teams` and `ocpolicy audit` on generated Teams exports of 1k, 10k and 100k
numbers (half as many users, numbers in pages of 1,000 as
scripts/export-teams-tenant.ps1 writes them), each run in its own process.

    cargo build --release -p ocpolicy-cli
    python3 benches/import-scale.py            # prints the README's table
    python3 benches/import-scale.py 1000 5000  # other sizes

Peak RSS is the child's own (wait4's ru_maxrss). A benchmark, not a test:
nothing here passes or fails.
"""
import json
import os
import platform
import subprocess
import sys
import tempfile
import time
from datetime import date

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BIN = os.environ.get(
    "OCPOLICY_BIN",
    os.path.join(os.environ.get("CARGO_TARGET_DIR", os.path.join(ROOT, "target")), "release", "ocpolicy"),
)


def generate(folder, numbers, users):
    oid = lambda i: f"00000000-0000-4000-8000-{i:012d}"
    with open(os.path.join(folder, "Get-CsOnlineUser.json"), "w") as f:
        json.dump(
            [
                {
                    "Identity": oid(i),
                    "UserPrincipalName": f"user{i}@contoso.com",
                    "AccountType": "User",
                    "UsageLocation": "US" if i % 7 else "GB",
                    "TenantId": "scale-tenant",
                    "TeamsUpgradeEffectiveMode": "TeamsOnly",
                    "EnterpriseVoiceEnabled": True,
                    "FeatureTypes": ["Teams", "PhoneSystem"],
                    "AssignedPlan": [
                        {"Capability": "MCOEV", "CapabilityStatus": "Enabled", "AssignedTimestamp": "2024-03-04T17:25:12Z"},
                        {"Capability": "MCOPSTN1" if i % 3 else "TEAMS1", "CapabilityStatus": "Enabled"},
                    ],
                    "LineUri": f"tel:+1425{1_000_000 + i:07d}",
                    "OnlineVoiceRoutingPolicy": None,
                    "TeamsEmergencyCallingPolicy": None,
                }
                for i in range(users)
            ],
            f,
        )
    with open(os.path.join(folder, "Get-CsOnlineLisCivicAddress.json"), "w") as f:
        json.dump(
            [
                {
                    "CivicAddressId": f"a{k}",
                    "CompanyName": "Contoso",
                    "CountryOrRegion": "US",
                    "StateOrProvince": "WA",
                    "City": "Redmond",
                    "PostalCode": "98052",
                    "HouseNumber": str(k + 1),
                    "StreetName": "Microsoft",
                    "StreetSuffix": "Way",
                    "Latitude": "47.63952",
                    "Longitude": "-122.13086",
                    "ValidationStatus": "Validated",
                    "DefaultLocationId": f"l{k}",
                }
                for k in range(20)
            ],
            f,
        )
    for page, start in enumerate(range(0, numbers, 1000)):
        rows = []
        for i in range(start, min(numbers, start + 1000)):
            assigned = i < users
            rows.append(
                {
                    "TelephoneNumber": f"+1425{1_000_000 + i:07d}",
                    "NumberType": "CallingPlan" if i % 3 else "DirectRouting",
                    "ActivationState": "Activated",
                    "Capability": ["UserAssignment"],
                    "PstnAssignmentStatus": "UserAssigned" if assigned else "Unassigned",
                    "AssignedPstnTargetId": oid(i) if assigned else None,
                    "AssignmentCategory": "Primary" if assigned else None,
                    "IsoCountryCode": "US",
                    "LocationId": f"l{i % 20}",
                    "LocationUpdateSupported": True,
                    "NumberSource": "Online",
                    "City": "Redmond",
                }
            )
        with open(os.path.join(folder, f"Get-CsPhoneNumberAssignment.{page + 1}.json"), "w") as f:
            json.dump(rows, f)


def measure(args):
    """Wall seconds and peak RSS (MiB) of one run of `args`."""
    start = time.perf_counter()
    with open(os.devnull, "wb") as null:
        p = subprocess.Popen(args, stdout=null, stderr=null)
        _, status, usage = os.wait4(p.pid, 0)
    wall = time.perf_counter() - start
    code = os.waitstatus_to_exitcode(status)
    return wall, usage.ru_maxrss / 1024, code


def main():
    sizes = [int(a) for a in sys.argv[1:]] or [1_000, 10_000, 100_000]
    if not os.path.exists(BIN):
        sys.exit(f"no release binary at {BIN}: cargo build --release -p ocpolicy-cli")
    print(f"Import and audit, release build, {date.today().isoformat()}, {platform.machine()} "
          f"{os.cpu_count()} cores ({platform.platform()}); `python3 benches/import-scale.py`")
    print()
    print("| numbers | users | export (MB) | import (s) | import peak RSS (MiB) | audit (s) | audit peak RSS (MiB) | assignments re-decided |")
    print("|---:|---:|---:|---:|---:|---:|---:|---:|")
    for n in sizes:
        users = n // 2
        with tempfile.TemporaryDirectory() as work:
            folder = os.path.join(work, "exports")
            os.mkdir(folder)
            generate(folder, n, users)
            size = sum(os.path.getsize(os.path.join(folder, f)) for f in os.listdir(folder)) / 1e6
            out = os.path.join(work, "tenant.json")
            iw, im, ic = measure([BIN, "import", "teams", folder, "-o", out, "--quiet", "--json"])
            if ic != 0:
                sys.exit(f"import exited {ic} at {n} numbers")
            aw, am, ac = measure([BIN, "audit", out, "--json", "--now", "2026-12-01T00:00:00Z"])
            if ac not in (0, 1):
                sys.exit(f"audit exited {ac} at {n} numbers")
            audit = json.loads(subprocess.run([BIN, "audit", out, "--json", "--now", "2026-12-01T00:00:00Z"],
                                              capture_output=True, check=False).stdout)
            print(f"| {n:,} | {users:,} | {size:.1f} | {iw:.2f} | {im:.0f} | {aw:.2f} | {am:.0f} | {audit['examined']['assignments']:,} |")


if __name__ == "__main__":
    main()

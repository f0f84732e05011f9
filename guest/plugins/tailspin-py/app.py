"""An ocpolicy operator plugin in Python, for operator OPT (Tailspin Toys
Telecom): our numbers go to people and resource accounts, not to conferencing
bridges, and we upload only numbers of our own +1 206 range.

Built with componentize-py (`ocpolicy plugin build DIR`, or
`componentize-py -d wit -w rule-plugin componentize app -o plugin.wasm`).
Every hook returns extra violations; the host calls only the hooks that
plugin.toml lists, and only for requests that involve operator OPT.
"""

from typing import List

from wit_world import exports
from wit_world.imports import plugin_host, types
from wit_world.imports.plugin_host import LogLevel
from wit_world.imports.types import Severity, TargetKind, Violation

OUR_RANGE = "1206"


def violation(code: str, path: str, message: str, remediation: str) -> Violation:
    return Violation(
        code=code,
        severity=Severity.ERROR,
        path=path,
        message=message,
        citation="[Tailspin Toys service terms]",
        remediation=remediation,
    )


class EligibilityHooks(exports.EligibilityHooks):
    def check_eligibility(self, request: types.EligibilityRequest) -> List[Violation]:
        if isinstance(request, types.EligibilityRequest_AssignNumber):
            a = request.value
            if a.target_kind == TargetKind.CONFERENCE_BRIDGE:
                plugin_host.log(LogLevel.INFO, f"refusing {a.telephone_number} for a bridge")
                return [
                    violation(
                        "OPT-NO-BRIDGE",
                        "request.target_kind",
                        f"{a.telephone_number} is a Tailspin number; Tailspin numbers are for users and resource accounts, not conferencing bridges",
                        "use a Microsoft service number or another operator's number for the bridge",
                    )
                ]
        return []

    def check_upload(self, upload: types.UploadNumbers) -> List[Violation]:
        out = []
        for i, n in enumerate(upload.numbers):
            digits = n.telephone_number.strip().removeprefix("tel:").removeprefix("+").replace(" ", "")
            if not digits.startswith(OUR_RANGE):
                out.append(
                    violation(
                        "OPT-RANGE",
                        f"UploadNumbers.numbers[{i}].telephone_number",
                        f"{n.telephone_number} is outside Tailspin's +1 206 range",
                        "upload only numbers Tailspin holds (+1 206 …)",
                    )
                )
        return out


class EmergencyHooks(exports.EmergencyHooks):
    def check_address(self, check: types.AddressCheck) -> List[Violation]:
        return []

    def check_resolution(self, context: types.NetworkContext, resolution: types.Resolution) -> List[Violation]:
        return []


class ConferencingHooks(exports.ConferencingHooks):
    def check_bridge(self, check: types.BridgeCheck) -> List[Violation]:
        return []

    def check_route(self, dial_out: types.DialOut, decision: types.RouteDecision) -> List[Violation]:
        return []

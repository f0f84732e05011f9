# The assign-number rules of ocpolicy's peer benchmark, written as Rego
# (`benches/benches/peers.rs`). The same rules ocpolicy raises on the nine
# cases in cases.json, from `guest/core/src/eligibility/assign.rs`:
# ELIG-TYPE-MISMATCH, ELIG-ALREADY-ASSIGNED, ELIG-ASSIGNMENT-BLOCKED,
# ELIG-NOT-ACTIVATED (a warning), ELIG-CAPABILITY, ELIG-USAGE-LOCATION,
# ELIG-LIC-PHONE, ELIG-LIC-CALLINGPLAN, ELIG-TEAMSONLY and ELIG-EV (a warning).
#
# data.numbers is the tenant's inventory keyed by E.164 number and
# data.accounts its accounts keyed by lower-cased identity (the bench builds
# both once from tenant.json); input is the AssignNumber request.
package ocpolicy.assign

import rego.v1

number := data.numbers[input.telephone_number]

account := data.accounts[lower(trim_space(input.target))]

# Teams Phone entitlements and Calling Plans, as guest/core/src/licences.rs lists them.
teams_phone := {
	"MCOEV", "MCOEV_GOV", "MCOTEAMS_ESSENTIALS", "ENTERPRISEPREMIUM",
	"ENTERPRISEPREMIUM_NOPSTNCONF", "SPE_E5", "SPE_E5_NOPSTNCONF",
	"M365EDU_A5_FACULTY", "M365EDU_A5_STUDENT", "BUSINESS_VOICE_MED2",
	"BUSINESS_VOICE_DIRECTROUTING",
}

calling_plan := {
	"MCOPSTN1", "MCOPSTN2", "MCOPSTN5", "MCOPSTN6", "MCOTEAMS_ESSENTIALS",
	"MCOPSTN_PAYG", "MCOPSTN_PAYG_1", "BUSINESS_VOICE_MED2",
}

holds(wanted) if {
	some licence in account.licenses
	upper(trim_space(licence)) in wanted
}

# The category the number is assigned as; Primary when the request gives none.
category := object.get(input, "assignment_category", "Primary")

errors contains "ELIG-TYPE-MISMATCH" if number.number_type != input.number_type

errors contains "ELIG-ALREADY-ASSIGNED" if {
	number.assignment_status != "Unassigned"
	lower(object.get(number, "assigned_target", "")) != lower(trim_space(input.target))
}

errors contains "ELIG-ASSIGNMENT-BLOCKED" if number.block == "BlockedForever"

errors contains "ELIG-CAPABILITY" if not "UserAssignment" in number.capabilities

errors contains "ELIG-USAGE-LOCATION" if {
	category in {"Primary", "Private"}
	upper(object.get(account, "usage_location", "")) != upper(number.iso_country_code)
}

errors contains "ELIG-LIC-PHONE" if not holds(teams_phone)

errors contains "ELIG-LIC-CALLINGPLAN" if {
	input.number_type == "CallingPlan"
	not holds(calling_plan)
}

errors contains "ELIG-TEAMSONLY" if {
	input.number_type in {"OperatorConnect", "DirectRouting"}
	account.teams_mode != "TeamsOnly"
}

warnings contains "ELIG-NOT-ACTIVATED" if number.activation_state != "Activated"

warnings contains "ELIG-EV" if account.enterprise_voice_enabled == false

verdict := {
	"allowed": count(errors) == 0,
	"errors": errors,
	"warnings": warnings,
}

//! The rule catalogue: every rule code this crate can raise, with its severity,
//! its evidence status and its source, as in the domain reference
//! (`shared/domain/operator-connect-rules.md`, §1.3 and §1.4).
//!
//! A violation is always built from one of these entries, so a code, its
//! severity and its citation can never drift apart.

use crate::types::Severity;

/// How well a rule is backed by public sources (the domain reference's tags).
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
pub enum Status {
    /// A source states the rule.
    Sourced,
    /// The rule follows from sourced facts; no source states it. A design choice.
    Derived,
    /// From memory or assumption; verify before relying on it. A design choice.
    Unsourced,
}

/// One rule of the catalogue.
#[derive(Debug, Clone, Copy, serde::Serialize)]
pub struct Rule {
    /// Stable code, e.g. `ELIG-USAGE-LOCATION`.
    pub code: &'static str,
    /// The severity its violations carry.
    #[serde(serialize_with = "ser_severity")]
    pub severity: Severity,
    /// Evidence status.
    pub status: Status,
    /// Source keys of the domain reference.
    pub citation: &'static str,
    /// One line: what the rule checks.
    pub summary: &'static str,
    /// How to fix a violation.
    pub remediation: &'static str,
    /// Why a DERIVED or UNSOURCED rule is built the way it is.
    pub design_note: &'static str,
}

fn ser_severity<S: serde::Serializer>(s: &Severity, ser: S) -> Result<S::Ok, S::Error> {
    ser.serialize_str(match s {
        Severity::Error => "Error",
        Severity::Warning => "Warning",
        Severity::Info => "Info",
    })
}

macro_rules! rules {
    ($( $id:ident = ($code:literal, $sev:ident, $status:ident, $cite:literal, $summary:literal, $fix:literal $(, $note:literal)?); )*) => {
        $(
            #[doc = concat!("`", $code, "`: ", $summary)]
            pub const $id: Rule = Rule {
                code: $code,
                severity: Severity::$sev,
                status: Status::$status,
                citation: $cite,
                summary: $summary,
                remediation: $fix,
                design_note: rules!(@note $($note)?),
            };
        )*
        /// Every rule, in the order of the domain reference.
        pub const ALL: &[Rule] = &[$($id),*];
    };
    (@note) => { "" };
    (@note $note:literal) => { $note };
}

rules! {
    NUM_FORMAT = ("ELIG-NUM-FORMAT", Error, Sourced, "[SETPNA]",
        "the telephone number is E.164 in shape: digits with an optional leading '+', no `tel:` prefix, an optional `;ext=<digits>`",
        "write the number as +<country code><number>, e.g. +14255550101; drop any `tel:` prefix, spaces and punctuation");
    NUM_PLAN = ("ELIG-NUM-PLAN", Warning, Derived, "[SETPNA][LIBPN]",
        "a number that is not in the tenant's inventory is a valid number in its country's numbering plan",
        "check the digits against the number your carrier issued; the country's numbering plan does not contain this number",
        "Teams does not document plan validation. The rule applies only to numbers absent from the inventory (Direct Routing), whose country must come from the numbering plan for the country rules; inventory numbers carry an authoritative IsoCountryCode. A warning, because plan metadata can lag behind new ranges.");
    EXT_DR_ONLY = ("ELIG-EXT-DR-ONLY", Error, Sourced, "[SETPNA][DREN]",
        "extensions (`;ext=`) are only supported for Direct Routing numbers",
        "remove the `;ext=` part, or assign the number as DirectRouting");
    OPERATOR_UPLOAD_FORMAT = ("ELIG-OPERATOR-UPLOAD-FORMAT", Error, Sourced, "[ACG-NMP]",
        "operator-uploaded numbers are digits with an optional '+', include a valid country code, and are at most 19 characters",
        "upload the number in E.164 (+<country code><number>, at most 19 characters); North American toll-free numbers also need a country");
    NOT_IN_TENANT = ("ELIG-NOT-IN-TENANT", Error, Sourced, "[ISS-8905]",
        "Calling Plan and Operator Connect numbers must already be in the tenant's inventory",
        "acquire the number (Calling Plan) or ask the operator to upload it to this tenant (Operator Connect) before assigning it");
    TYPE_MISMATCH = ("ELIG-TYPE-MISMATCH", Error, Derived, "[SETPNA][ISS-8905]",
        "the requested number type equals the number type in the inventory",
        "use -PhoneNumberType with the number's acquired type (see Get-CsPhoneNumberAssignment)",
        "Derived: the cmdlet doc says the type is known when a number is acquired, and wrong-type attempts fail in the issue report.");
    ALREADY_ASSIGNED = ("ELIG-ALREADY-ASSIGNED", Error, Sourced, "[SETPNA-OLD]",
        "a number assigned to someone else cannot be assigned again",
        "unassign the number from its current holder first (Remove-CsPhoneNumberAssignment), or pick another number");
    ASSIGNMENT_BLOCKED = ("ELIG-ASSIGNMENT-BLOCKED", Error, Sourced, "[GETPNA][BLOCK]",
        "a number blocked for assignment (forever, or until a time not yet reached) cannot be assigned",
        "wait until the block expires, or remove it with Remove-CsPhoneNumberAssignmentBlock");
    BLOCK_PARAMS = ("ELIG-BLOCK-PARAMS", Error, Sourced, "[BLOCK][REMPNA]",
        "a block sets either Forever or 1 to 365 Days, never both, and only when no block exists",
        "set exactly one of AssignmentBlockedForever or AssignmentBlockedDays (1-365); remove an existing block first");
    NOT_ACTIVATED = ("ELIG-NOT-ACTIVATED", Warning, Derived, "[GETPNA]",
        "the number is in the Activated state",
        "wait for the pending operation to finish, or retry the failed one, before relying on the number",
        "The states are sourced; whether Teams refuses non-Activated numbers is not, so this is a warning.");
    CAPABILITY = ("ELIG-CAPABILITY", Error, Sourced, "[GETPNA][DRCAP][BRIDGE][ACG-NMP][AC-UPLOAD]",
        "the number's capabilities allow the target: UserAssignment for users, VoiceApplicationAssignment for resource accounts, ConferenceAssignment for the bridge",
        "pick a number acquired for this use (service numbers for bridges and resource accounts, subscriber numbers for users), or ask the operator to change its usage");
    LIC_PHONE = ("ELIG-LIC-PHONE", Error, Sourced, "[OCPLAN][OCCONF][DREN][LIC]",
        "a user needs a Teams Phone entitlement (MCOEV, MCOTEAMS_ESSENTIALS, or a suite such as E5)",
        "assign a Teams Phone Standard licence (MCOEV) or a suite that includes Phone System");
    LIC_CALLINGPLAN = ("ELIG-LIC-CALLINGPLAN", Error, Sourced, "[ASSIGN][ISS-8905]",
        "a Calling Plan number needs a Calling Plan licence",
        "assign a Calling Plan licence (MCOPSTN1, MCOPSTN2, MCOPSTN5, MCOPSTN6, MCOTEAMS_ESSENTIALS or pay-as-you-go)");
    LIC_RESOURCE = ("ELIG-LIC-RESOURCE", Error, Sourced, "[RA]",
        "a resource account needs a Microsoft Teams Phone Resource Account licence",
        "assign the Microsoft Teams Phone Resource Account licence (PHONESYSTEM_VIRTUALUSER)");
    TEAMSONLY = ("ELIG-TEAMSONLY", Error, Sourced, "[OCPLAN][OCCONF][DREN]",
        "Operator Connect and Direct Routing users are in TeamsOnly mode",
        "Grant-CsTeamsUpgradePolicy -PolicyName UpgradeToTeams -Identity <user>");
    EV = ("ELIG-EV", Warning, Sourced, "[SETPNA][ASSIGN][OCPLAN-OLD]",
        "a user with a number has EnterpriseVoiceEnabled = True",
        "nothing to do on assignment (it is set automatically); otherwise Set-CsPhoneNumberAssignment -Identity <user> -EnterpriseVoiceEnabled $true",
        "The fact is sourced; raising it as a warning rather than an error is a design choice, because assignment sets it.");
    USAGE_LOCATION = ("ELIG-USAGE-LOCATION", Error, Sourced, "[ASSIGN]",
        "a user's primary or private number is in the user's usage location",
        "set the user's usage location to the number's country, or pick a number from the user's country");
    ALT_CP_ONLY = ("ELIG-ALT-CP-ONLY", Warning, Derived, "[SETPNA]",
        "alternate numbers are documented only for Calling Plan",
        "use a Calling Plan number as the alternate, or confirm with Microsoft that your connectivity supports alternates",
        "Derived from Set-CsPhoneNumberAssignment example 14; support for other types is unsourced, hence a warning.");
    RA_LOCATION = ("ELIG-RA-LOCATION", Error, Sourced, "[RA]",
        "a resource account's licence location matches the number's country",
        "set the resource account's usage location (the licence's \"Select location\") to the number's country");
    ONPREM_NUMBER = ("ELIG-ONPREM-NUMBER", Error, Sourced, "[SETPNA][ASSIGN][ISS-9244]",
        "an account with a LineURI synced from on-premises AD cannot get a number online",
        "clear msRTCSIP-Line in on-premises AD and wait for sync; note the same error has been reported for a missing MCOEV licence");
    OPERATOR_NOT_ADDED = ("ELIG-OPERATOR-NOT-ADDED", Error, Derived, "[OCCONF]",
        "an Operator Connect number's operator has been added to the tenant",
        "add the operator in the Teams admin center (Voice > Operators)",
        "Derived from the configuration steps: numbers come from an operator the tenant added.");
    OPERATOR_COUNTRY = ("ELIG-OPERATOR-COUNTRY", Error, Sourced, "[AC-UPLOAD][OCCONF]",
        "the number's country is enabled for its operator",
        "enable the country for this operator in the Teams admin center (Voice > Operators > the operator > countries)");
    OPERATOR_CONSENT = ("ELIG-OPERATOR-CONSENT", Error, Sourced, "[OCCONF][OCCCONF][AC-UPLOAD]",
        "the operator's set-up is complete: contact full name and email, company size, data transfer notice accepted",
        "complete the operator's set-up in the Teams admin center: contact name, email, company size, and accept the data transfer notice");
    OPERATOR_SUSPENDED = ("ELIG-OPERATOR-SUSPENDED", Warning, Unsourced, "[OCCONF]",
        "the operator is not suspended",
        "resume the operator in the Teams admin center if its service should continue",
        "The suspend action is sourced; its effect on numbers is not, so this is a warning.");
    OC_LOCATION_PREREQ = ("ELIG-OC-LOCATION-PREREQ", Error, Sourced, "[ACG-EM][ACG-NMP][PR-7395]",
        "an operator-managed user number references a location the enterprise created in the Teams admin center",
        "create the emergency address and place in the Teams admin center, then have the operator attach its LocationId to the number");
    OC_NO_ADDRESS_IN_COUNTRY = ("ELIG-OC-NO-ADDRESS-IN-COUNTRY", Error, Derived, "[ACG-EM][EMLOC]",
        "an operator that sets the location of user numbers in a country needs a validated civic address there",
        "create and validate an emergency address in that country in the Teams admin center before the upload",
        "Derived from ELIG-OC-LOCATION-PREREQ and the same-country rule (EMG-SAME-COUNTRY).");
    OPERATOR_WRITES_ADDRESS = ("ELIG-OPERATOR-WRITES-ADDRESS", Error, Sourced, "[ACG-NMP]",
        "operators can view but not configure an enterprise's civic addresses",
        "ask the enterprise's admin to create or change the address in the Teams admin center");
    LOCATION_UPDATE_LOCKED = ("ELIG-LOCATION-UPDATE-LOCKED", Error, Sourced, "[GETPNA][OCCONF][OCEMERG]",
        "the location of a number with LocationUpdateSupported = False is managed by the operator",
        "ask the operator to change the number's location");
    LOCATION_NULL = ("ELIG-LOCATION-NULL", Error, Sourced, "[SETPNA]",
        "a location can be removed only from Direct Routing and non-Service-Desk Operator Connect numbers",
        "set another location instead of clearing it");
    DR_POLICY_LEAK = ("ELIG-DR-POLICY-LEAK", Warning, Sourced, "[DRVR][OCCONF]",
        "an Operator Connect or Calling Plan user's effective voice routing policy reaches no Direct Routing route",
        "Grant-CsOnlineVoiceRoutingPolicy -Identity <user> -PolicyName $null, and keep Direct Routing usages out of the Global policy",
        "The doc states a caution; any route reachable through the policy's usages counts, whatever its pattern, because an OC user can dial any number.");
    OC_NO_NUMBER = ("ELIG-OC-NO-NUMBER", Warning, Sourced, "[ISS-9955]",
        "a user meant for Operator Connect calling has an Operator Connect number",
        "assign an Operator Connect number to the user; without one, outbound calls drop");
    REMOVE_OPERATOR = ("ELIG-REMOVE-OPERATOR", Error, Sourced, "[OCCONF][OCCCONF]",
        "an operator (or one of its countries) is removed only when none of its numbers there are assigned",
        "unassign every number of the operator (in that country), including bridge numbers, and ask the operator to release them");
    RELEASE_ASSIGNED = ("ELIG-RELEASE-ASSIGNED", Error, Sourced, "[OCCONF]",
        "a number is released only when unassigned",
        "unassign the number first (Remove-CsPhoneNumberAssignment)");
    DR_MIGRATION = ("ELIG-DR-MIGRATION", Error, Sourced, "[OCCONF]",
        "a Direct Routing number moves to Operator Connect only after its DR assignment and on-premises LineURI are removed",
        "Set-CsUser -LineURI $null (wait for sync), then Remove-CsPhoneNumberAssignment -PhoneNumberType DirectRouting; the number is out of service until the operator migrates it");
    OPR_AGREEMENT = ("OPR-AGREEMENT", Error, Sourced, "[ACG-TSP][ACG-IOP]",
        "the operator signed an Operator Connect or Teams Phone Mobile agreement with Microsoft",
        "sign the Operator Connect (or Teams Phone Mobile) agreement with Microsoft");
    OPR_TSP = ("OPR-TSP", Error, Sourced, "[ACG-TSP]",
        "the operator is a telecommunications operator or service provider",
        "only telecommunications operators and service providers can join the programme");
    OPR_INTERCONNECT = ("OPR-INTERCONNECT", Error, Sourced, "[ACG-MAPS][RELAYTO]",
        "the operator interconnects through Azure Peering Service or ExpressRoute Microsoft Peering",
        "interconnect through Microsoft Azure Peering Service (recommended) or an ExpressRoute Microsoft Peering circuit");
    OPR_SIP = ("OPR-SIP", Error, Sourced, "[ACG-IOP][ACG-E164]",
        "SIP over TLS, X-MS-SBC and X-MS-TenantID headers, SRTP, E.164 A- and B-numbers",
        "fix the SIP profile as listed in the message");
    OPR_MEDIA = ("OPR-MEDIA", Error, Sourced, "[ACG-IOP]",
        "ringback tones during call transfer and comfort noise",
        "enable ringback during transfer and comfort noise on the SBCs");
    OPR_API = ("OPR-API", Error, Sourced, "[ACG-IOP][ACG-NMP]",
        "provisioning goes through the flow-through API, not a portal, after launch",
        "provision through the Operator Connect API");
    OPR_CALLDURATION = ("OPR-CALLDURATION", Error, Sourced, "[ACG-IOP]",
        "per-call CallDuration data is uploaded to Teams",
        "upload CallDuration data for every call");
    OPR_MONITOR = ("OPR-MONITOR", Error, Sourced, "[ACG-IOP]",
        "call quality, call errors and unusual behaviour are monitored",
        "monitor call quality, errors and unusual behaviour");
    OPR_TESTNUMBERS = ("OPR-TESTNUMBERS", Error, Sourced, "[ACG-CONN]",
        "service-verification test numbers: 6 per service in production, 3 in a lab",
        "provide the required number of test numbers for each service");
    OPR_CERT_SBC = ("OPR-CERT-SBC", Error, Sourced, "[ACG-IOP]",
        "the SBCs meet the certified-SBC specification for OC/TPM",
        "use SBCs that meet the certified-SBC specification");
    OPR_SLA = ("OPR-SLA", Error, Sourced, "[OCPLAN][RELAYTO]",
        "a shared or back-to-back SLA with Microsoft, with Tier 1 support by the operator",
        "agree a shared SLA with Microsoft and provide Tier 1 support");
    OPR_EMERGENCY = ("OPR-EMERGENCY", Error, Sourced, "[ACG-EM]",
        "emergency INVITEs carry PIDF-LO, US calls go to a Teams-supported ERSP, native-dialer emergency calls are not routed to Teams",
        "fix the emergency call handling as listed in the message");
    OPR_REGULATED = ("OPR-REGULATED", Warning, Unsourced, "",
        "the operator holds a regulated-operator licence",
        "confirm the licensing requirement with Microsoft",
        "Not in any public source found; a warning so that it never denies on its own.");
}

/// Look up a rule by its code.
pub fn find(code: &str) -> Option<&'static Rule> {
    ALL.iter().find(|r| r.code == code)
}

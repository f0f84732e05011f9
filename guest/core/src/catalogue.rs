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
    /// Its position in [`ALL`]: how a [`RuleViolation`](crate::types::RuleViolation)
    /// names it across the component boundary.
    #[serde(skip)]
    pub index: u16,
}

fn ser_severity<S: serde::Serializer>(s: &Severity, ser: S) -> Result<S::Ok, S::Error> {
    ser.serialize_str(match s {
        Severity::Error => "Error",
        Severity::Warning => "Warning",
        Severity::Info => "Info",
    })
}

/// Whether this build carries the texts of the family `code` belongs to
/// (features `eligibility-texts`, `emergency-texts`, `conferencing-texts`, on
/// by default). A browser module of one family leaves the others' out: it
/// never raises them, and their texts would only weigh on the download.
pub const fn carried(code: &str) -> bool {
    match code.as_bytes() {
        [b'E', b'L', b'I', b'G', b'-', ..] | [b'O', b'P', b'R', b'-', ..] => {
            cfg!(feature = "eligibility-texts")
        }
        [b'E', b'M', b'G', b'-', ..] => cfg!(feature = "emergency-texts"),
        [b'C', b'O', b'N', b'F', b'-', ..] => cfg!(feature = "conferencing-texts"),
        _ => true,
    }
}

/// `text` where the build carries `code`'s family ([`carried`]), else `""`
/// (evaluated at compile time, so the text is not in the build at all).
const fn text(code: &str, text: &'static str) -> &'static str {
    if carried(code) { text } else { "" }
}

macro_rules! rules {
    ($( $id:ident = ($code:literal, $sev:ident, $status:ident, $cite:literal, $summary:literal, $fix:literal $(, $note:literal)?); )*) => {
        /// Every rule's position in [`ALL`].
        #[allow(non_camel_case_types, clippy::upper_case_acronyms, dead_code)]
        #[repr(u16)]
        enum Position { $($id),* }
        $(
            #[doc = concat!("`", $code, "`: ", $summary)]
            pub const $id: Rule = Rule {
                code: $code,
                severity: Severity::$sev,
                status: Status::$status,
                citation: $cite,
                summary: text($code, $summary),
                remediation: text($code, $fix),
                design_note: text($code, rules!(@note $($note)?)),
                index: Position::$id as u16,
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
    PLAN_PENDING = ("PLAN-PENDING", Warning, Derived, "[LIBPN]",
        "a check that needs the numbering plan was made by a build that carries it",
        "wait for the full numbering plan to load (the page says when), or ask the server; nothing to fix in the input",
        "Not in the domain reference: ocpolicy's own marker. The browser's first module leaves out libphonenumber's data (about 520 KB gzip) so that typing is validated at once; where a rule needs the plan it raises this instead of guessing, and the page replaces the decision with the full module's when that has loaded. The server and the CLI always carry the plan and never raise it.");
    TENANT_UNDECIDABLE = ("TENANT-UNDECIDABLE", Error, Derived, "[SETPNA][ACG-NMP]",
        "a write to a stored tenant leaves it decidable: the tenant, its emergency configuration and its conferencing configuration still decode and index (no two inventory records for one number, no location under a missing address, no pattern that does not compile)",
        "change the request so that the tenant stays consistent (the message names the record it would break); a tenant stored broken before this check is shown and fixed with `POST /v1/tenants/{tenant}/repair` by a platform admin",
        "Not in the domain reference: ocpolicy's own guard at the enforcement point. Teams keeps one inventory record per number and refuses the writes that would make two; a stored tenant the rules cannot index would fail every later rule-checked write, so the server builds the same snapshots the rules use from the written document before it commits, and refuses the write that would break them. Raised by the server only, never by the rules component.");
    EXT_DR_ONLY = ("ELIG-EXT-DR-ONLY", Error, Sourced, "[SETPNA][DREN]",
        "extensions (`;ext=`) are only supported for Direct Routing numbers",
        "remove the `;ext=` part, or assign the number as DirectRouting");
    OPERATOR_UPLOAD_FORMAT = ("ELIG-OPERATOR-UPLOAD-FORMAT", Error, Sourced, "[ACG-NMP]",
        "operator-uploaded numbers are digits with an optional '+', include a valid country code, and are at most 19 characters",
        "upload the number in E.164 (+<country code><number>, at most 19 characters); North American toll-free numbers also need a country");
    UPLOAD_HELD = ("ELIG-UPLOAD-HELD", Error, Derived, "[ACG-NMP][GETPNA]",
        "an operator uploads a number the tenant already holds only as it is held: the same operator, Operator Connect, the same usage, country, location and location setting",
        "to change a number the tenant holds, release it and upload it again (DELETE .../numbers/{number}), or upload it exactly as it is held; a number held by another operator or of another type is not this operator's to upload",
        "Derived: Teams keeps one inventory record per number (Get-CsPhoneNumberAssignment lists each once), and the upload API adds numbers, it does not edit them. A provisioning system retries an upload after a timeout, so an upload of a number already held exactly as sent is not an error (ELIG-UPLOAD-UNCHANGED): it is an idempotent no-op. Anything else would need a second record for the number, which no tenant may hold (TENANT-UNDECIDABLE), so it is refused here, before it is stored.");
    UPLOAD_UNCHANGED = ("ELIG-UPLOAD-UNCHANGED", Info, Derived, "[ACG-NMP][GETPNA]",
        "an upload of a number the tenant already holds exactly as sent (a retry) changes nothing",
        "nothing to fix: the number is held as uploaded, and the upload leaves it (and any assignment of it) as it is",
        "Derived, the other half of ELIG-UPLOAD-HELD: the same number uploaded again by its operator with the same usage, country, location and location setting, or listed twice alike in one upload, is stored once. Info, so the upload is allowed and says which numbers it left as they were.");
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
    // ---- emergency location (§2.7)
    EMG_CA_MANDATORY = ("EMG-CA-MANDATORY", Error, Sourced, "[NEWCA]",
        "a civic address has a CompanyName and a CountryOrRegion",
        "fill in CompanyName and CountryOrRegion (both are mandatory in New-CsOnlineLisCivicAddress)");
    EMG_CA_COUNTRY_ISO = ("EMG-CA-COUNTRY-ISO", Error, Sourced, "[NEWCA]",
        "CountryOrRegion is an ISO 3166-1 alpha-2 code",
        "use the two-letter ISO 3166-1 code in capitals, e.g. US, GB, DE (not USA or United States)");
    EMG_LATLONG_REQUIRED = ("EMG-LATLONG-REQUIRED", Error, Sourced, "[NEWCA]",
        "latitude and longitude are given, except in Australia and Japan where they are optional",
        "geocode the address (map search in the Teams admin center adds the coordinates) and set Latitude and Longitude");
    EMG_LATLONG_RANGE = ("EMG-LATLONG-RANGE", Error, Derived, "[NEWCA]",
        "latitude is within -90..90 and longitude within -180..180 decimal degrees",
        "give the coordinates in decimal degrees, latitude first (e.g. 47.64, -122.13); check that they were not swapped",
        "Decimal degrees are sourced; the ranges follow from the definition of latitude and longitude.");
    EMG_CP_FIELDS = ("EMG-CP-FIELDS", Error, Sourced, "[EMLOC]",
        "a Calling Plan address has house number, street name, city, postal code, latitude, longitude and company name",
        "complete the address: Calling Plan emergency addresses need every one of these fields");
    EMG_CP_STATE = ("EMG-CP-STATE", Error, Sourced, "[EMLOC]",
        "a Calling Plan address in CA, IL, IT or US has a state or province",
        "set StateOrProvince");
    EMG_CP_TAXID = ("EMG-CP-TAXID", Error, Sourced, "[EMLOC]",
        "a Calling Plan address in BE, CZ, IT, NL, NO, PL, PT, RO, SG, SK, ES or SE has a company tax ID",
        "set CompanyTaxId (an internal-only field: ask Microsoft support or set it at creation)");
    EMG_CP_STREETTYPE = ("EMG-CP-STREETTYPE", Error, Sourced, "[EMLOC]",
        "a Calling Plan address in Italy has a street type",
        "set StreetSuffix to the street type (Via, Piazza, Corso...)");
    EMG_AREA_CODE = ("EMG-AREA-CODE", Error, Sourced, "[EMLOC][LIBPN]",
        "a Calling Plan number in BE, FR, DE, IE, NL or ES has its emergency address in the number's geographic area",
        "use an address in the area the number's area code serves, or a number whose area code matches the address",
        "The rule is sourced; Microsoft publishes no area-code-to-locality data. The check uses the numbering plan's area codes with a small table of area code to postal-code prefixes for each country (guest/core/data/area-codes.tsv); where the table has no entry the rule stays silent rather than guess.");
    EMG_EDIT_VALIDATED = ("EMG-EDIT-VALIDATED", Error, Sourced, "[SETCA][EMLOC][EMMGMT]",
        "a validated address is edited only in the countries that allow it, and only in the publicly editable fields",
        "delete the address and create it again with the new values, or limit the edit to City, CompanyName, Description, HouseNumber, Latitude, Longitude, PostalCode, StateOrProvince, StreetName and Elin");
    EMG_DELETE_IN_USE = ("EMG-DELETE-IN-USE", Error, Sourced, "[RMCA][EMLOC]",
        "an address or location is removed only when none of its locations is assigned to a user or number",
        "assign the numbers and users another location first, then remove it");
    EMG_ASSIGN_UNVALIDATED = ("EMG-ASSIGN-UNVALIDATED", Error, Sourced, "[EMMGMT]",
        "a location is assigned to a user or network identifier only when its address is validated",
        "validate the address first (map search in the Teams admin center)");
    EMG_NETID_NO_GEOCODE = ("EMG-NETID-NO-GEOCODE", Error, Sourced, "[EMMGMT][DYN]",
        "a location assigned to a subnet, access point, switch or port has a geocoded address",
        "add Latitude and Longitude to the address (map search adds them), then assign it");
    EMG_NETID_STALE = ("EMG-NETID-STALE", Warning, Sourced, "[DYN]",
        "an address assigned to a network identifier is less than about two years old",
        "recreate the address (and its locations) and assign the new location",
        "The rule is sourced qualitatively (\"more than a couple of years old\"); the threshold of 730 days is our choice.");
    EMG_SAME_COUNTRY = ("EMG-SAME-COUNTRY", Error, Sourced, "[EMLOC]",
        "the location, the user and the phone number are in the same country",
        "pick a location in the number's country, or a number from the user's country");
    EMG_CP_LOCATION_TIMING = ("EMG-CP-LOCATION-TIMING", Error, Sourced, "[CPEMERG]",
        "a Calling Plan number gets its emergency location at assignment (US, CA) or when acquired or ported (elsewhere)",
        "give the number an emergency location in the same step");
    EMG_ELIN_CLEAR = ("EMG-ELIN-CLEAR", Error, Sourced, "[SETLOC]",
        "a location's ELIN can be changed but not cleared",
        "keep an ELIN, or remove the location and create it again without one");
    EMG_SUBNET_NETID = ("EMG-SUBNET-NETID", Error, Sourced, "[SUBNET][DYN]",
        "a LIS subnet is the network ID of its range, not a host address",
        "set the subnet to the network ID (the address with its host bits cleared)");
    EMG_BSSID_FORMAT = ("EMG-BSSID-FORMAT", Error, Sourced, "[WAP]",
        "a BSSID is nn-nn-nn-nn-nn-nn in hex, with '*' only in its last one or two characters",
        "write the BSSID with hyphens, e.g. F0-6E-0B-C2-04-1A; use F0-6E-0B-C2-04-* for a whole range");
    EMG_BSSID_WILDCARD_DUP = ("EMG-BSSID-WILDCARD-DUP", Error, Sourced, "[WAP]",
        "a BSSID inside an existing wildcard range does not repeat the range's location",
        "drop the entry: the wildcard entry already places this access point at that location");
    EMG_CHASSIS_FORMAT = ("EMG-CHASSIS-FORMAT", Error, Sourced, "[SWITCH][PORT]",
        "a chassis or port ID that is a MAC address is written nn-nn-nn-nn-nn-nn",
        "write MAC-subtype IDs with hyphens, e.g. B8-BE-BF-4A-A3-00");
    EMG_TRUSTIP_MASK = ("EMG-TRUSTIP-MASK", Error, Sourced, "[TRUSTIP]",
        "a trusted IP is a valid IPv4 (mask 0-32) or IPv6 (mask 0-128) address, listed once",
        "fix the address or its MaskBits, or drop the duplicate");
    EMG_SUBNET_ONE_SITE = ("EMG-SUBNET-ONE-SITE", Error, Sourced, "[NETSUB]",
        "a network subnet belongs to one network site",
        "keep the subnet in one site only");
    EMG_SITE_SUBNET_NOT_IN_LIS = ("EMG-SITE-SUBNET-NOT-IN-LIS", Warning, Sourced, "[DYN]",
        "a network site's subnet is also defined in the LIS",
        "define the subnet in the LIS too (Set-CsOnlineLisSubnet) so that it renders a dynamic location");
    EMG_NO_TRUSTED_IP = ("EMG-NO-TRUSTED-IP", Error, Sourced, "[DYN]",
        "a client expected to get a subnet-based location calls from a trusted external IP",
        "add the site's public IP to the tenant's trusted IPs (New-CsTenantTrustedIPAddress); BSSID and LLDP lookups work without it");
    EMG_ECP_NOTIF_GROUP = ("EMG-ECP-NOTIF-GROUP", Error, Sourced, "[ECP][ECPEXT]",
        "a notification group has at most 10 entries and at most 50 users",
        "use fewer entries, or a distribution group with at most 50 users");
    EMG_ECP_MODE = ("EMG-ECP-MODE", Error, Sourced, "[ECP]",
        "NotificationMode is NotificationOnly, ConferenceMuted or ConferenceUnMuted",
        "set NotificationMode to NotificationOnly, ConferenceMuted or ConferenceUnMuted");
    EMG_ECP_DIALOUT_MODE = ("EMG-ECP-DIALOUT-MODE", Warning, Sourced, "[ECP]",
        "a notification dial-out number is used only with the conference modes",
        "set NotificationMode to ConferenceMuted or ConferenceUnMuted, or drop NotificationDialOutNumber");
    EMG_ECP_EXT_UNIQUE = ("EMG-ECP-EXT-UNIQUE", Error, Sourced, "[ECP]",
        "extended notifications use each emergency dial string once",
        "merge the extended notifications that share a dial string");
    EMG_ECP_DESC_LEN = ("EMG-ECP-DESC-LEN", Error, Sourced, "[ECP]",
        "an emergency calling policy's description is at most 512 characters",
        "shorten the description to 512 characters");
    EMG_ECP_DISCLAIMER_LEN = ("EMG-ECP-DISCLAIMER-LEN", Error, Sourced, "[ECP][EMMGMT]",
        "the enhanced emergency service disclaimer is at most 350 characters (cmdlet), 250 per the admin guide",
        "shorten the disclaimer to 250 characters, which satisfies both sources",
        "The sources conflict: the cmdlet accepts 350 characters, the admin guide says 250. Over 350 is an error (the cmdlet refuses it); 251 to 350 is raised as a warning.");
    EMG_ECRP_UNIQUE = ("EMG-ECRP-UNIQUE", Error, Sourced, "[ECRP-DOC]",
        "dial strings and dial-mask values are unique within an emergency call routing policy",
        "remove the repeated value: each dial string and mask may appear once in the policy");
    EMG_ECRP_MASK_FORMAT = ("EMG-ECRP-MASK-FORMAT", Error, Sourced, "[EN]",
        "a dial mask is a ';'-separated list of 1 to 10 digits each",
        "write the mask as digits only, 1 to 10 each, separated by ';' (e.g. 9911;1911)");
    EMG_ECRP_USAGE = ("EMG-ECRP-USAGE", Error, Sourced, "[ECRP]",
        "an emergency number's PSTN usage exists",
        "create the usage (Set-CsOnlinePstnUsage -Usage @{Add=...}) or name an existing one");
    EMG_ECRP_ROUTE = ("EMG-ECRP-ROUTE", Error, Sourced, "[DREMERG][ECRP-DOC]",
        "a voice route in the emergency number's usage matches the dial string without '+'",
        "add a voice route in that usage whose NumberPattern matches the dial string, e.g. ^911$");
    EMG_ECRP_PLUS = ("EMG-ECRP-PLUS", Error, Sourced, "[DREMERG][ECRP-DOC]",
        "emergency voice routes do not require a leading '+' (Teams sends emergency numbers without it)",
        "drop the '+' from the pattern, e.g. ^911$ instead of ^\\+911$");
    EMG_ECRP_NON_DR = ("EMG-ECRP-NON-DR", Info, Sourced, "[DYN]",
        "an emergency call routing policy has no effect on Calling Plan, Operator Connect or Teams Phone Mobile users",
        "nothing to fix; remove the policy from these users to keep the set-up clear");
    EMG_ECRP_SHARED_USAGE = ("EMG-ECRP-SHARED-USAGE", Error, Sourced, "[ECRP-DOC]",
        "an emergency call routing policy for Shared Calling (Calling Plan or Operator Connect) users has no PSTN usages",
        "remove the PSTN usages from the policy's emergency numbers: with Shared Calling it only identifies emergency numbers");
    EMG_ECRP_SITE_SHARED = ("EMG-ECRP-SITE-SHARED", Error, Sourced, "[ECRP-DOC]",
        "site-assigned emergency call routing policies are not used when Shared Calling and Direct Routing coexist",
        "remove the emergency call routing policy from the network sites and grant it to users instead");
    EMG_DR_PIDFLO = ("EMG-DR-PIDFLO", Error, Sourced, "[DYN][GW]",
        "a Direct Routing SBC that carries emergency calls has PidfloSupported enabled",
        "Set-CsOnlinePSTNGateway -Identity <sbc> -PidfloSupported $true");
    EMG_DYNAMIC_COUNTRY = ("EMG-DYNAMIC-COUNTRY", Info, Sourced, "[DYN][OCEMERG][DREMERG]",
        "dynamic emergency routing is provided in the US and Canada (Calling Plan, Operator Connect, Teams Phone Mobile) and in the US only (Direct Routing)",
        "nothing to fix; calls carry the location, and routing falls back to the registered address and carrier screening");
    EMG_CP_JP = ("EMG-CP-JP", Error, Sourced, "[CPEMERG]",
        "Calling Plan emergency calling is not supported in Japan",
        "use Operator Connect or Direct Routing for users in Japan");
    EMG_NUMBERS = ("EMG-NUMBERS", Warning, Sourced, "[EMNUM][DYN]",
        "a configured emergency dial string is an emergency number of the user's country",
        "use the country's emergency numbers (`ocpolicy emergency numbers <CC>`), or check that the policy is granted to the right users");
    EMG_WEB_CLIENT = ("EMG-WEB-CLIENT", Warning, Sourced, "[DYN]",
        "the web client does not support dynamic emergency calling",
        "disable PSTN calling in the web client (Set-CsTeamsCallingPolicy -AllowWebPSTNCalling $false) or use a desktop or mobile client");
    EMG_KARI_PREFIX = ("EMG-KARI-PREFIX", Error, Sourced, "[FCC-MLTS][EMNUM]",
        "Kari's Law: in the US, 911 is dialable without a prefix or access code",
        "add 911 itself as a dial string (or dial mask) of the user's emergency call routing policy");
    EMG_KARI_NOTIFY = ("EMG-KARI-NOTIFY", Error, Derived, "[FCC-MLTS][ECP]",
        "Kari's Law: US users' emergency calls notify a central location",
        "set a NotificationGroup (e.g. the security desk) in the users' emergency calling policy",
        "The law is sourced; satisfying it with the emergency calling policy's notification group is our mapping.");
    EMG_RAYBAUM_DISPATCHABLE = ("EMG-RAYBAUM-DISPATCHABLE", Warning, Derived, "[FLETCH][911GEO]",
        "RAY BAUM'S Act: a US location in a multi-floor building names the floor, suite or room",
        "add a place (e.g. \"Floor 3, Suite 300\") under the address and use that location",
        "The definition of a dispatchable location is sourced; raising it when the address is marked multi-floor and the location has no place text is our trigger.");
    EMG_PIDF_NS = ("EMG-PIDF-NS", Error, Sourced, "[RFC5139][DEC112][TAMU]",
        "a PIDF-LO document uses the PIDF, geopriv10, civicAddr and GML namespaces",
        "use the namespaces of RFC 4119, RFC 5139 and RFC 5491 (see `ocpolicy emergency pidf-lo`)");
    EMG_PIDF_COUNTRY = ("EMG-PIDF-COUNTRY", Error, Sourced, "[RFC5139]",
        "the civic `country` element is an ISO 3166 alpha-2 code",
        "write the country as two capital letters, e.g. US");
    EMG_PIDF_UNKNOWN_ELEMENT = ("EMG-PIDF-UNKNOWN-ELEMENT", Error, Sourced, "[RFC5139]",
        "every element in the civicAddr namespace is one of RFC 5139's",
        "use the RFC 5139 element names; extension elements (PN, MP, STP, HNP) belong in the civicAddr:ext namespace");
    EMG_PIDF_CRS = ("EMG-PIDF-CRS", Error, Sourced, "[RFC5491][OGC]",
        "geometry uses srsName EPSG::4326 or EPSG::4979, and uom EPSG::9001 or EPSG::9102",
        "set srsName=\"urn:ogc:def:crs:EPSG::4326\" (2D) or EPSG::4979 (3D), and metres (EPSG::9001) or degrees (EPSG::9102)",
        "The CRS list is sourced from the RFC's examples; refusing others outright is our strictness.");

    // ------------------------------------------------------------ §3.3 conferencing
    CONF_LICENSE = ("CONF-LICENSE", Error, Sourced, "[OCCCONF][OCCPLAN]",
        "an organizer whose invites carry Operator Connect Conferencing numbers (or who dials out) holds Audio Conferencing Standard or an Operator Connect Conferencing licence",
        "assign the organizer Audio Conferencing Standard (MCOMEETADV, or a suite that includes it such as E5) or an Operator Connect Conferencing licence");
    CONF_OPERATOR_PRODUCT = ("CONF-OPERATOR-PRODUCT", Error, Sourced, "[OCCCONF]",
        "the operator of an Operator Connect Conferencing number is enabled for the Conferencing product",
        "enable the Conferencing product for the operator in Teams admin center > Voice > Operators, or remove its numbers from the bridge");
    CONF_BRIDGE_SERVICE_NUMBER = ("CONF-BRIDGE-SERVICE-NUMBER", Error, Sourced, "[BRIDGE]",
        "only service numbers (ConferenceAssignment capability) are assigned to the conferencing bridge",
        "assign a service number (one acquired or uploaded with the conferencing capability) instead of a user number");
    CONF_DEFAULT_TOLLFREE = ("CONF-DEFAULT-TOLLFREE", Error, Sourced, "[BRIDGE]",
        "the bridge's default number is not toll-free",
        "choose a toll service number as DefaultServiceNumber; toll-free numbers can be on the bridge but not its default");
    CONF_DEFAULT_OCC = ("CONF-DEFAULT-OCC", Error, Sourced, "[OCCCONF]",
        "the bridge's default number is not an Operator Connect Conferencing number",
        "choose a Microsoft toll service number as DefaultServiceNumber; OC Conferencing numbers can't be the default");
    CONF_DEFAULT_NOT_ON_BRIDGE = ("CONF-DEFAULT-NOT-ON-BRIDGE", Error, Sourced, "[DIB]",
        "the bridge's default number is one of the bridge's numbers",
        "assign the number to the bridge first (Register-CsOnlineDialInConferencingServiceNumber), then make it the default");
    CONF_USER_DEFAULT_NOT_ON_BRIDGE = ("CONF-USER-DEFAULT-NOT-ON-BRIDGE", Error, Sourced, "[DIU]",
        "an organizer's ServiceNumber (and TollFreeServiceNumber) is on the organizer's bridge",
        "set the organizer's ServiceNumber to a number on the bridge (Set-CsOnlineDialInConferencingUser -ServiceNumber)");
    CONF_SHARED_DEFAULT_COUNTRY = ("CONF-SHARED-DEFAULT-COUNTRY", Error, Sourced, "[ACPLAN]",
        "a shared default number is from the organization's country",
        "choose a default number from the organization's country, or a dedicated number");
    CONF_OCC_ONLY_MS_NUMBERS = ("CONF-OCC-ONLY-MS-NUMBERS", Warning, Sourced, "[OCCPLAN]",
        "an organizer with an Operator Connect Conferencing licence alone does not rely on Microsoft numbers",
        "give the organizer an Operator Connect number as ServiceNumber, or add Audio Conferencing Standard");
    CONF_COMMS_CREDITS = ("CONF-COMMS-CREDITS", Error, Sourced, "[ACPLAN][BRIDGE]",
        "Microsoft toll-free numbers and international dial-out that Microsoft routes have Communications Credits",
        "set up Communications Credits for the tenant, or remove the Microsoft toll-free number / route the dial-out through an operator");
    CONF_BSPN_EXCLUSIVE = ("CONF-BSPN-EXCLUSIVE", Error, Sourced, "[OVR]",
        "a voice route has either a BridgeSourcePhoneNumber or an OnlinePstnGatewayList, not both",
        "remove the gateways from the BridgeSourcePhoneNumber route (the operator routes it), or create a separate route for the SBCs");
    CONF_BSPN_NOT_OCC = ("CONF-BSPN-NOT-OCC", Error, Sourced, "[OVR][OCCCONF]",
        "BridgeSourcePhoneNumber is an E.164 Operator Connect Conferencing number on the bridge",
        "set BridgeSourcePhoneNumber to an OC Conferencing number assigned to the bridge, written +<country code><number>");
    CONF_USAGE_SHARED = ("CONF-USAGE-SHARED", Error, Sourced, "[OVR]",
        "PSTN usages of BridgeSourcePhoneNumber routes are used only in audio-conferencing routing policies",
        "give the BridgeSourcePhoneNumber routes a usage of their own, used by no other route and no online voice routing policy");
    CONF_USAGE_EXISTS = ("CONF-USAGE-EXISTS", Error, Sourced, "[ACRP][OVR][PSTNU]",
        "every PSTN usage a route or policy names exists in the global PSTN usages",
        "add the usage (Set-CsOnlinePstnUsage -Identity Global -Usage @{Add=\"<usage>\"}) or fix its spelling");
    CONF_ROUTE_EMPTY = ("CONF-ROUTE-EMPTY", Warning, Sourced, "[OVR]",
        "a voice route has PSTN usages, and gateways or a BridgeSourcePhoneNumber",
        "add the route to a PSTN usage and give it gateways or a BridgeSourcePhoneNumber, or remove it",
        "The cmdlet only warns on create [OVR]; that such a route is never used is our derivation: without usages no policy reaches it, without gateways or a bridge number it has nowhere to send the call.");
    CONF_REGEX_INVALID = ("CONF-REGEX-INVALID", Error, Sourced, "[DRVR]",
        "a NumberPattern or normalization Pattern is a .NET regular expression in the subset ocpolicy evaluates with the same meaning",
        "rewrite the pattern without the construct named in the message (lookaround, backreferences, atomic groups, conditionals, class subtraction...); anchored digit patterns such as ^\\+1(\\d{10})$ are supported",
        "Teams evaluates .NET regular expressions; ocpolicy evaluates the subset that Rust's `regex` crate expresses with the same meaning and refuses the rest by name, rather than evaluate it with another meaning.");
    CONF_SHADOWED_ROUTE = ("CONF-SHADOWED-ROUTE", Warning, Derived, "[DRVR]",
        "no usage of an audio-conferencing routing policy comes after a usage with a catch-all route",
        "move the catch-all usage to the end of the policy's usages, or narrow its pattern",
        "Follows from [DRVR]: usages are evaluated in order and a match in one stops the search. A pattern counts as catch-all when it matches every number of a broad probe set (40 country codes at every length from 8 to 15 digits, plus NANP numbers of 11 area codes).");
    CONF_ROUTE_BACKUP_ONLY = ("CONF-ROUTE-BACKUP-ONLY", Info, Derived, "[DRVR]",
        "a route is never the first choice: a route with a lower priority in the same usage matches every number it matches",
        "if it is meant as a backup, nothing to fix; otherwise narrow the earlier route's pattern or change the priorities",
        "Not in the domain reference's table: ocpolicy's own lint finding, derived from [DRVR] (routes are tried by ascending priority). Containment is judged on a broad probe set plus the route's own sample numbers; such a route still carries calls when every SBC of the earlier route is down.");
    CONF_OCC_NO_ROUTE = ("CONF-OCC-NO-ROUTE", Error, Derived, "[OCCPLAN][OCCCONF]",
        "an organizer with an Operator Connect Conferencing licence but not Audio Conferencing Standard has a route for every dial-out",
        "add a BridgeSourcePhoneNumber route for this destination to a usage of the organizer's audio-conferencing routing policy, or give the organizer Audio Conferencing Standard",
        "[OCCPLAN] says all outbound calls from meetings must go via an operator with an OCC licence alone, so with no matching route nothing can carry the call.");
    CONF_DIALOUT_RESTRICTED = ("CONF-DIALOUT-RESTRICTED", Error, Sourced, "[DIALOUT][ZONEA]",
        "the organizer's OnlineDialOutPolicy allows meeting dial-out to the destination's country",
        "grant the organizer a dial-out policy that allows this destination (e.g. tag:DialoutCPCandPSTNInternational)");
    CONF_DIALOUT_RA = ("CONF-DIALOUT-RA", Error, Sourced, "[DOP]",
        "OnlineDialOutPolicy is granted to users only: not to resource accounts, not to groups",
        "grant the policy to each user (Grant-CsDialoutPolicy -Identity <user>), or tenant-wide with -Global");
    CONF_ONNET_PPM = ("CONF-ONNET-PPM", Error, Sourced, "[ONNET]",
        "on-network conferencing (an audio-conferencing routing policy with Direct Routing routes) is not used by pay-per-minute organizers",
        "give the organizer Audio Conferencing Standard instead of pay-per-minute, or remove the on-network routes from their policy");
    CONF_ONNET_INDIA = ("CONF-ONNET-INDIA", Error, Sourced, "[ONNET]",
        "on-network conferencing is not deployed with telephony equipment in India",
        "remove the Indian SBCs from the audio-conferencing routes");
    CONF_DIALPLAN_LIMITS = ("CONF-DIALPLAN-LIMITS", Error, Sourced, "[DIALPLAN][TDP]",
        "dial plans keep Teams' limits: 50 rules per plan, 1,000 plans, identities of at most 49 letters, digits, '-' and '.' not starting with '.', descriptions of at most 1,040 (plan) and 512 (rule) characters",
        "split the plan, shorten the identity or description, or remove rules");
    CONF_REMOVE_OPERATOR = ("CONF-REMOVE-OPERATOR", Error, Sourced, "[OCCCONF]",
        "an operator whose conferencing numbers are on the bridge or assigned to organizers is not removed",
        "remove the operator's numbers from organizers and from the bridge first (Unregister-CsOnlineDialInConferencingServiceNumber)");
}

/// A behaviour the resolver follows rather than a violation it raises
/// (EMG-MATCH-ORDER, EMG-PRECEDENCE). Traces cite them.
#[derive(Debug, Clone, Copy, serde::Serialize)]
pub struct Behaviour {
    /// Stable code.
    pub code: &'static str,
    /// Evidence status.
    pub status: Status,
    /// Source keys.
    pub citation: &'static str,
    /// What the resolver does.
    pub summary: &'static str,
}

/// The resolvers' documented behaviours.
pub const BEHAVIOURS: &[Behaviour] = &[
    Behaviour {
        code: "EMG-MATCH-ORDER",
        status: Status::Sourced,
        citation: "[DYN]",
        summary: "the LIS is matched in the order WAP, switch and port, switch, subnet; the first match wins",
    },
    Behaviour {
        code: "EMG-PRECEDENCE",
        status: Status::Sourced,
        citation: "[DISP]",
        summary: "the location is the dynamic LIS address, else a user-confirmed or edited address, else an OS-suggested one, else one the user entered, else the admin's static address on the number",
    },
    Behaviour {
        code: "CONF-ROUTING",
        status: Status::Derived,
        citation: "[DIALPLAN][DRVR][ONNET][OVR][OCCCONF][BRIDGE][OCCPLAN]",
        summary: "normalize with the organizer's dial plan (first matching rule, else +CC), apply the dial-out policy, take the organizer's audio-conferencing routing policy (user, group, Global), search its usages in order and the matching routes by ascending priority; a BridgeSourcePhoneNumber route goes through that number's operator with it as caller ID; no match: Microsoft with the bridge default as caller ID, or not routable with an OCC licence alone",
    },
];

/// Look up a rule by its code.
pub fn find(code: &str) -> Option<&'static Rule> {
    ALL.iter().find(|r| r.code == code)
}

/// Look up a rule by its position in [`ALL`] ([`Rule::index`]).
pub fn at(index: u16) -> Option<&'static Rule> {
    ALL.get(usize::from(index))
}

#[cfg(test)]
mod tests {
    use super::{ALL, at, carried};

    #[test]
    fn the_default_build_carries_every_rule_text() {
        for rule in ALL {
            assert!(carried(rule.code), "{}", rule.code);
            assert!(!rule.summary.is_empty(), "{} has no summary", rule.code);
            assert!(!rule.remediation.is_empty(), "{} has no fix", rule.code);
        }
    }

    #[test]
    fn every_rule_is_found_at_its_index() {
        assert!(ALL.len() < usize::from(u16::MAX));
        for (i, rule) in ALL.iter().enumerate() {
            assert_eq!(usize::from(rule.index), i, "{}", rule.code);
            assert_eq!(at(rule.index).map(|r| r.code), Some(rule.code));
        }
        assert!(at(u16::try_from(ALL.len()).unwrap_or(u16::MAX)).is_none());
    }
}

//! One record of each export, as the tenant document's types. A mapper
//! returns the record or why it cannot be mapped; problems with single fields
//! stay on the [`Rec`] as issues.

use crate::read::Rec;
use ocpolicy_rules::types::{
    AccountKind, ActivationState, AssignmentBlock, AssignmentCategory, AssignmentStatus,
    Capability, CivicAddress, ConferencingRoute, DialPlan, EmergencyCallRoutingPolicy,
    EmergencyCallingPolicy, EmergencyNumber, ExtendedNotification, LisPort, LisSubnet, LisSwitch,
    LisWap, Location, NetworkSite, NetworkSubnet, NormalizationRule, NumberSource, NumberType,
    ResourceAccountType, TeamsMode, TrustedIp, ValidationStatus,
};
use serde_json::{Map, Value};

/// `NumberType`, in the order of the module's enum.
const NUMBER_TYPE: &[(&str, Option<NumberType>)] = &[
    ("InternalError", None),
    ("DirectRouting", Some(NumberType::DirectRouting)),
    ("CallingPlan", Some(NumberType::CallingPlan)),
    ("OperatorConnect", Some(NumberType::OperatorConnect)),
    ("UnknownFutureValue", None),
    // Teams Phone Mobile numbers, as third-party scripts name them.
    ("OCMobile", Some(NumberType::OperatorConnect)),
    ("InternalCalling", None),
];

const ACTIVATION: &[(&str, Option<ActivationState>)] = &[
    ("Activated", Some(ActivationState::Activated)),
    (
        "AssignmentPending",
        Some(ActivationState::AssignmentPending),
    ),
    ("AssignmentFailed", Some(ActivationState::AssignmentFailed)),
    ("UpdatePending", Some(ActivationState::UpdatePending)),
    ("UpdateFailed", Some(ActivationState::UpdateFailed)),
    ("UnknownFutureValue", None),
];

const STATUS: &[(&str, Option<AssignmentStatus>)] = &[
    ("Unassigned", Some(AssignmentStatus::Unassigned)),
    ("UserAssigned", Some(AssignmentStatus::UserAssigned)),
    (
        "ConferenceAssigned",
        Some(AssignmentStatus::ConferenceAssigned),
    ),
    (
        "VoiceApplicationAssigned",
        Some(AssignmentStatus::VoiceApplicationAssigned),
    ),
    (
        "ThirdPartyAppAssigned",
        Some(AssignmentStatus::ThirdPartyAppAssigned),
    ),
    ("PolicyAssigned", Some(AssignmentStatus::PolicyAssigned)),
    ("InternalError", None),
    ("UnknownFutureValue", None),
];

const CATEGORY: &[(&str, Option<AssignmentCategory>)] = &[
    ("Primary", Some(AssignmentCategory::Primary)),
    ("Private", Some(AssignmentCategory::Private)),
    ("Alternate", Some(AssignmentCategory::Alternate)),
    ("UnknownFutureValue", None),
];

const SOURCE: &[(&str, Option<NumberSource>)] = &[
    ("Online", Some(NumberSource::Online)),
    ("OnPremises", Some(NumberSource::OnPremises)),
    ("UnknownFutureValue", None),
];

/// A capability name (`UserAssignment`, Graph's `userAssignment`).
fn capability(name: &str) -> Option<Capability> {
    const ALL: &[(&str, Capability)] = &[
        ("UserAssignment", Capability::UserAssignment),
        (
            "VoiceApplicationAssignment",
            Capability::VoiceApplicationAssignment,
        ),
        ("ConferenceAssignment", Capability::ConferenceAssignment),
        ("TeamsPhoneMobile", Capability::TeamsPhoneMobile),
        ("SharedCalling", Capability::SharedCalling),
        (
            "FirstPartyAppAssignment",
            Capability::FirstPartyAppAssignment,
        ),
        ("Geographic", Capability::Geographic),
        ("InboundCalling", Capability::InboundCalling),
        ("OutboundCalling", Capability::OutboundCalling),
    ];
    ALL.iter()
        .find(|(n, _)| n.eq_ignore_ascii_case(name.trim()))
        .map(|(_, c)| *c)
}

/// A number as the inventory holds it, with what the join needs.
pub struct Number {
    /// The record.
    pub number: ocpolicy_rules::types::PhoneNumber,
    /// `AssignedPstnTargetId` as exported (an ObjectId).
    pub target_id: Option<String>,
    /// `PstnPartnerName`.
    pub partner: Option<String>,
}

/// `Get-CsPhoneNumberAssignment`, `Export-CsAcquiredPhoneNumber` and Graph
/// `numberAssignments`.
pub fn number(r: &mut Rec) -> Result<Number, String> {
    let mut telephone = r.req(&["TelephoneNumber", "PhoneNumber"])?;
    let number_type = r
        .enumeration(&["NumberType", "PhoneNumberType", "Type"], NUMBER_TYPE)
        .ok_or_else(|| {
            why(
                r,
                "NumberType",
                "Direct Routing, Calling Plan or Operator Connect",
            )
        })?;
    // Calling Plan and Operator Connect numbers are E.164; exports print some
    // without the `+`.
    if telephone.chars().all(|c| c.is_ascii_digit()) {
        telephone.insert(0, '+');
    }
    let mut capabilities = Vec::new();
    for name in r.list(&["Capability", "Capabilities", "AcquiredCapabilities"]) {
        match capability(&name) {
            Some(c) if !capabilities.contains(&c) => capabilities.push(c),
            Some(_) => {}
            None => r.issues.push(crate::read::FieldIssue {
                field: "Capability".into(),
                why: format!("`{name}` is a capability ocpolicy does not model; it is left out"),
            }),
        }
    }
    let assignment_status = r
        .enumeration(&["PstnAssignmentStatus", "AssignmentStatus"], STATUS)
        .unwrap_or(AssignmentStatus::Unassigned);
    let target_id = r.str(&[
        "AssignedPstnTargetId",
        "AssignmentTargetId",
        "TargetId",
        "AssignedTo",
    ]);
    let iso = match r.str(&["IsoCountryCode"]) {
        Some(c) => c.to_ascii_uppercase(),
        None => match ocpolicy_rules::number_country(&telephone) {
            Some(c) => c,
            None => {
                // Not a valid number of any plan (Microsoft's own examples
                // include `+112345`, a Direct Routing number): the main
                // country of its calling code, said as an inference.
                let c = calling_code_country(&telephone).ok_or_else(|| {
                    format!("`IsoCountryCode` is missing and `{telephone}` has no calling code of any country; export the number with its IsoCountryCode")
                })?;
                r.issues.push(crate::read::FieldIssue {
                    field: "IsoCountryCode".into(),
                    why: format!(
                        "missing, and `{telephone}` is valid in no numbering plan: taken as {c}, the main country of its calling code"
                    ),
                });
                c
            }
        },
    };
    let number = ocpolicy_rules::types::PhoneNumber {
        telephone_number: telephone,
        number_type,
        activation_state: r
            .enumeration(&["ActivationState", "ActivationStatus"], ACTIVATION)
            .unwrap_or(ActivationState::Activated),
        capabilities,
        assignment_status,
        assigned_target: None,
        assignment_category: if assignment_status == AssignmentStatus::Unassigned {
            None
        } else {
            r.enumeration(&["AssignmentCategory"], CATEGORY)
        },
        iso_country_code: iso,
        location_id: r.str(&["LocationId"]),
        location_update_supported: r.bool(&["LocationUpdateSupported"]).unwrap_or(true),
        operator_id: r.str(&["OperatorId"]),
        number_source: r.enumeration(&["NumberSource"], SOURCE),
        block: block(r),
    };
    Ok(Number {
        number,
        target_id,
        partner: r.str(&["PstnPartnerName", "PartnerName"]),
    })
}

/// `AssignmentBlockedState` with `AssignmentBlockedUntil`.
fn block(r: &mut Rec) -> Option<AssignmentBlock> {
    // In the documented order (`NotBlocked`, `BlockedForever`, `BlockedUntil`).
    const STATE: &[(&str, Option<u8>)] = &[
        ("NotBlocked", Some(0)),
        ("BlockedForever", Some(2)),
        ("BlockedUntil", Some(1)),
    ];
    match r.enumeration(&["AssignmentBlockedState"], STATE)? {
        0 => Some(AssignmentBlock::NotBlocked),
        2 => Some(AssignmentBlock::BlockedForever),
        _ => match r.date(&["AssignmentBlockedUntil"]) {
            Some(until) => Some(AssignmentBlock::BlockedUntil(until)),
            None => {
                r.issues.push(crate::read::FieldIssue {
                    field: "AssignmentBlockedUntil".into(),
                    why: "the number is BlockedUntil but gives no date; it is taken as blocked forever until exported again".into(),
                });
                Some(AssignmentBlock::BlockedForever)
            }
        },
    }
}

/// The main country of the calling code `number` starts with.
fn calling_code_country(number: &str) -> Option<String> {
    let digits: String = number
        .trim_start_matches("tel:")
        .trim_start_matches('+')
        .chars()
        .take_while(char::is_ascii_digit)
        .collect();
    let db = &*phonenumber::metadata::DATABASE;
    (1..=3).filter(|n| *n <= digits.len()).find_map(|n| {
        let code: u16 = digits.get(..n)?.parse().ok()?;
        let all = db.by_code(&code)?;
        let main = all
            .iter()
            .find(|m| m.is_main_country_for_code())
            .or_else(|| all.first())?;
        let id = main.id();
        (id != "001").then(|| id.to_string())
    })
}

/// The message for a required enum that is missing or not modelled.
fn why(r: &Rec, field: &str, what: &str) -> String {
    match r.issues.last() {
        Some(i) if i.field.eq_ignore_ascii_case(field) => format!("`{}`: {}", i.field, i.why),
        _ => format!("`{field}` is missing: it must say {what}"),
    }
}

/// A user or resource account, with the ids numbers refer to it by.
pub struct User {
    /// The account.
    pub account: ocpolicy_rules::types::Account,
    /// The ids numbers may refer to it by, lower case: its ObjectId
    /// (`Identity` in the current module, `ObjectId` in older ones) and its
    /// SIP address.
    pub ids: Vec<String>,
    /// Policies conferencing needs.
    pub conferencing_policy: Option<String>,
    /// `OnlineDialOutPolicy`.
    pub dial_out_policy: Option<String>,
    /// `TenantDialPlan`.
    pub dial_plan: Option<String>,
    /// `TenantId`.
    pub tenant_id: Option<String>,
    /// Licences came from `FeatureTypes`, not `AssignedPlan`.
    pub licences_from_features: bool,
}

const MODE: &[(&str, Option<TeamsMode>)] = &[
    ("Islands", Some(TeamsMode::Islands)),
    ("SfBOnly", Some(TeamsMode::SfbOnly)),
    ("SfBWithTeamsCollab", Some(TeamsMode::SfbWithTeamsCollab)),
    (
        "SfBWithTeamsCollabAndMeetings",
        Some(TeamsMode::SfbWithTeamsCollabAndMeetings),
    ),
    ("TeamsOnly", Some(TeamsMode::TeamsOnly)),
    ("UpgradeToTeams", Some(TeamsMode::TeamsOnly)),
];

/// What a `FeatureTypes` entry stands for, as a licence the rules know.
fn feature_licence(feature: &str) -> Option<&'static str> {
    const ALL: &[(&str, &str)] = &[
        ("PhoneSystem", "MCOEV"),
        ("CallingPlan", "MCOPSTN1"),
        ("AudioConferencing", "MCOMEETADV"),
        ("PhoneSystemVirtualUser", "PHONESYSTEM_VIRTUALUSER"),
        ("VoiceApp", "PHONESYSTEM_VIRTUALUSER"),
    ];
    ALL.iter()
        .find(|(f, _)| f.eq_ignore_ascii_case(feature.trim()))
        .map(|(_, l)| *l)
}

/// The resource-account application ids Microsoft documents.
fn resource_type(application_id: &str) -> Option<ResourceAccountType> {
    match application_id.trim().to_ascii_lowercase().as_str() {
        "ce933385-9390-45d1-9512-c8d228074e07" => Some(ResourceAccountType::AutoAttendant),
        "11cd3e2e-fccb-42ad-ad00-878b93575e07" => Some(ResourceAccountType::CallQueue),
        _ => None,
    }
}

/// `Get-CsOnlineUser`. `Ok(None)`: an account that holds no numbers by
/// design (a guest), with the reason in the error position of the caller.
pub fn user(r: &mut Rec) -> Result<User, String> {
    let upn = r.req(&["UserPrincipalName"])?;
    if let Some(at) = r.date(&["SoftDeletionTimestamp"]) {
        return Err(format!(
            "{FILTERED}the account was deleted ({at}, SoftDeletionTimestamp)"
        ));
    }
    let interpreted = r
        .str(&["InterpretedUserType"])
        .unwrap_or_default()
        .to_ascii_lowercase();
    let kind = match r
        .str(&["AccountType"])
        .unwrap_or_default()
        .to_ascii_lowercase()
        .as_str()
    {
        "resourceaccount" => AccountKind::ResourceAccount,
        "guest" => {
            return Err(format!(
                "{FILTERED}AccountType is Guest: a guest cannot hold a Teams phone number"
            ));
        }
        _ if interpreted.contains("applicationinstance") => AccountKind::ResourceAccount,
        _ if interpreted.contains("guest") => {
            return Err(format!(
                "{FILTERED}InterpretedUserType is {interpreted}: a guest cannot hold a Teams phone number"
            ));
        }
        _ => AccountKind::User,
    };
    let mut licences = Vec::new();
    let plans = r.objects(&["AssignedPlan"]);
    for p in &plans {
        let mut pr = Rec::new(p);
        // Enabled, or still usable (a warning, a grace period); Deleted and
        // Suspended plans entitle nothing.
        let status = pr
            .str(&["CapabilityStatus"])
            .unwrap_or_else(|| "Enabled".into());
        let usable = status.eq_ignore_ascii_case("Enabled")
            || status.eq_ignore_ascii_case("Warning")
            || pr.bool(&["IsInGracePeriod"]) == Some(true);
        if !usable {
            continue;
        }
        if let Some(name) = pr.str(&["Capability", "ServicePlanName", "ServicePlan"])
            && !licences
                .iter()
                .any(|l: &String| l.eq_ignore_ascii_case(&name))
        {
            licences.push(name);
        }
    }
    let mut from_features = false;
    if plans.is_empty() {
        for f in r.list(&["FeatureTypes"]) {
            if let Some(l) = feature_licence(&f)
                && !licences.iter().any(|x| x == l)
            {
                licences.push(l.to_string());
                from_features = true;
            }
        }
    }
    if kind == AccountKind::ResourceAccount
        && licences
            .iter()
            .any(|l| l.eq_ignore_ascii_case("MCOEV_VIRTUALUSER"))
        && !licences.iter().any(|l| l == "PHONESYSTEM_VIRTUALUSER")
    {
        // The service plan of the Teams Phone Resource Account licence.
        licences.push("PHONESYSTEM_VIRTUALUSER".into());
    }
    let teams_mode = r
        .enumeration(&["TeamsUpgradeEffectiveMode"], MODE)
        .unwrap_or(TeamsMode::TeamsOnly);
    // A policy granted through a group is in EffectivePolicyAssignments only.
    let effective = effective_policies(r);
    let granted = |r: &mut Rec, field: &str| {
        policy(r.str(&[field])).or_else(|| {
            effective
                .iter()
                .find(|(t, _)| t.eq_ignore_ascii_case(field))
                .and_then(|(_, n)| policy(Some(n.clone())))
        })
    };
    let account = ocpolicy_rules::types::Account {
        identity: upn,
        kind,
        resource_account_type: if kind == AccountKind::ResourceAccount {
            r.str(&["ApplicationId"]).and_then(|a| resource_type(&a))
        } else {
            None
        },
        usage_location: r.str(&["UsageLocation"]).map(|u| u.to_ascii_uppercase()),
        licenses: licences,
        teams_mode,
        enterprise_voice_enabled: r.bool(&["EnterpriseVoiceEnabled"]),
        on_prem_line_uri: r.str(&["OnPremLineURI", "OnPremLineUri"]),
        online_voice_routing_policy: granted(r, "OnlineVoiceRoutingPolicy"),
        emergency_calling_policy: granted(r, "TeamsEmergencyCallingPolicy"),
        emergency_call_routing_policy: granted(r, "TeamsEmergencyCallRoutingPolicy"),
        shared_calling: None,
    };
    let conferencing_policy = granted(r, "OnlineAudioConferencingRoutingPolicy");
    let dial_out_policy = granted(r, "OnlineDialOutPolicy");
    let dial_plan = granted(r, "TenantDialPlan");
    Ok(User {
        account,
        ids: [
            r.str(&["Identity"]),
            r.str(&["ObjectId"]),
            r.str(&["SipAddress"]).map(|s| match s.get(..4) {
                Some(p) if p.eq_ignore_ascii_case("sip:") => s[4..].to_string(),
                _ => s,
            }),
        ]
        .into_iter()
        .flatten()
        .map(|i| i.to_ascii_lowercase())
        .collect(),
        conferencing_policy,
        dial_out_policy,
        dial_plan,
        tenant_id: r.str(&["TenantId"]),
        licences_from_features: from_features,
    })
}

/// A policy name; `Global` (and blank) means the global policy, which the
/// model writes as absent. A reference printed as `<Authority>:<Name>`
/// (`Tenant:HQ`, `Host:DialoutCPCandPSTNInternational`) is its name.
fn policy(name: Option<String>) -> Option<String> {
    let name = name?;
    let name = ["Tenant:", "Host:"]
        .iter()
        .find_map(|p| {
            name.get(..p.len())
                .filter(|h| h.eq_ignore_ascii_case(p))
                .map(|_| name[p.len()..].trim().to_string())
        })
        .unwrap_or(name);
    (!name.eq_ignore_ascii_case("Global") && !name.is_empty()).then_some(name)
}

/// `EffectivePolicyAssignments` (Get-CsOnlineUser and Graph alike): each
/// policy type with the display name of the policy in force.
fn effective_policies(r: &mut Rec) -> Vec<(String, String)> {
    let mut out = Vec::new();
    for a in r.objects(&["EffectivePolicyAssignments"]) {
        let mut ar = Rec::new(a);
        let Some(t) = ar.str(&["PolicyType"]) else {
            continue;
        };
        let name = ar
            .get(&["PolicyAssignment"])
            .and_then(|(_, v)| v.as_object())
            .and_then(|o| Rec::new(o).str(&["DisplayName", "PolicyName"]));
        if let Some(n) = name {
            out.push((t, n));
        }
    }
    out
}

/// The prefix of a skip reason for a record left out by design (a guest, a
/// deleted account), which the report lists apart from failures.
pub const FILTERED: &str = "filtered: ";

/// Graph `userConfigurations`.
pub fn graph_user(r: &mut Rec) -> Result<User, String> {
    let upn = r.req(&["userPrincipalName"])?;
    let kind = match r
        .str(&["accountType"])
        .unwrap_or_default()
        .to_ascii_lowercase()
        .as_str()
    {
        "resourceaccount" => AccountKind::ResourceAccount,
        "guest" => {
            return Err(format!(
                "{FILTERED}accountType is guest: a guest cannot hold a Teams phone number"
            ));
        }
        _ => AccountKind::User,
    };
    let mut licences = Vec::new();
    for f in r.list(&["featureTypes"]) {
        if let Some(l) = feature_licence(&f)
            && !licences.iter().any(|x| x == l)
        {
            licences.push(l.to_string());
        }
    }
    let policies: Vec<(String, String)> = effective_policies(r)
        .into_iter()
        .map(|(t, n)| (t.to_ascii_lowercase(), n))
        .collect();
    let find = |t: &str| {
        policy(
            policies
                .iter()
                .find(|(k, _)| k == &t.to_ascii_lowercase())
                .map(|(_, v)| v.clone()),
        )
    };
    let account = ocpolicy_rules::types::Account {
        identity: upn,
        kind,
        resource_account_type: None,
        usage_location: None,
        licenses: licences,
        teams_mode: TeamsMode::TeamsOnly,
        enterprise_voice_enabled: r.bool(&["isEnterpriseVoiceEnabled"]),
        on_prem_line_uri: None,
        online_voice_routing_policy: find("OnlineVoiceRoutingPolicy"),
        emergency_calling_policy: find("TeamsEmergencyCallingPolicy"),
        emergency_call_routing_policy: find("TeamsEmergencyCallRoutingPolicy"),
        shared_calling: None,
    };
    Ok(User {
        account,
        ids: [r.str(&["id"]), r.str(&["userId"])]
            .into_iter()
            .flatten()
            .map(|i| i.to_ascii_lowercase())
            .collect(),
        conferencing_policy: find("OnlineAudioConferencingRoutingPolicy"),
        dial_out_policy: find("OnlineDialOutPolicy"),
        dial_plan: find("TenantDialPlan"),
        tenant_id: r.str(&["tenantId"]),
        licences_from_features: true,
    })
}

/// A civic address, with its default location and tenant.
pub struct Address {
    /// The address.
    pub address: CivicAddress,
    /// `DefaultLocationId`.
    pub default_location: Option<String>,
}

/// `Get-CsOnlineLisCivicAddress`.
pub fn address(r: &mut Rec) -> Result<Address, String> {
    let id = r.req(&["CivicAddressId"])?;
    let country = r.req(&["CountryOrRegion"])?.to_ascii_uppercase();
    // Documented as Valid, Invalid or Notvalidated (and printed Validated).
    let validation_status = match r.str(&["ValidationStatus"]) {
        Some(s) if s.eq_ignore_ascii_case("Validated") || s.eq_ignore_ascii_case("Valid") => {
            ValidationStatus::Validated
        }
        _ => ValidationStatus::NotValidated,
    };
    let address = CivicAddress {
        id,
        // Mandatory in New-CsOnlineLisCivicAddress; an export without it
        // keeps the gap for the address rules to name.
        company_name: r.str(&["CompanyName"]).unwrap_or_default(),
        company_tax_id: r.str(&["CompanyTaxId"]),
        country_or_region: country,
        state_or_province: r.str(&["StateOrProvince"]),
        city: r.str(&["City"]),
        city_alias: r.str(&["CityAlias"]),
        postal_code: r.str(&["PostalCode"]),
        house_number: r.str(&["HouseNumber"]),
        house_number_suffix: r.str(&["HouseNumberSuffix"]),
        pre_directional: r.str(&["PreDirectional"]),
        street_name: r.str(&["StreetName"]),
        street_suffix: r.str(&["StreetSuffix"]),
        post_directional: r.str(&["PostDirectional"]),
        latitude: r.num(&["Latitude"]),
        longitude: r.num(&["Longitude"]),
        elin: r.str(&["Elin"]),
        description: r.str(&["Description"]),
        validation_status,
        created_at: None,
        multi_floor: None,
    };
    Ok(Address {
        address,
        default_location: r.str(&["DefaultLocationId"]),
    })
}

/// `Get-CsOnlineLisLocation`.
pub fn location(r: &mut Rec) -> Result<Location, String> {
    Ok(Location {
        location_id: r.req(&["LocationId"])?,
        civic_address_id: r.req(&["CivicAddressId"])?,
        place: r.str(&["Location", "Place"]),
        elin: r.str(&["Elin"]),
    })
}

/// `Get-CsOnlineLisWirelessAccessPoint`.
pub fn wap(r: &mut Rec) -> Result<LisWap, String> {
    Ok(LisWap {
        bssid: r.req(&["BSSID"])?,
        location_id: r.req(&["LocationId"])?,
        description: r.str(&["Description"]),
    })
}

/// `Get-CsOnlineLisSwitch`.
pub fn switch(r: &mut Rec) -> Result<LisSwitch, String> {
    Ok(LisSwitch {
        chassis_id: r.req(&["ChassisID"])?,
        location_id: r.req(&["LocationId"])?,
        description: r.str(&["Description"]),
    })
}

/// `Get-CsOnlineLisPort`.
pub fn port(r: &mut Rec) -> Result<LisPort, String> {
    Ok(LisPort {
        chassis_id: r.req(&["ChassisID"])?,
        port_id: r.req(&["PortID"])?,
        location_id: r.req(&["LocationId"])?,
        description: r.str(&["Description"]),
    })
}

/// `Get-CsOnlineLisSubnet`.
pub fn subnet(r: &mut Rec) -> Result<LisSubnet, String> {
    Ok(LisSubnet {
        subnet: r.req(&["Subnet"])?,
        prefix_length: None,
        location_id: r.req(&["LocationId"])?,
        description: r.str(&["Description"]),
    })
}

fn bits(r: &mut Rec, names: &[&str], max: u8) -> Option<u8> {
    let n = r.num(names)?;
    if n.fract() == 0.0 && (0.0..=f64::from(max)).contains(&n) {
        // In range and whole, so the cast is exact.
        Some(n as u8)
    } else {
        r.issues.push(crate::read::FieldIssue {
            field: names[0].into(),
            why: format!("`{n}` is not a prefix length (0 to {max})"),
        });
        None
    }
}

/// `Get-CsTenantTrustedIPAddress`.
pub fn trusted_ip(r: &mut Rec) -> Result<TrustedIp, String> {
    Ok(TrustedIp {
        // `Identity` is the address in the documented output.
        ip_address: r.req(&["IPAddress", "Identity"])?,
        mask_bits: bits(r, &["MaskBits"], 128),
        description: r.str(&["Description"]),
    })
}

/// `Get-CsTenantNetworkSite`.
pub fn network_site(r: &mut Rec) -> Result<NetworkSite, String> {
    Ok(NetworkSite {
        identity: r.req(&["NetworkSiteID", "Identity"])?,
        emergency_calling_policy: policy(r.str(&[
            "EmergencyCallingPolicyName",
            "EmergencyCallingPolicy",
            "EmergencyCallingPolicyTagID",
        ])),
        emergency_call_routing_policy: policy(r.str(&[
            "EmergencyCallRoutingPolicyName",
            "EmergencyCallRoutingPolicy",
            "EmergencyCallRoutingPolicyTagID",
        ])),
    })
}

/// `Get-CsTenantNetworkSubnet`.
pub fn network_subnet(r: &mut Rec) -> Result<NetworkSubnet, String> {
    let subnet = r.req(&["SubnetID", "Identity"])?;
    let mask_bits = bits(r, &["MaskBits"], 128).ok_or("`MaskBits` is missing")?;
    Ok(NetworkSubnet {
        subnet,
        mask_bits,
        network_site_id: r.req(&["NetworkSiteID"])?,
    })
}

/// `NotificationMode`, in the order of its enum.
const NOTIFICATION: &[(&str, Option<&str>)] = &[
    ("NotificationOnly", Some("NotificationOnly")),
    ("ConferenceMuted", Some("ConferenceMuted")),
    ("ConferenceUnMuted", Some("ConferenceUnMuted")),
];

const LOOKUP: &[(&str, Option<bool>)] = &[("Disabled", Some(false)), ("Enabled", Some(true))];

/// `Get-CsTeamsEmergencyCallingPolicy`.
pub fn calling_policy(r: &mut Rec) -> Result<EmergencyCallingPolicy, String> {
    let identity = r.req(&["Identity"])?;
    let mut extended = Vec::new();
    for e in r.objects(&["ExtendedNotifications"]) {
        let mut er = Rec::new(e);
        if let Some(ds) = er.str(&["EmergencyDialString"]) {
            extended.push(ExtendedNotification {
                emergency_dial_string: ds,
                notification_group: er.str(&["NotificationGroup"]),
                notification_mode: er
                    .enumeration(&["NotificationMode"], NOTIFICATION)
                    .map(String::from),
                notification_dial_out_number: er.str(&["NotificationDialOutNumber"]),
            });
        }
        r.issues.extend(er.issues);
    }
    Ok(EmergencyCallingPolicy {
        identity,
        notification_mode: r
            .enumeration(&["NotificationMode"], NOTIFICATION)
            .map(String::from),
        notification_group: r.str(&["NotificationGroup"]),
        notification_group_users: None,
        notification_dial_out_number: r.str(&["NotificationDialOutNumber"]),
        external_location_lookup_mode: r.enumeration(&["ExternalLocationLookupMode"], LOOKUP),
        enhanced_emergency_service_disclaimer: r.str(&["EnhancedEmergencyServiceDisclaimer"]),
        description: r.str(&["Description"]),
        extended_notifications: (!extended.is_empty()).then_some(extended),
    })
}

/// `Get-CsTeamsEmergencyCallRoutingPolicy`.
pub fn routing_policy(r: &mut Rec) -> Result<EmergencyCallRoutingPolicy, String> {
    let identity = r.req(&["Identity"])?;
    let mut numbers = Vec::new();
    for n in r.objects(&["EmergencyNumbers"]) {
        let mut nr = Rec::new(n);
        if let Some(ds) = nr.str(&["EmergencyDialString"]) {
            numbers.push(EmergencyNumber {
                dial_string: ds,
                dial_mask: nr.str(&["EmergencyDialMask"]),
                online_pstn_usage: nr.str(&["OnlinePSTNUsage"]),
            });
        }
        r.issues.extend(nr.issues);
    }
    Ok(EmergencyCallRoutingPolicy {
        identity,
        allow_enhanced_emergency_services: r.bool(&["AllowEnhancedEmergencyServices"]),
        emergency_numbers: numbers,
    })
}

/// `Get-CsOnlinePstnUsages`: the usages of its `Usage` list.
pub fn usages(r: &mut Rec) -> Vec<String> {
    r.list(&["Usage"])
}

/// `Get-CsOnlineVoiceRoute`, as conferencing routes it (eligibility's voice
/// route is made from it).
pub fn voice_route(r: &mut Rec) -> Result<ConferencingRoute, String> {
    let identity = r.req(&["Identity"])?;
    let priority = match r.num(&["Priority"]) {
        // Whole and in range, so the cast is exact.
        Some(p) if p >= 0.0 && p.fract() == 0.0 && p <= f64::from(u32::MAX) => p as u32,
        Some(p) => return Err(format!("`Priority` {p} is not a whole number of 0 or more")),
        None => 0,
    };
    let gateways = r.list(&["OnlinePstnGatewayList"]);
    Ok(ConferencingRoute {
        identity,
        number_pattern: r.str(&["NumberPattern"]),
        priority,
        online_pstn_usages: r.list(&["OnlinePstnUsages"]),
        online_pstn_gateways: (!gateways.is_empty()).then_some(gateways),
        bridge_source_phone_number: r.str(&["BridgeSourcePhoneNumber"]),
    })
}

/// `Get-CsOnlineVoiceRoutingPolicy` and
/// `Get-CsOnlineAudioConferencingRoutingPolicy`: an identity and its usages.
pub fn usage_policy(r: &mut Rec) -> Result<(String, Vec<String>), String> {
    let identity = r.req(&["Identity"])?;
    Ok((identity, r.list(&["OnlinePstnUsages"])))
}

/// `Get-CsTenantDialPlan`.
pub fn dial_plan(r: &mut Rec) -> Result<DialPlan, String> {
    let identity = r.req(&["Identity"])?;
    let mut rules = Vec::new();
    for (i, n) in r.objects(&["NormalizationRules"]).into_iter().enumerate() {
        let mut nr = Rec::new(n);
        match (nr.str(&["Pattern"]), nr.str(&["Translation"])) {
            (Some(pattern), Some(translation)) => rules.push(NormalizationRule {
                name: nr
                    .str(&["Name"])
                    .unwrap_or_else(|| format!("rule {}", i + 1)),
                pattern,
                translation,
                description: nr.str(&["Description"]),
            }),
            _ => {
                return Err(format!(
                    "NormalizationRules[{i}] has no Pattern or Translation, so the plan cannot be applied"
                ));
            }
        }
        r.issues.extend(nr.issues);
    }
    Ok(DialPlan {
        identity,
        simple_name: r.str(&["SimpleName"]),
        description: r.str(&["Description"]),
        normalization_rules: rules,
    })
}

/// `Get-CsOnlineDialOutPolicy`: its identity.
pub fn dial_out_policy(r: &mut Rec) -> Result<String, String> {
    r.req(&["Identity"])
}

/// A bridge as exported: its identity, default number and numbers.
pub struct BridgeExport {
    /// `Identity`.
    pub identity: Option<String>,
    /// `IsDefault`.
    pub is_default: bool,
    /// `DefaultServiceNumber`.
    pub default_number: Option<String>,
    /// `ServiceNumbers`: number, shared, and toll type when the export says it.
    pub numbers: Vec<(String, bool, Option<bool>)>,
}

/// A service number as an object (`{ "Number": …, … }`) or as text.
fn service_number(v: &Value) -> Option<String> {
    let n = match v {
        Value::String(s) => s.trim().to_string(),
        Value::Number(n) => n.to_string(),
        Value::Object(o) => {
            return Rec::new(o)
                .str(&["Number", "ServiceNumber", "PhoneNumber", "TelephoneNumber"])
                .map(plus);
        }
        _ => return None,
    };
    (!n.is_empty()).then(|| plus(n))
}

fn plus(n: String) -> String {
    let n = match n.get(..4) {
        Some(p) if p.eq_ignore_ascii_case("tel:") => n[4..].to_string(),
        _ => n,
    };
    if n.chars().all(|c| c.is_ascii_digit()) {
        format!("+{n}")
    } else {
        n
    }
}

/// `Get-CsOnlineDialInConferencingBridge`.
pub fn bridge(r: &mut Rec) -> Result<BridgeExport, String> {
    let default_number = r
        .get(&["DefaultServiceNumber"])
        .and_then(|(_, v)| service_number(v));
    let mut numbers = Vec::new();
    if let Some((k, v)) = r.get(&["ServiceNumbers"]) {
        // A list of objects or strings, or the numbers as one `,`/`;` string.
        let split: Vec<Value>;
        let items: Vec<&Value> = match v {
            Value::Array(a) => a.iter().collect(),
            Value::String(s) if !crate::read::truncated(s) => {
                split = s
                    .split([',', ';'])
                    .map(str::trim)
                    .filter(|p| !p.is_empty())
                    .map(|p| Value::String(p.into()))
                    .collect();
                split.iter().collect()
            }
            other => vec![other],
        };
        for item in items {
            if let Value::String(s) = item
                && crate::read::truncated(s)
            {
                r.issues.push(crate::read::FieldIssue {
                    field: k.into(),
                    why: crate::read::DEPTH_FIX.into(),
                });
                continue;
            }
            let Some(n) = service_number(item) else {
                continue;
            };
            let (shared, toll_free) = match item {
                Value::Object(o) => {
                    let mut o = Rec::new(o);
                    let toll_free = o.str(&["Type", "TollType", "NumberType"]).map(|t| {
                        t.to_ascii_lowercase()
                            .replace(['-', ' '], "")
                            .contains("tollfree")
                    });
                    (o.bool(&["IsShared"]).unwrap_or(false), toll_free)
                }
                _ => (false, None),
            };
            numbers.push((n, shared, toll_free));
        }
    }
    Ok(BridgeExport {
        identity: r.str(&["Identity"]),
        is_default: r.bool(&["IsDefault"]).unwrap_or(true),
        default_number,
        numbers,
    })
}

/// The CSV row as a record: every column a string field.
pub fn csv_row(headers: &[String], row: &[String]) -> Map<String, Value> {
    headers
        .iter()
        .zip(row)
        .map(|(h, v)| (h.trim().to_string(), Value::String(v.clone())))
        .collect()
}

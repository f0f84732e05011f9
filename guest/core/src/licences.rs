//! Licence SKU part names and what they entitle ([LIC] in the domain reference).

/// SKUs (or service plans) that carry a Teams Phone (Phone System) entitlement:
/// Teams Phone Standard, Teams Phone with Calling Plan, and the suites that
/// include Phone System.
const TEAMS_PHONE: &[&str] = &[
    "MCOEV",
    "MCOEV_GOV",
    "MCOTEAMS_ESSENTIALS",
    "ENTERPRISEPREMIUM",
    "ENTERPRISEPREMIUM_NOPSTNCONF",
    "SPE_E5",
    "SPE_E5_NOPSTNCONF",
    "M365EDU_A5_FACULTY",
    "M365EDU_A5_STUDENT",
    "BUSINESS_VOICE_MED2",
    "BUSINESS_VOICE_DIRECTROUTING",
];

/// Calling Plan SKUs: domestic, international, and pay-as-you-go.
const CALLING_PLAN: &[&str] = &[
    "MCOPSTN1",
    "MCOPSTN2",
    "MCOPSTN5",
    "MCOPSTN6",
    "MCOTEAMS_ESSENTIALS",
    "MCOPSTN_PAYG",
    "MCOPSTN_PAYG_1",
    "BUSINESS_VOICE_MED2",
];

/// The Teams Phone Resource Account licence.
const RESOURCE_ACCOUNT: &[&str] = &["PHONESYSTEM_VIRTUALUSER", "PHONESYSTEM_VIRTUALUSER_GOV"];

fn has_any(licences: &[String], wanted: &[&str]) -> bool {
    licences
        .iter()
        .any(|l| wanted.iter().any(|w| l.trim().eq_ignore_ascii_case(w)))
}

/// Does the account hold a Teams Phone entitlement?
pub(crate) fn has_teams_phone(licences: &[String]) -> bool {
    has_any(licences, TEAMS_PHONE)
}

/// Does the account hold a Calling Plan?
pub(crate) fn has_calling_plan(licences: &[String]) -> bool {
    has_any(licences, CALLING_PLAN)
}

/// Does the account hold the resource-account licence?
pub(crate) fn has_resource_account(licences: &[String]) -> bool {
    has_any(licences, RESOURCE_ACCOUNT)
}

/// Audio Conferencing Standard (MCOMEETADV) and the suites that include it
/// (Microsoft 365 / Office 365 E5 and A5; the `_NOPSTNCONF` variants do not).
const AUDIO_CONFERENCING: &[&str] = &[
    "MCOMEETADV",
    "ENTERPRISEPREMIUM",
    "SPE_E5",
    "M365EDU_A5_FACULTY",
    "M365EDU_A5_STUDENT",
];

/// Audio Conferencing pay-per-minute.
const PAY_PER_MINUTE: &[&str] = &["MCOMEETACPEA"];

/// Does the organizer hold Audio Conferencing Standard (or a suite with it)?
pub(crate) fn has_audio_conferencing(licences: &[String]) -> bool {
    has_any(licences, AUDIO_CONFERENCING)
}

/// Does the organizer hold pay-per-minute Audio Conferencing?
pub(crate) fn has_pay_per_minute(licences: &[String]) -> bool {
    has_any(licences, PAY_PER_MINUTE)
}

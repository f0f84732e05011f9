//! The Operator Connect programme requirements (§1.4): an operator-onboarding check.

use crate::Findings;
use crate::catalogue as rule;
use crate::types::{
    Decision, Interconnect, OperatorProgramme, ProgrammeAgreement, VerificationEnvironment,
};

/// Check an operator against every `OPR-*` requirement.
pub fn check_operator_programme(p: &OperatorProgramme) -> Decision {
    let mut f = Findings::default();
    if p.agreement == ProgrammeAgreement::None {
        f.raise(
            &rule::OPR_AGREEMENT,
            "agreement",
            "no Operator Connect or Teams Phone Mobile agreement with Microsoft is signed",
        );
    }
    if !p.telecom_service_provider {
        f.raise(
            &rule::OPR_TSP,
            "telecom_service_provider",
            "the operator is not a telecommunications operator or service provider",
        );
    }
    if p.interconnect == Interconnect::Other {
        f.raise(
            &rule::OPR_INTERCONNECT,
            "interconnect",
            "the interconnect is neither Azure Peering Service nor ExpressRoute Microsoft Peering",
        );
    }
    for (ok, field, what) in [
        (p.sip_over_tls, "sip_over_tls", "SIP must run over TLS"),
        (
            p.x_ms_sbc_header,
            "x_ms_sbc_header",
            "the X-MS-SBC header must be sent",
        ),
        (
            p.x_ms_tenant_id_header,
            "x_ms_tenant_id_header",
            "the X-MS-TenantID header must identify the enterprise",
        ),
        (
            p.e164_numbers,
            "e164_numbers",
            "A- and B-numbers must be E.164",
        ),
        (p.srtp, "srtp", "media must use SRTP"),
    ] {
        if !ok {
            f.raise(&rule::OPR_SIP, field, what);
        }
    }
    for (ok, field, what) in [
        (
            p.ringback_during_transfer,
            "ringback_during_transfer",
            "ringback tones must play during call transfer",
        ),
        (
            p.comfort_noise,
            "comfort_noise",
            "comfort noise must be generated",
        ),
    ] {
        if !ok {
            f.raise(&rule::OPR_MEDIA, field, what);
        }
    }
    if !p.flow_through_api {
        f.raise(
            &rule::OPR_API,
            "flow_through_api",
            "provisioning must go through the flow-through API",
        );
    }
    if p.portal_provisioning_after_launch {
        f.raise(
            &rule::OPR_API,
            "portal_provisioning_after_launch",
            "after launch you must not use a portal for provisioning",
        );
    }
    if !p.uploads_call_duration {
        f.raise(
            &rule::OPR_CALLDURATION,
            "uploads_call_duration",
            "per-call CallDuration data must be uploaded to Teams",
        );
    }
    if !p.monitors_call_quality {
        f.raise(
            &rule::OPR_MONITOR,
            "monitors_call_quality",
            "call quality, errors and unusual behaviour must be monitored",
        );
    }
    let needed = match p.verification_environment {
        VerificationEnvironment::Production => 6,
        VerificationEnvironment::Lab => 3,
    };
    if p.test_numbers < needed {
        f.raise(
            &rule::OPR_TESTNUMBERS,
            "test_numbers",
            format!("{needed} service-verification test numbers are needed per service for {}, {} given", crate::json::name(&p.verification_environment), p.test_numbers),
        );
    }
    if !p.certified_sbc {
        f.raise(
            &rule::OPR_CERT_SBC,
            "certified_sbc",
            "the SBCs must meet the certified-SBC specification for OC/TPM",
        );
    }
    if !p.shared_sla {
        f.raise(
            &rule::OPR_SLA,
            "shared_sla",
            "a shared or back-to-back SLA with Tier 1 support is required",
        );
    }
    if !p.emergency_pidf_lo {
        f.raise(
            &rule::OPR_EMERGENCY,
            "emergency_pidf_lo",
            "emergency INVITEs must carry PIDF-LO",
        );
    }
    if p.us_emergency_via_ersp == Some(false) {
        f.raise(
            &rule::OPR_EMERGENCY,
            "us_emergency_via_ersp",
            "US emergency calls must be routed to a Teams-supported ERSP",
        );
    }
    if p.native_dialer_emergency_to_teams {
        f.raise(
            &rule::OPR_EMERGENCY,
            "native_dialer_emergency_to_teams",
            "native-dialer emergency calls must not be routed to Teams",
        );
    }
    if p.regulated_operator != Some(true) {
        f.raise(
            &rule::OPR_REGULATED,
            "regulated_operator",
            match p.regulated_operator {
                Some(_) => "the operator holds no regulated-operator licence",
                None => "whether the operator holds a regulated-operator licence is unknown",
            },
        );
    }
    f.finish()
}

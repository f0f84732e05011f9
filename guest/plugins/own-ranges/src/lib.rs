//! An example operator plugin for operator `OPX` (Northwind Telecom), written
//! against the `rule-plugin` world with wit-bindgen:
//!
//! - **eligibility**: Northwind only accepts its own number ranges
//!   (`+1425555` and `+1206555`): assigning, uploading or migrating any other
//!   number through it is an error `OPX-RANGE`;
//! - **address**: its Canadian service needs a suite (a place under the
//!   address, or a house-number suffix) on every address: `OPX-CA-SUITE`;
//! - **routing**: premium-rate destinations (`+1900…`, `+1976…`) are never
//!   carried: a veto `OPX-PREMIUM` (an error on `check-route`).
//!
//! Every other hook returns nothing. The host calls a plugin only for
//! requests that involve its operator (see the plugin author's guide).

// The canonical-ABI exports wit-bindgen generates are `unsafe extern`
// functions; no hand-written unsafe code lives here.
#![allow(unsafe_code)]
#![allow(missing_docs)]

wit_bindgen::generate!({
    world: "rule-plugin",
    path: "../../../wit",
});

use exports::ocpolicy::rules::conferencing_hooks::Guest as Conferencing;
use exports::ocpolicy::rules::eligibility_hooks::Guest as Eligibility;
use exports::ocpolicy::rules::emergency_hooks::Guest as Emergency;
use ocpolicy::rules::plugin_host::{LogLevel, log};
use ocpolicy::rules::types::{
    AddressCheck, BridgeCheck, DialOut, EligibilityRequest, NetworkContext, Resolution,
    RouteDecision, RouteOutcome, Severity, UploadNumbers, Violation,
};

const RANGES: &[&str] = &["1425555", "1206555"];
const PREMIUM: &[&str] = &["1900", "1976"];

fn violation(code: &str, severity: Severity, path: &str, message: String, fix: &str) -> Violation {
    Violation {
        code: code.into(),
        severity,
        path: path.into(),
        message,
        citation: "[Northwind service terms §4]".into(),
        remediation: fix.into(),
    }
}

fn digits(n: &str) -> &str {
    n.trim().trim_start_matches('+')
}

fn in_range(n: &str) -> bool {
    RANGES.iter().any(|r| digits(n).starts_with(r))
}

fn out_of_range(path: &str, n: &str) -> Violation {
    violation(
        "OPX-RANGE",
        Severity::Error,
        path,
        format!("{n} is not in a Northwind range (+1 425 555…, +1 206 555…)"),
        "use a number from Northwind's ranges, or another operator for this number",
    )
}

struct Plugin;

impl Eligibility for Plugin {
    fn check_eligibility(request: EligibilityRequest) -> Vec<Violation> {
        let number = match &request {
            EligibilityRequest::AssignNumber(a) => Some(a.telephone_number.clone()),
            EligibilityRequest::MigrateToOperatorConnect(m) => Some(m.telephone_number.clone()),
            _ => None,
        };
        match number {
            Some(n) if !in_range(&n) => {
                log(LogLevel::Info, &format!("refusing {n}: outside our ranges"));
                vec![out_of_range("request.telephone_number", &n)]
            }
            _ => Vec::new(),
        }
    }

    fn check_upload(upload: UploadNumbers) -> Vec<Violation> {
        upload
            .numbers
            .iter()
            .enumerate()
            .filter(|(_, n)| !in_range(&n.telephone_number))
            .map(|(i, n)| {
                out_of_range(
                    &format!("request.numbers[{i}].telephone_number"),
                    &n.telephone_number,
                )
            })
            .collect()
    }
}

impl Emergency for Plugin {
    fn check_address(check: AddressCheck) -> Vec<Violation> {
        let a = &check.address;
        let place = check
            .location
            .as_ref()
            .and_then(|l| l.place.as_deref())
            .unwrap_or("");
        let suite = a.house_number_suffix.as_deref().unwrap_or("");
        if a.country_or_region.eq_ignore_ascii_case("CA")
            && place.trim().is_empty()
            && suite.trim().is_empty()
        {
            return vec![violation(
                "OPX-CA-SUITE",
                Severity::Error,
                "address.house_number_suffix",
                format!(
                    "Northwind's Canadian service needs a suite on every address; {} has none",
                    a.id
                ),
                "add the suite as the location's place (e.g. \"Suite 400\") or as the house-number suffix",
            )];
        }
        Vec::new()
    }

    fn check_resolution(_context: NetworkContext, _resolution: Resolution) -> Vec<Violation> {
        Vec::new()
    }
}

impl Conferencing for Plugin {
    fn check_bridge(_check: BridgeCheck) -> Vec<Violation> {
        Vec::new()
    }

    fn check_route(_dial_out: DialOut, decision: RouteDecision) -> Vec<Violation> {
        let ours = matches!(decision.outcome, RouteOutcome::Operator(_));
        if ours
            && PREMIUM
                .iter()
                .any(|p| digits(&decision.normalized).starts_with(p))
        {
            return vec![violation(
                "OPX-PREMIUM",
                Severity::Error,
                "dial_out.dialed",
                format!(
                    "Northwind never carries premium-rate dial-out ({})",
                    decision.normalized
                ),
                "route premium-rate destinations through another usage, or block them with a dial-out policy",
            )];
        }
        Vec::new()
    }
}

export!(Plugin);

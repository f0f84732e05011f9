//! The bridge rules ([BRIDGE][OCCCONF][DIB][DIU][ACPLAN][OCCPLAN]): service
//! numbers, the default number, organizers' invite numbers and licences,
//! operators enabled for Conferencing, Communications Credits.

use std::collections::HashMap;

use super::{key, number_key};
use crate::catalogue as c;
use crate::types::{
    Bridge, BridgeNumber, BridgeNumberSharing, BridgeNumberSource, Capability, OperatorProduct,
    Organizer, TenantOperator, TollType,
};
use crate::{Findings, licences, phone};

/// What the bridge rules look at.
pub(crate) struct BridgeView<'a> {
    pub bridge: &'a Bridge,
    pub org_country: &'a str,
    pub credits: Option<bool>,
    pub operators: Option<&'a [TenantOperator]>,
    pub organizers: &'a [Organizer],
}

impl BridgeView<'_> {
    fn number(&self, n: &str) -> Option<(usize, &BridgeNumber)> {
        let k = number_key(n);
        self.bridge
            .numbers
            .iter()
            .enumerate()
            .find(|(_, b)| number_key(&b.number) == k)
    }
}

/// The default-number rules for `default` (the bridge's, or a proposed one).
pub(crate) fn check_default(f: &mut Findings, v: &BridgeView<'_>, default: &str, path: &str) {
    let Some((_, n)) = v.number(default) else {
        f.raise(
            &c::CONF_DEFAULT_NOT_ON_BRIDGE,
            path,
            format!(
                "Default number must be assigned to the bridge: {default} is not among its numbers"
            ),
        );
        return;
    };
    if n.toll_type == TollType::TollFree {
        f.raise(
            &c::CONF_DEFAULT_TOLLFREE,
            path,
            format!("Toll-free numbers can't be the bridge default: {default} is toll-free"),
        );
    }
    if n.source == BridgeNumberSource::OperatorConnect {
        f.raise(
            &c::CONF_DEFAULT_OCC,
            path,
            format!(
                "OC Conferencing numbers can't be default bridge numbers: {default} belongs to operator {}",
                n.operator_id.as_deref().unwrap_or("(unknown)")
            ),
        );
    }
    if n.sharing == Some(BridgeNumberSharing::Shared) {
        let org = v.org_country.trim().to_ascii_uppercase();
        match phone::region_of(&n.number) {
            phone::Region::In(cc) if cc == org => {}
            phone::Region::Pending => f.raise(
                &c::PLAN_PENDING,
                path,
                phone::pending_message(default, "the shared default number's country"),
            ),
            phone::Region::In(cc) => f.raise(
                &c::CONF_SHARED_DEFAULT_COUNTRY,
                path,
                format!("Shared default number must be from the org country {org}: {default} is a {cc} number"),
            ),
            phone::Region::Unknown => f.raise(
                &c::CONF_SHARED_DEFAULT_COUNTRY,
                path,
                format!("Shared default number must be from the org country {org}: {default} is not a valid number in any plan"),
            ),
        }
    }
}

/// Every bridge rule. `bridge_path` and `organizers_path` prefix the paths.
pub(crate) fn check(
    f: &mut Findings,
    v: &BridgeView<'_>,
    bridge_path: &str,
    organizers_path: &str,
) {
    let ops: Option<HashMap<String, &TenantOperator>> = v
        .operators
        .map(|list| list.iter().map(|o| (key(&o.operator_id), o)).collect());
    for (i, n) in v.bridge.numbers.iter().enumerate() {
        let path = format!("{bridge_path}.numbers[{i}]");
        if let Some(caps) = &n.capabilities
            && !caps.contains(&Capability::ConferenceAssignment)
        {
            f.raise(
                &c::CONF_BRIDGE_SERVICE_NUMBER,
                format!("{path}.capabilities"),
                format!("Only service numbers can be assigned to a conferencing bridge: {} lacks ConferenceAssignment", n.number),
            );
        }
        if n.source == BridgeNumberSource::OperatorConnect
            && let Some(ops) = &ops
        {
            match n.operator_id.as_deref().map(|o| (o, ops.get(&key(o)))) {
                Some((_, Some(op))) if op.products.contains(&OperatorProduct::Conferencing) => {}
                Some((_, Some(op))) => f.raise(
                    &c::CONF_OPERATOR_PRODUCT,
                    format!("{path}.operator_id"),
                    format!("Operator {} ({}) is not enabled for Conferencing, yet {} is on the bridge", op.operator_id, op.name, n.number),
                ),
                Some((id, None)) => f.raise(
                    &c::CONF_OPERATOR_PRODUCT,
                    format!("{path}.operator_id"),
                    format!("Operator {id} of {} is not among the tenant's operators, so it is not enabled for Conferencing", n.number),
                ),
                None => f.raise(
                    &c::CONF_OPERATOR_PRODUCT,
                    format!("{path}.operator_id"),
                    format!("{} is an Operator Connect number with no operator id, so no operator is enabled for it", n.number),
                ),
            }
        }
        if n.source == BridgeNumberSource::Microsoft
            && n.toll_type == TollType::TollFree
            && v.credits != Some(true)
        {
            f.raise(
                &c::CONF_COMMS_CREDITS,
                path.clone(),
                format!("Communications Credits required: {} is a Microsoft toll-free number on the bridge", n.number),
            );
        }
    }
    if let Some(d) = &v.bridge.default_service_number {
        check_default(f, v, d, &format!("{bridge_path}.default_service_number"));
    }
    for (i, o) in v.organizers.iter().enumerate() {
        let path = format!("{organizers_path}[{i}]");
        let mut invite_numbers = Vec::new();
        for (field, n) in [
            ("service_number", &o.service_number),
            ("toll_free_service_number", &o.toll_free_service_number),
        ] {
            let Some(n) = n else { continue };
            match v.number(n) {
                Some((_, b)) => invite_numbers.push(b),
                None => f.raise(
                    &c::CONF_USER_DEFAULT_NOT_ON_BRIDGE,
                    format!("{path}.{field}"),
                    format!(
                        "User default number must be on the user's bridge: {n} ({}) is not on it",
                        o.identity
                    ),
                ),
            }
        }
        let standard = licences::has_audio_conferencing(&o.licenses)
            || licences::has_pay_per_minute(&o.licenses);
        let occ = o.occ_license == Some(true);
        if invite_numbers
            .iter()
            .any(|b| b.source == BridgeNumberSource::OperatorConnect)
            && !standard
            && !occ
        {
            f.raise(
                &c::CONF_LICENSE,
                format!("{path}.licenses"),
                format!("Organizer {} has OC Conferencing numbers in their invites but neither Audio Conferencing Standard nor an Operator Connect Conferencing licence", o.identity),
            );
        }
        if occ && !standard {
            // Their invite number, else the bridge default, is what they rely on.
            let relied = invite_numbers.first().copied().or_else(|| {
                v.bridge
                    .default_service_number
                    .as_deref()
                    .and_then(|d| v.number(d))
                    .map(|(_, b)| b)
            });
            if let Some(b) = relied
                && b.source == BridgeNumberSource::Microsoft
            {
                f.raise(
                    &c::CONF_OCC_ONLY_MS_NUMBERS,
                    format!("{path}.service_number"),
                    format!("OCC license doesn't include Microsoft numbers: {} has an Operator Connect Conferencing licence only, and their invites carry the Microsoft number {}", o.identity, b.number),
                );
            }
        }
    }
}

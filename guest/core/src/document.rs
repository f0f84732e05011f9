//! The stored tenant: a [`TenantDocument`] holds the tenant once, with the
//! emergency and conferencing settings that refer to it. The configurations the
//! rules take (`emergency-config`, `conferencing-config`) are built from it
//! here, in one place, so a civic address, a location, an operator or the
//! tenant id is written once and read the same by every family.

use crate::types::{
    ConferencingConfig, ConferencingSettings, EmergencyConfig, EmergencySettings, InputError,
    Tenant, TenantDocument,
};

/// Whether `doc` can be decided: the emergency configuration built from it
/// indexes (which indexes its tenant too), and so does its conferencing
/// configuration. The error's path is from the document's root.
pub fn check(doc: &TenantDocument) -> Result<(), InputError> {
    crate::emergency::EmergencySnapshot::new(emergency_config(doc))
        .map_err(|e| at_root(e, "emergency"))?;
    if let Some(config) = conferencing_config(doc) {
        crate::conferencing::ConferencingSnapshot::new(config).map_err(|e| {
            // Its tenant id and operators are the tenant's.
            let tenants = ["tenant_id", "operators"].iter().any(|f| {
                e.path == *f
                    || e.path.starts_with(&format!("{f}."))
                    || e.path.starts_with(&format!("{f}["))
            });
            if tenants {
                InputError {
                    path: format!("tenant.{}", e.path),
                    message: e.message,
                }
            } else {
                at_root(e, "conferencing")
            }
        })?;
    }
    Ok(())
}

/// An error of a configuration built from the document, at its path in the
/// document: the configuration's `tenant` is the document's; the rest is
/// under `part`.
fn at_root(e: InputError, part: &str) -> InputError {
    let tenants =
        e.path == "tenant" || e.path.starts_with("tenant.") || e.path.starts_with("tenant[");
    let path = match (tenants, e.path.is_empty()) {
        (true, _) => e.path,
        (false, true) => part.to_string(),
        (false, false) => format!("{part}.{}", e.path),
    };
    InputError {
        path,
        message: e.message,
    }
}

/// The emergency configuration of `doc`: its settings around its tenant.
pub fn emergency_config(doc: &TenantDocument) -> EmergencyConfig {
    let e = &doc.emergency;
    EmergencyConfig {
        tenant: doc.tenant.clone(),
        lis: e.lis.clone(),
        trusted_ips: e.trusted_ips.clone(),
        network_sites: e.network_sites.clone(),
        network_subnets: e.network_subnets.clone(),
        emergency_calling_policies: e.emergency_calling_policies.clone(),
        emergency_call_routing_policies: e.emergency_call_routing_policies.clone(),
        pstn_usages: e.pstn_usages.clone(),
        gateways: e.gateways.clone(),
    }
}

/// The conferencing configuration of `doc`, if it has conferencing settings:
/// the tenant's id and operators with the settings.
pub fn conferencing_config(doc: &TenantDocument) -> Option<ConferencingConfig> {
    let c = doc.conferencing.as_ref()?;
    Some(conferencing_of(&doc.tenant, c.clone()))
}

/// The conferencing configuration of `settings` in `tenant`.
pub fn conferencing_of(tenant: &Tenant, settings: ConferencingSettings) -> ConferencingConfig {
    ConferencingConfig {
        tenant_id: tenant.tenant_id.clone(),
        org_country: settings.org_country,
        communications_credits: settings.communications_credits,
        operators: Some(tenant.operators.clone()),
        bridge: settings.bridge,
        organizers: settings.organizers,
        pstn_usages: settings.pstn_usages,
        voice_routes: settings.voice_routes,
        audio_conferencing_routing_policies: settings.audio_conferencing_routing_policies,
        voice_routing_policies: settings.voice_routing_policies,
        emergency_call_routing_policies: settings.emergency_call_routing_policies,
        dial_plans: settings.dial_plans,
        gateways: settings.gateways,
    }
}

/// The settings of an emergency configuration, and its tenant apart.
pub fn split_emergency(config: EmergencyConfig) -> (Tenant, EmergencySettings) {
    let settings = EmergencySettings {
        lis: config.lis,
        trusted_ips: config.trusted_ips,
        network_sites: config.network_sites,
        network_subnets: config.network_subnets,
        emergency_calling_policies: config.emergency_calling_policies,
        emergency_call_routing_policies: config.emergency_call_routing_policies,
        pstn_usages: config.pstn_usages,
        gateways: config.gateways,
    };
    (config.tenant, settings)
}

/// The settings of a conferencing configuration (its tenant id and operators
/// belong to the tenant).
pub fn conferencing_settings(config: ConferencingConfig) -> ConferencingSettings {
    ConferencingSettings {
        org_country: config.org_country,
        communications_credits: config.communications_credits,
        bridge: config.bridge,
        organizers: config.organizers,
        pstn_usages: config.pstn_usages,
        voice_routes: config.voice_routes,
        audio_conferencing_routing_policies: config.audio_conferencing_routing_policies,
        voice_routing_policies: config.voice_routing_policies,
        emergency_call_routing_policies: config.emergency_call_routing_policies,
        dial_plans: config.dial_plans,
        gateways: config.gateways,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const DEMO: &str = include_str!("../../../tests/examples/demo-tenant.json");

    #[test]
    fn the_configurations_are_built_around_the_one_tenant() {
        let doc: TenantDocument = match crate::json::from_slice(DEMO.as_bytes()) {
            Ok(d) => d,
            Err(e) => panic!("the demo tenant is bad at {}: {}", e.path, e.message),
        };
        let e = emergency_config(&doc);
        assert_eq!(e.tenant, doc.tenant);
        let (tenant, settings) = split_emergency(e);
        assert_eq!(
            (tenant, settings),
            (doc.tenant.clone(), doc.emergency.clone())
        );
        let c = conferencing_config(&doc).expect("the demo has conferencing settings");
        assert_eq!(c.tenant_id, doc.tenant.tenant_id);
        assert_eq!(c.operators.as_ref(), Some(&doc.tenant.operators));
        assert_eq!(Some(conferencing_settings(c)), doc.conferencing);
        assert_eq!(check(&doc), Ok(()));
    }

    #[test]
    fn a_document_that_cannot_be_indexed_is_named_at_its_path() {
        let mut doc: TenantDocument = match crate::json::from_slice(DEMO.as_bytes()) {
            Ok(d) => d,
            Err(e) => panic!("the demo tenant is bad at {}: {}", e.path, e.message),
        };
        // A second inventory record for a number the tenant holds, spelled
        // another way: the one identity makes it the same number.
        let mut twin = doc.tenant.numbers[0].clone();
        twin.telephone_number = format!("tel:{}", twin.telephone_number);
        doc.tenant.numbers.push(twin);
        let e = check(&doc).expect_err("two records for one number");
        assert!(e.path.starts_with("tenant.numbers["), "{e:?}");
    }
}

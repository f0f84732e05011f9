//! The stored tenant as the contract's [`TenantDocument`]: decoded strictly
//! from what the store holds, edited as typed records, and checked to be
//! decidable before a write commits it. The store itself keeps JSON text and
//! knows nothing of the shape; this module is the one place that does.

use serde_json::Value;

use ocpolicy_rules::types::{PhoneNumber, TenantDocument};
use ocpolicy_runtime::types as wt;

/// The stored tenant.
pub type Document = TenantDocument;

/// Why a document cannot be decided: the field's path and what is wrong.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Undecidable {
    /// The path of the field at fault, from the document's root
    /// (`tenant.numbers[3].telephone_number`).
    pub path: String,
    /// What is wrong with it.
    pub message: String,
}

/// Decode a stored document as strictly as a request body (unknown fields
/// and wrong types are refused, naming the path).
pub fn decode(stored: &Value) -> crate::Result<Result<Document, Undecidable>> {
    let bytes = serde_json::to_vec(stored)?;
    // The store's own copy: written once it had decoded (within a request's
    // limit, or by the platform's import), so read whatever its size.
    Ok(
        ocpolicy_rules::json::from_slice_any_size(&bytes).map_err(|e| Undecidable {
            path: e.path,
            message: e.message,
        }),
    )
}

/// The JSON the store keeps.
pub fn encode(doc: &Document) -> crate::Result<Value> {
    Ok(serde_json::to_value(doc)?)
}

/// The emergency configuration the component takes, built around the tenant.
pub fn emergency(doc: &Document) -> crate::Result<wt::EmergencyConfig> {
    Ok(ocpolicy_runtime::convert(
        &ocpolicy_rules::document::emergency_config(doc),
    )?)
}

/// The conferencing configuration the component takes, if the tenant has
/// conferencing settings.
pub fn conferencing(doc: &Document) -> crate::Result<Option<wt::ConferencingConfig>> {
    ocpolicy_rules::document::conferencing_config(doc)
        .map(|c| ocpolicy_runtime::convert(&c))
        .transpose()
        .map_err(Into::into)
}

/// The tenant the component takes.
pub fn tenant(doc: &Document) -> crate::Result<wt::Tenant> {
    Ok(ocpolicy_runtime::convert(&doc.tenant)?)
}

/// The inventory record `number` names ([`ocpolicy_rules::number_key`], the
/// one identity every runtime uses).
pub fn number<'a>(doc: &'a Document, number: &str) -> Option<&'a PhoneNumber> {
    let want = ocpolicy_rules::number_key(number)?;
    doc.tenant
        .numbers
        .iter()
        .find(|n| want.matches(&n.telephone_number))
}

/// The inventory record `number` names, to change.
pub fn number_mut<'a>(doc: &'a mut Document, number: &str) -> Option<&'a mut PhoneNumber> {
    let want = ocpolicy_rules::number_key(number)?;
    doc.tenant
        .numbers
        .iter_mut()
        .find(|n| want.matches(&n.telephone_number))
}

/// Replace the entry of `list` that `same` picks, else append `record`.
pub fn upsert<T>(list: &mut Vec<T>, record: T, same: impl Fn(&T) -> bool) {
    match list.iter_mut().find(|x| same(x)) {
        Some(x) => *x = record,
        None => list.push(record),
    }
}

/// Case-insensitive equality of two ids, as Teams compares them.
pub fn same_id(a: &str, b: &str) -> bool {
    a.trim().eq_ignore_ascii_case(b.trim())
}

/// Whether every family's rules can index `doc`: the component's
/// `check-document`, the same snapshot builds the decisions use (the tenant's
/// inventory, the emergency configuration, the conferencing configuration).
/// A document that fails here would make every later rule-checked write
/// fail, so no write may commit one.
pub fn decidable(
    rules: &mut ocpolicy_runtime::RulesInstance,
    doc: &Document,
) -> crate::Result<Result<(), Undecidable>> {
    let doc: wt::TenantDocument = ocpolicy_runtime::convert(doc)?;
    Ok(rules.check_document(&doc)?.map_err(|e| Undecidable {
        path: e.path,
        message: e.message,
    }))
}

/// What an operator reads of a tenant that consented to it: what the Operator
/// Connect model gives an operator, and nothing else. Its own numbers (their
/// state, not who holds them), the tenant's consent to it, and the emergency
/// addresses in the countries it serves ("operators will have access to see
/// all emergency addresses in your tenant in the countries that you selected
/// services for, but they cannot create them"). Not the tenant's users, other
/// operators' or Direct Routing numbers, the LIS, or the routing.
#[derive(Debug, Clone, serde::Serialize, schemars::JsonSchema)]
pub struct OperatorView {
    /// The tenant.
    pub tenant_id: String,
    /// The tenant's consent to this operator: the products, countries and
    /// contact it agreed to.
    pub consent: ocpolicy_rules::types::TenantOperator,
    /// The operator's own numbers in the tenant, with whoever holds them
    /// left out (`assigned_target` is always null).
    pub numbers: Vec<PhoneNumber>,
    /// The tenant's civic addresses in the countries the operator serves.
    pub civic_addresses: Vec<ocpolicy_rules::types::CivicAddress>,
}

/// The view of `doc` that `operator` may read; `None` when the tenant has not
/// consented to it.
pub fn operator_view(doc: &Document, operator: &str) -> Option<OperatorView> {
    let consent = doc
        .tenant
        .operators
        .iter()
        .find(|o| same_id(&o.operator_id, operator))?
        .clone();
    let numbers = doc
        .tenant
        .numbers
        .iter()
        .filter(|n| {
            n.operator_id
                .as_deref()
                .is_some_and(|o| same_id(o, operator))
        })
        .map(|n| PhoneNumber {
            assigned_target: None,
            ..n.clone()
        })
        .collect();
    let civic_addresses = doc
        .tenant
        .civic_addresses
        .iter()
        .filter(|a| {
            consent
                .enabled_countries
                .iter()
                .any(|c| same_id(c, &a.country_or_region))
        })
        .cloned()
        .collect();
    Some(OperatorView {
        tenant_id: doc.tenant.tenant_id.clone(),
        consent,
        numbers,
        civic_addresses,
    })
}

//! JSON Schemas of the documents the checks read and write, generated from the
//! types (and so from the WIT), never written by hand.

use schemars::transform::RecursiveTransform;
use schemars::{JsonSchema, Schema, generate::SchemaSettings};

use crate::types::{
    AddressCheck, BridgeCheck, ConferencingCheck, ConferencingConfig, Decision, EligibilityCheck,
    EligibilityRequest, EmergencyCheck, EmergencyConfig, NetworkContext, OperatorProgramme,
    PidfLoInput, Resolution, RouteDecision, Tenant,
};

/// The documents a schema can be printed for.
pub const DOCUMENTS: &[(&str, &str)] = &[
    (
        "eligibility",
        "the input of `ocpolicy check eligibility`: a tenant and one request",
    ),
    (
        "eligibility-request",
        "one request alone: a line of `ocpolicy check eligibility --tenant T --batch F`",
    ),
    ("tenant", "a tenant snapshot, for `--tenant`"),
    (
        "operator-programme",
        "the input of `ocpolicy check operator-programme`",
    ),
    ("decision", "the output of every check"),
    (
        "address",
        "the input of `ocpolicy check address`: an address check",
    ),
    (
        "emergency-config",
        "an emergency configuration: `ocpolicy emergency resolve --lis` and `emergency audit`",
    ),
    (
        "emergency-check",
        "the input of `ocpolicy emergency check`: a configuration and one request",
    ),
    ("network-context", "`ocpolicy emergency resolve --context`"),
    (
        "resolution",
        "the output of `ocpolicy emergency resolve --json`",
    ),
    ("pidf-lo-input", "the input of `ocpolicy emergency pidf-lo`"),
    (
        "conferencing-config",
        "`ocpolicy conferencing route --config` and `ocpolicy conferencing lint`",
    ),
    (
        "conferencing-check",
        "`ocpolicy conferencing check` (configuration and change)",
    ),
    ("bridge-check", "`ocpolicy check bridge`"),
    (
        "route-decision",
        "the output of `ocpolicy conferencing route --json`",
    ),
];

/// The JSON Schema (draft 2020-12) of a document named in [`DOCUMENTS`].
pub fn for_document(name: &str) -> Option<Schema> {
    Some(match name {
        "eligibility" => of::<EligibilityCheck>(),
        "eligibility-request" => of::<EligibilityRequest>(),
        "tenant" => of::<Tenant>(),
        "operator-programme" => of::<OperatorProgramme>(),
        "decision" => of::<Decision>(),
        "address" => of::<AddressCheck>(),
        "emergency-config" => of::<EmergencyConfig>(),
        "emergency-check" => of::<EmergencyCheck>(),
        "network-context" => of::<NetworkContext>(),
        "resolution" => of::<Resolution>(),
        "pidf-lo-input" => of::<PidfLoInput>(),
        "conferencing-config" => of::<ConferencingConfig>(),
        "conferencing-check" => of::<ConferencingCheck>(),
        "bridge-check" => of::<BridgeCheck>(),
        "route-decision" => of::<RouteDecision>(),
        _ => return None,
    })
}

/// The schema of `T`, with `additionalProperties: false` on every object, since
/// the decoder rejects unknown fields.
pub fn of<T: JsonSchema>() -> Schema {
    let mut settings = SchemaSettings::draft2020_12();
    settings
        .transforms
        .push(Box::new(RecursiveTransform(|s: &mut Schema| {
            if s.get("properties").is_some() {
                s.insert("additionalProperties".into(), false.into());
            }
        })));
    settings.into_generator().into_root_schema_for::<T>()
}

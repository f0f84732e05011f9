//! JSON Schemas of the documents the checks read and write, generated from the
//! types (and so from the WIT), never written by hand.

use schemars::transform::RecursiveTransform;
use schemars::{JsonSchema, Schema, generate::SchemaSettings};

use crate::kinds::KindId;
use crate::types::{
    ConferencingConfig, Decision, EligibilityRequest, EmergencyConfig, NetworkContext,
    Normalization, Resolution, RouteDecision, Tenant, TenantDocument,
};

macro_rules! documents {
    (
        kinds [$($name:literal => $id:ident: $input:ident [$($alias:literal),*] $summary:literal),*]
        others [$($doc:literal => $ty:ident: $what:literal),* $(,)?]
    ) => {
        /// The documents a schema can be printed for, with what each is: every
        /// kind's name (its input document), the older names of some kinds'
        /// inputs (`emergency-check` is `emergency`'s), then the documents
        /// that are no kind's input name (tenants, configurations, outputs).
        pub const DOCUMENTS: &[(&str, &str)] = &[
            $(
                ($name, concat!("the input of `", $name, "` (", stringify!($input), "): ", $summary)),
                $(($alias, concat!("the input of `", $name, "` (", stringify!($input), "), by its older name")),)*
            )*
            $(($doc, $what),)*
        ];

        /// The kind whose input document `name` is: a kind's own name or one
        /// of its [`KindId::schema_aliases`]. `None` for the other documents.
        pub fn kind_of_document(name: &str) -> Option<KindId> {
            match name {
                $($name $(| $alias)* => Some(KindId::$id),)*
                _ => None,
            }
        }

        /// The JSON Schema (draft 2020-12) of a document named in [`DOCUMENTS`].
        pub fn for_document(name: &str) -> Option<Schema> {
            if let Some(kind) = kind_of_document(name) {
                return Some(kind.input_schema());
            }
            Some(match name {
                $($doc => of::<$ty>(),)*
                _ => return None,
            })
        }
    };
    ($(
        $name:literal => $id:ident {
            family: $family:ident,
            input: $input:ident,
            output: $output:ident,
            js: $js:ident,
            summary: $summary:literal,
            schema_aliases: [$($alias:literal),* $(,)?] $(,)?
        }
    ),* $(,)?) => {
        documents! {
            kinds [$($name => $id: $input [$($alias),*] $summary),*]
            others [
                "eligibility-request" => EligibilityRequest:
                    "one request alone: a line of `ocpolicy check eligibility --tenant T --batch F`",
                "tenant" => Tenant: "a tenant snapshot, for `--tenant`",
                "tenant-document" => TenantDocument:
                    "a stored tenant (tenant, emergency, conferencing): `GET /v1/tenants/{id}/snapshot`",
                "decision" => Decision: "the output of every check",
                "emergency-config" => EmergencyConfig:
                    "an emergency configuration: `ocpolicy emergency resolve --lis` and `emergency audit`",
                "network-context" => NetworkContext: "`ocpolicy emergency resolve --context`",
                "resolution" => Resolution: "the output of `ocpolicy emergency resolve --json`",
                "conferencing-config" => ConferencingConfig:
                    "`ocpolicy conferencing route --config` and `ocpolicy conferencing lint`",
                "route-decision" => RouteDecision:
                    "the output of `ocpolicy conferencing route --json`",
                "normalization" => Normalization: "the output of `normalize`",
            ]
        }
    };
}

crate::for_each_kind!(documents);

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

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    #[test]
    fn every_document_has_a_schema_and_one_name() {
        let names: HashSet<_> = DOCUMENTS.iter().map(|(n, _)| *n).collect();
        assert_eq!(names.len(), DOCUMENTS.len());
        for (name, _) in DOCUMENTS {
            let s = for_document(name);
            assert!(s.is_some(), "{name} names no schema");
        }
        assert!(for_document("nonsense").is_none());
        assert!(for_document("Decision").is_none());
    }

    #[test]
    fn every_kind_names_its_input_document() {
        for &k in KindId::ALL {
            for name in std::iter::once(k.name()).chain(k.schema_aliases().iter().copied()) {
                assert!(DOCUMENTS.iter().any(|(n, _)| *n == name), "{name}");
                assert_eq!(kind_of_document(name), Some(k));
                assert_eq!(for_document(name), Some(k.input_schema()), "{name}");
            }
        }
        assert_eq!(kind_of_document("tenant"), None);
    }

    #[test]
    fn the_old_names_still_work() {
        for (old, kind) in [
            ("emergency-check", KindId::Emergency),
            ("pidf-lo-input", KindId::RenderPidfLo),
            ("conferencing-check", KindId::Conferencing),
            ("bridge-check", KindId::Bridge),
        ] {
            assert_eq!(kind_of_document(old), Some(kind));
        }
        for name in [
            "eligibility",
            "eligibility-request",
            "tenant",
            "operator-programme",
            "decision",
            "address",
            "emergency-config",
            "emergency-check",
            "network-context",
            "resolution",
            "pidf-lo-input",
            "conferencing-config",
            "conferencing-check",
            "bridge-check",
            "route-decision",
        ] {
            assert!(for_document(name).is_some(), "{name}");
        }
        let title = |n: &str| {
            for_document(n)
                .and_then(|s| s.get("title").and_then(|t| t.as_str()).map(String::from))
                .unwrap_or_default()
        };
        assert_eq!(title("emergency-resolve"), "ResolveCheck");
        assert_eq!(title("emergency-check"), "EmergencyCheck");
        assert_eq!(title("pidf-lo"), "PidfLoDocument");
        assert_eq!(title("emergency-config"), "EmergencyConfig");
    }
}

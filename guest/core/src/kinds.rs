//! The one table of decision kinds.
//!
//! Every kind of check (`eligibility`, `emergency-resolve`, `normalize`...)
//! is one row of [`for_each_kind!`](crate::for_each_kind). Everything that
//! lists kinds is generated from it: [`KindId`] and its accessors, the
//! schema documents ([`crate::schema::DOCUMENTS`]), [`crate::ffi::KINDS`],
//! the browser's functions (`web/src/lib.rs`) and the host's dispatch. A
//! row added here is a new [`KindId`] variant, so every exhaustive `match`
//! on it (such as [`crate::ffi::decide_id`]) stops compiling until the kind
//! is handled there: a kind can be missing nowhere without a compile error.
//!
//! ```
//! use ocpolicy_rules::kinds::{Family, KindId};
//!
//! let k: KindId = "emergency-resolve".parse().unwrap();
//! assert_eq!(k, KindId::EmergencyResolve);
//! assert_eq!(k.family(), Family::Emergency);
//! assert_eq!(k.input_type(), "ResolveCheck");
//! assert_eq!(k.output_type(), "Resolution");
//! assert_eq!(KindId::RenderPidfLo.output_type(), "string");
//! let e = "nope".parse::<KindId>().unwrap_err();
//! assert!(e.message.starts_with("unknown kind `nope`; use one of eligibility, "));
//! ```

use std::fmt;
use std::str::FromStr;

use schemars::Schema;

use crate::types::InputError;

/// Calls the macro named `$callback` once with every kind of check.
///
/// The model is wasmtime's `foreach_builtin_function!`: the table lives here
/// once and each consumer passes a callback macro that turns the whole list
/// into what it needs (an enum, a `match`, a list of functions...).
///
/// `for_each_kind!(my_macro)` (or a path to an exported macro,
/// `for_each_kind!(my_crate::my_macro)`) expands to `my_macro! { ... }`, in
/// item or expression position, where `...` is
/// one entry per kind, in this order, separated (and ended) by commas:
///
/// ```text
/// "emergency-resolve" => EmergencyResolve {
///     family: Emergency,
///     input: ResolveCheck,
///     output: Resolution,
///     js: resolveEmergency,
///     summary: "which location an emergency call from this network context carries, and why",
///     schema_aliases: [],
/// },
/// ```
///
/// - the string literal is the kind's wire name (`ffi::run`, `/v1/decide/{kind}`);
/// - the identifier after `=>` is its [`KindId`] variant;
/// - `family` is a [`Family`] variant (`Eligibility`, `Emergency`, `Conferencing`);
/// - `input` and `output` are **bare type identifiers**: the input's type in
///   `types` (or `PidfLoDocument` for `pidf-lo`), and the output's (`Decision`,
///   `Resolution`, `RouteDecision`, `Normalization`, or `String` for
///   `render-pidf-lo`). The callback resolves them: it expands where they are
///   in scope, or prefixes them with a module that re-exports them all under
///   these names, such as [`io`] (`$crate::kinds::io::$input`) or the
///   host's own copy of the types plus `PidfLoDocument` and `String`;
/// - `js` is the browser's function name (`web/src/lib.rs`), an identifier;
/// - `summary` is a string literal: what the kind decides;
/// - `schema_aliases` lists older schema document names (`ocpolicy schema
///   emergency-check`) that also name the kind's input. They are schema names
///   only, never kind names: `ffi::run("emergency-check", ..)` is an error.
///
/// Fields always come in this order and all are present, so a callback can
/// match the list with this matcher:
///
/// ```text
/// ($(
///     $name:literal => $id:ident {
///         family: $family:ident,
///         input: $input:ident,
///         output: $output:ident,
///         js: $js:ident,
///         summary: $summary:literal,
///         schema_aliases: [$($alias:literal),* $(,)?] $(,)?
///     }
/// ),* $(,)?)
/// ```
///
/// ```
/// macro_rules! names {
///     ($($name:literal => $id:ident { $($field:tt)* }),* $(,)?) => {
///         [$($name),*]
///     };
/// }
/// let names = ocpolicy_rules::for_each_kind!(names);
/// assert_eq!(names.len(), ocpolicy_rules::kinds::KindId::ALL.len());
/// ```
#[macro_export]
macro_rules! for_each_kind {
    ($($callback:ident)::+) => {
        $($callback)::+! {
            "eligibility" => Eligibility {
                family: Eligibility,
                input: EligibilityCheck,
                output: Decision,
                js: checkEligibility,
                summary: "may this number be assigned, uploaded, released, or this operator or country removed",
                schema_aliases: [],
            },
            "operator-programme" => OperatorProgramme {
                family: Eligibility,
                input: OperatorProgramme,
                output: Decision,
                js: checkOperatorProgramme,
                summary: "does an operator's offer meet the Operator Connect programme",
                schema_aliases: [],
            },
            "address" => Address {
                family: Emergency,
                input: AddressCheck,
                output: Decision,
                js: checkAddress,
                summary: "is this civic address valid for its country and connectivity",
                schema_aliases: [],
            },
            "emergency" => Emergency {
                family: Emergency,
                input: EmergencyCheck,
                output: Decision,
                js: checkEmergency,
                summary: "an emergency change (address, location, LIS entry, policy) against the configuration",
                schema_aliases: ["emergency-check"],
            },
            "emergency-audit" => EmergencyAudit {
                family: Emergency,
                input: EmergencyConfig,
                output: Decision,
                js: auditEmergency,
                summary: "do the emergency configuration and policies meet the law",
                schema_aliases: [],
            },
            "emergency-resolve" => EmergencyResolve {
                family: Emergency,
                input: ResolveCheck,
                output: Resolution,
                js: resolveEmergency,
                summary: "which location an emergency call from this network context carries, and why",
                schema_aliases: [],
            },
            "render-pidf-lo" => RenderPidfLo {
                family: Emergency,
                input: PidfLoInput,
                output: String,
                js: renderPidfLo,
                summary: "the PIDF-LO document an emergency call carries",
                schema_aliases: ["pidf-lo-input"],
            },
            "pidf-lo" => PidfLo {
                family: Emergency,
                input: PidfLoDocument,
                output: Decision,
                js: validatePidfLo,
                summary: "is this PIDF-LO document what Teams would send",
                schema_aliases: [],
            },
            "bridge" => Bridge {
                family: Conferencing,
                input: BridgeCheck,
                output: Decision,
                js: checkBridge,
                summary: "is the conferencing bridge set up validly",
                schema_aliases: ["bridge-check"],
            },
            "conferencing" => Conferencing {
                family: Conferencing,
                input: ConferencingCheck,
                output: Decision,
                js: checkConferencing,
                summary: "a conferencing change (bridge number, default, policy grant) against the configuration",
                schema_aliases: ["conferencing-check"],
            },
            "conferencing-lint" => ConferencingLint {
                family: Conferencing,
                input: ConferencingConfig,
                output: Decision,
                js: lintConferencing,
                summary: "routes, usages and dial plans that can never work as meant",
                schema_aliases: [],
            },
            "conferencing-route" => ConferencingRoute {
                family: Conferencing,
                input: RouteCheck,
                output: RouteDecision,
                js: routeDialOut,
                summary: "which way a meeting dial-out goes, and why",
                schema_aliases: [],
            },
            "normalize" => Normalize {
                family: Conferencing,
                input: NormalizeCheck,
                output: Normalization,
                js: normalize,
                summary: "what a dial string becomes under the organizer's dial plan",
                schema_aliases: [],
            },
        }
    };
}

/// The input of the `pidf-lo` kind: a PIDF-LO document to validate.
#[derive(
    Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize, schemars::JsonSchema,
)]
#[serde(deny_unknown_fields)]
pub struct PidfLoDocument {
    /// The PIDF-LO XML.
    pub xml: String,
}

/// Every type the table names, under the bare name it uses there, so that a
/// callback can write `$crate::kinds::io::$input`.
pub mod io {
    pub use super::PidfLoDocument;
    pub use crate::types::{
        AddressCheck, BridgeCheck, ConferencingCheck, ConferencingConfig, Decision,
        EligibilityCheck, EmergencyCheck, EmergencyConfig, Normalization, NormalizeCheck,
        OperatorProgramme, PidfLoInput, Resolution, ResolveCheck, RouteCheck, RouteDecision,
    };
    pub use std::string::String;
}

/// A family of kinds: the WIT interface its rules live in, and the unit the
/// host routes and counts by.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Family {
    /// Numbers, operators and the Operator Connect programme.
    Eligibility,
    /// Emergency calling: addresses, locations, LIS, PIDF-LO.
    Emergency,
    /// Audio conferencing: bridges, dial-out routing, dial plans.
    Conferencing,
}

impl Family {
    /// Every family.
    pub const ALL: &'static [Family] =
        &[Family::Eligibility, Family::Emergency, Family::Conferencing];

    /// Its name: `eligibility`, `emergency` or `conferencing`.
    pub const fn name(self) -> &'static str {
        match self {
            Family::Eligibility => "eligibility",
            Family::Emergency => "emergency",
            Family::Conferencing => "conferencing",
        }
    }

    /// The kinds of this family, in table order.
    pub fn kinds(self) -> impl Iterator<Item = KindId> {
        KindId::ALL
            .iter()
            .copied()
            .filter(move |k| k.family() == self)
    }
}

impl fmt::Display for Family {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl serde::Serialize for Family {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.name())
    }
}

/// The output's type name as `ffi::Kind` and the OpenAPI document spell it
/// (`String` is `string`).
const fn type_name(ident: &'static str) -> &'static str {
    match ident.as_bytes() {
        b"String" => "string",
        _ => ident,
    }
}

macro_rules! generate {
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
        /// A kind of check, one per row of [`for_each_kind!`](crate::for_each_kind).
        ///
        /// Serialises as its wire name (`"emergency-resolve"`).
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum KindId {
            $(
                #[doc = concat!("`", $name, "`: ", $summary, ".")]
                $id,
            )*
        }

        impl KindId {
            /// Every kind, in table order.
            pub const ALL: &'static [KindId] = &[$(KindId::$id),*];

            /// Its wire name (`emergency-resolve`).
            pub const fn name(self) -> &'static str {
                match self {
                    $(KindId::$id => $name,)*
                }
            }

            /// The kind of this wire name; `None` for any other string
            /// (schema aliases included).
            pub fn from_name(name: &str) -> Option<KindId> {
                match name {
                    $($name => Some(KindId::$id),)*
                    _ => None,
                }
            }

            /// Its family.
            pub const fn family(self) -> Family {
                match self {
                    $(KindId::$id => Family::$family,)*
                }
            }

            /// The input document's type name (`ResolveCheck`, `PidfLoDocument`).
            pub const fn input_type(self) -> &'static str {
                match self {
                    $(KindId::$id => stringify!($input),)*
                }
            }

            /// The output's type name (`Decision`, `Resolution`, `RouteDecision`,
            /// `Normalization`; `string` for `render-pidf-lo`).
            pub const fn output_type(self) -> &'static str {
                match self {
                    $(KindId::$id => type_name(stringify!($output)),)*
                }
            }

            /// The browser's function for it (`resolveEmergency`).
            pub const fn js_name(self) -> &'static str {
                match self {
                    $(KindId::$id => stringify!($js),)*
                }
            }

            /// What it decides.
            pub const fn summary(self) -> &'static str {
                match self {
                    $(KindId::$id => $summary,)*
                }
            }

            /// Older schema document names of its input (`emergency-check`).
            pub const fn schema_aliases(self) -> &'static [&'static str] {
                match self {
                    $(KindId::$id => &[$($alias),*],)*
                }
            }

            /// The JSON Schema of its input document.
            pub fn input_schema(self) -> Schema {
                match self {
                    $(KindId::$id => crate::schema::of::<io::$input>(),)*
                }
            }

            /// The JSON Schema of its output.
            pub fn output_schema(self) -> Schema {
                match self {
                    $(KindId::$id => crate::schema::of::<io::$output>(),)*
                }
            }
        }

        /// Each kind's input type, named after its [`KindId`] variant
        /// (`input::EmergencyResolve` is `ResolveCheck`): a dispatcher that
        /// decodes `input::X` is held to the table at compile time.
        pub mod input {
            $(
                #[doc = concat!("The input of `", $name, "`.")]
                pub type $id = super::io::$input;
            )*
        }

        /// Each kind's output type, named after its [`KindId`] variant
        /// (`output::EmergencyResolve` is `Resolution`).
        pub mod output {
            $(
                #[doc = concat!("The output of `", $name, "`.")]
                pub type $id = super::io::$output;
            )*
        }
    };
}

crate::for_each_kind!(generate);

impl KindId {
    /// The error for a kind name that is none of these, naming them all.
    pub fn unknown(name: &str) -> InputError {
        InputError {
            path: String::new(),
            message: format!(
                "unknown kind `{name}`; use one of {}",
                KindId::ALL
                    .iter()
                    .map(|k| k.name())
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
        }
    }
}

impl FromStr for KindId {
    type Err = InputError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        KindId::from_name(s).ok_or_else(|| KindId::unknown(s))
    }
}

impl fmt::Display for KindId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl serde::Serialize for KindId {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.name())
    }
}

impl<'de> serde::Deserialize<'de> for KindId {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let name = String::deserialize(d)?;
        name.parse()
            .map_err(|e: InputError| serde::de::Error::custom(e.message))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    #[test]
    fn every_kind_round_trips_through_its_name() {
        for &k in KindId::ALL {
            assert_eq!(KindId::from_name(k.name()), Some(k));
            assert_eq!(k.name().parse::<KindId>().ok(), Some(k));
            assert_eq!(k.to_string(), k.name());
            let json = serde_json::to_string(&k).unwrap();
            assert_eq!(json, format!("\"{}\"", k.name()));
            assert_eq!(serde_json::from_str::<KindId>(&json).ok(), Some(k));
        }
        assert_eq!(KindId::from_name("emergency-check"), None);
        assert_eq!(KindId::from_name(""), None);
    }

    #[test]
    fn unknown_names_say_what_to_use() {
        let e = "nope".parse::<KindId>().unwrap_err();
        assert_eq!(e.path, "");
        assert_eq!(
            e.message,
            "unknown kind `nope`; use one of eligibility, operator-programme, address, \
             emergency, emergency-audit, emergency-resolve, render-pidf-lo, pidf-lo, bridge, \
             conferencing, conferencing-lint, conferencing-route, normalize"
        );
    }

    #[test]
    fn the_table_has_no_duplicates() {
        let n = KindId::ALL.len();
        assert_eq!(n, 13);
        let ids: HashSet<_> = KindId::ALL.iter().collect();
        let names: HashSet<_> = KindId::ALL.iter().map(|k| k.name()).collect();
        let js: HashSet<_> = KindId::ALL.iter().map(|k| k.js_name()).collect();
        let aliases: Vec<_> = KindId::ALL
            .iter()
            .flat_map(|k| k.schema_aliases())
            .collect();
        let unique_aliases: HashSet<_> = aliases.iter().collect();
        assert_eq!((ids.len(), names.len(), js.len()), (n, n, n));
        assert_eq!(unique_aliases.len(), aliases.len());
        assert!(aliases.iter().all(|a| !names.contains(**a)));
    }

    #[test]
    fn families_are_exactly_the_three() {
        let used: HashSet<_> = KindId::ALL.iter().map(|k| k.family()).collect();
        let all: HashSet<_> = Family::ALL.iter().copied().collect();
        assert_eq!(used, all);
        assert_eq!(
            Family::ALL.iter().map(|f| f.name()).collect::<Vec<_>>(),
            ["eligibility", "emergency", "conferencing"]
        );
        assert_eq!(
            Family::ALL.iter().map(|f| f.kinds().count()).sum::<usize>(),
            KindId::ALL.len()
        );
        assert_eq!(KindId::Normalize.family(), Family::Conferencing);
        assert_eq!(KindId::PidfLo.family(), Family::Emergency);
        assert_eq!(
            KindId::OperatorProgramme.family().to_string(),
            "eligibility"
        );
    }

    #[test]
    fn every_kind_has_its_schemas() {
        for &k in KindId::ALL {
            for s in [k.input_schema(), k.output_schema()] {
                assert_eq!(
                    s.get("$schema").and_then(|v| v.as_str()),
                    Some("https://json-schema.org/draft/2020-12/schema"),
                    "{k}"
                );
            }
            let title = k
                .input_schema()
                .get("title")
                .and_then(|v| v.as_str())
                .map(String::from);
            assert_eq!(title.as_deref(), Some(k.input_type()), "{k}");
        }
        let pidf = KindId::PidfLo.input_schema();
        assert_eq!(
            pidf.get("additionalProperties"),
            Some(&serde_json::Value::Bool(false))
        );
        assert_eq!(KindId::RenderPidfLo.input_type(), "PidfLoInput");
        assert_eq!(KindId::RenderPidfLo.output_type(), "string");
        assert_eq!(
            KindId::RenderPidfLo.output_schema().get("type"),
            Some(&serde_json::Value::from("string"))
        );
    }
}

//! `/metrics` in Prometheus text format (prometheus-client): decisions by
//! family, kind and outcome; violations by rule code; decision latency.

use std::sync::Mutex;
use std::time::Duration;

use axum::extract::State;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use prometheus_client::encoding::EncodeLabelSet;
use prometheus_client::encoding::text::encode;
use prometheus_client::metrics::counter::Counter;
use prometheus_client::metrics::family::Family;
use prometheus_client::metrics::histogram::{Histogram, exponential_buckets};
use prometheus_client::registry::Registry;
use serde_json::Value;

use super::AppState;

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
pub struct Decision {
    family: String,
    kind: String,
    outcome: String,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct Code {
    family: String,
    code: String,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct Kind {
    kind: String,
}

pub struct Metrics {
    registry: Mutex<Registry>,
    decisions: Family<Decision, Counter>,
    violations: Family<Code, Counter>,
    latency: Family<Kind, Histogram>,
    pub writes: Family<Decision, Counter>,
    /// Plugin calls by plugin and outcome, and the fuel they used.
    pub plugin_runs: Family<PluginLabels, Counter>,
    pub plugin_fuel: Family<PluginLabels, Counter>,
}

/// The labels of a plugin call.
#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
pub struct PluginLabels {
    plugin: String,
    outcome: String,
}

impl PluginLabels {
    /// `plugin` is `id@version`; `outcome` the run's outcome (`Ok`, `BudgetExceeded`...).
    pub fn new(plugin: &str, outcome: &str) -> Self {
        PluginLabels {
            plugin: plugin.into(),
            outcome: outcome.into(),
        }
    }
}

impl Default for Metrics {
    fn default() -> Self {
        let decisions = Family::<Decision, Counter>::default();
        let violations = Family::<Code, Counter>::default();
        let writes = Family::<Decision, Counter>::default();
        let plugin_runs = Family::<PluginLabels, Counter>::default();
        let plugin_fuel = Family::<PluginLabels, Counter>::default();
        let latency = Family::<Kind, Histogram>::new_with_constructor(|| {
            Histogram::new(exponential_buckets(0.000_005, 2.0, 20))
        });
        let mut registry = Registry::with_prefix("ocpolicy");
        registry.register(
            "decisions",
            "Decisions by family, kind and outcome (allowed, denied, bad_input)",
            decisions.clone(),
        );
        registry.register(
            "violations",
            "Violations raised, by rule code",
            violations.clone(),
        );
        registry.register(
            "decision_seconds",
            "Time to decide one document, in the rules component",
            latency.clone(),
        );
        registry.register(
            "tenant_writes",
            "Tenant writes by action and outcome (committed, refused)",
            writes.clone(),
        );
        registry.register(
            "plugin_runs",
            "Operator plugin calls by plugin and outcome (failures are every outcome but Ok)",
            plugin_runs.clone(),
        );
        registry.register(
            "plugin_fuel",
            "Fuel operator plugins used, by plugin and outcome",
            plugin_fuel.clone(),
        );
        Metrics {
            registry: Mutex::new(registry),
            decisions,
            violations,
            latency,
            writes,
            plugin_runs,
            plugin_fuel,
        }
    }
}

impl Metrics {
    /// Count one decided document.
    pub fn decided(&self, family: &str, kind: &str, output: &Value, took: Duration) {
        let violations = output["violations"].as_array();
        let allowed = output["allowed"].as_bool().unwrap_or_else(|| {
            !violations.is_some_and(|v| v.iter().any(|x| x["severity"] == "Error"))
        });
        self.decisions
            .get_or_create(&Decision {
                family: family.into(),
                kind: kind.into(),
                outcome: if allowed { "allowed" } else { "denied" }.into(),
            })
            .inc();
        for v in violations.into_iter().flatten() {
            if let Some(code) = v["code"].as_str() {
                self.violations
                    .get_or_create(&Code {
                        family: family.into(),
                        code: code.into(),
                    })
                    .inc();
            }
        }
        self.latency
            .get_or_create(&Kind { kind: kind.into() })
            .observe(took.as_secs_f64());
    }

    /// Count one document the rules could not take.
    pub fn bad_input(&self, family: &str, kind: &str) {
        self.decisions
            .get_or_create(&Decision {
                family: family.into(),
                kind: kind.into(),
                outcome: "bad_input".into(),
            })
            .inc();
    }
}

pub async fn handler(State(s): State<AppState>) -> Response {
    let mut out = String::new();
    let encoded = match s.inner.metrics.registry.lock() {
        Ok(r) => encode(&mut out, &r).is_ok(),
        Err(_) => false,
    };
    if !encoded {
        return (StatusCode::INTERNAL_SERVER_ERROR, "metrics unavailable\n").into_response();
    }
    (
        [(
            header::CONTENT_TYPE,
            "application/openmetrics-text; version=1.0.0; charset=utf-8",
        )],
        out,
    )
        .into_response()
}

/// The labels of a tenant write.
pub fn write_labels(action: &str, outcome: &str) -> Decision {
    Decision {
        family: "tenant".into(),
        kind: action.into(),
        outcome: outcome.into(),
    }
}

//! `/openapi.json`: the OpenAPI 3.1 document, generated at start-up from the
//! contract's types (their JSON Schemas, from the schemars derives the core's
//! WIT-generated types carry) and from the decision kinds' table, never written
//! by hand.

use axum::Json;
use axum::extract::State;
use ocpolicy_rules::kinds::{KindId, io};
use ocpolicy_rules::types as t;
use schemars::generate::SchemaSettings;
use serde_json::{Map, Value, json};

use super::AppState;

/// Every schema the API names, by the name the kinds' table uses. Every
/// kind's input and output is here by construction (the table drives it).
fn schemas() -> (Map<String, Value>, Map<String, Value>) {
    let mut g = SchemaSettings::draft2020_12()
        .with(|s| s.definitions_path = "/components/schemas".into())
        .into_generator();
    let mut refs = Map::new();
    macro_rules! add {
        ($($name:literal => $ty:ty),* $(,)?) => {
            $( refs.insert($name.to_string(), g.subschema_for::<$ty>().to_value()); )*
        };
    }
    // Every kind's input and output, from the one table of kinds.
    macro_rules! kinds {
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
            $(
                refs.insert(
                    KindId::$id.input_type().to_string(),
                    g.subschema_for::<io::$input>().to_value(),
                );
                refs.insert(
                    KindId::$id.output_type().to_string(),
                    g.subschema_for::<io::$output>().to_value(),
                );
            )*
        };
    }
    ocpolicy_rules::for_each_kind!(kinds);
    // What the tenant API takes besides.
    add! {
        "EligibilityRequest" => t::EligibilityRequest,
        "EmergencyRequest" => t::EmergencyRequest,
        "NetworkContext" => t::NetworkContext,
        "ConferencingRequest" => t::ConferencingRequest,
        "DialOut" => t::DialOut,
        "Decision" => t::Decision,
        "Resolution" => t::Resolution,
        "RouteDecision" => t::RouteDecision,
        "CivicAddress" => t::CivicAddress,
        "Tenant" => t::Tenant,
        "TenantDocument" => t::TenantDocument,
        "OperatorView" => crate::document::OperatorView,
        "OperatorForm" => crate::onboard::OperatorForm,
    }
    (refs, g.take_definitions(true))
}

/// The document.
pub fn document() -> Value {
    let (refs, mut components) = schemas();
    let schema = |name: &str| refs.get(name).cloned().unwrap_or(json!({}));
    components.insert(
        "Error".into(),
        json!({"type": "object", "required": ["error"], "properties": {"error": {"type": "object",
          "required": ["path", "message"], "properties": {"path": {"type": "string", "description": "the field at fault, e.g. `request.AssignNumber.telephone_number`; empty for the document as a whole"},
          "message": {"type": "string", "description": "what is wrong and how to fix it"}}}}}),
    );
    let error = |what: &str| json!({"description": what, "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}});
    let mut paths = Map::new();
    for k in ocpolicy_rules::ffi::KINDS {
        paths.insert(
            format!("/v1/decide/{}", k.name),
            json!({"post": {
                "operationId": format!("decide-{}", k.name),
                "tags": ["decisions"],
                "summary": k.summary,
                "requestBody": {"required": true, "content": {"application/json": {"schema": schema(k.input)}}},
                "responses": {
                    "200": {"description": "decided", "content": {"application/json": {"schema": {
                        "type": "object", "required": ["ok"], "properties": {"ok": schema(k.output),
                            "plugins": {"type": "array", "items": {"type": "object"},
                                "description": "under `serve --plugins`, the operator plugins that took part, as on the tenant writes: {plugin, hook, outcome, fuel}; their violations are in `ok`"}}}}}},
                    "400": error("the document cannot be decided: malformed JSON, a wrong type, an unknown or missing field"),
                    "413": error("the body is larger than 16 MiB"),
                }
            }}),
        );
        paths.insert(
            format!("/v1/decide/{}/batch", k.name),
            json!({"post": {
                "operationId": format!("decide-{}-batch", k.name),
                "tags": ["decisions"],
                "summary": format!("{} (NDJSON: one document per line in, one envelope per line out, in order)", k.summary),
                "requestBody": {"required": true, "content": {"application/x-ndjson": {"schema": {"type": "string"}}}},
                "responses": {
                    "200": {"description": "one {\"ok\": ...} or {\"error\": ...} line per input line; past 100,000 lines, one last error line says where the batch was cut", "content": {"application/x-ndjson": {"schema": {"type": "string"}}}},
                    "400": error("the first line is not UTF-8 text"),
                }
            }}),
        );
    }
    let tenant =
        json!({"name": "tenant", "in": "path", "required": true, "schema": {"type": "string"}});
    let auth = json!([{"bearer": []}]);
    paths.insert("/v1/tenants/{tenant}/snapshot".into(), json!({"get": {
        "operationId": "tenant-snapshot", "tags": ["tenants"], "security": auth, "parameters": [tenant],
        "summary": "the stored tenant (the contract's tenant-document: the tenant once, with its emergency and conferencing settings), as the web console validates against it; an operator token reads the operator's view instead (its own numbers without their holders, the tenant's consent to it, the civic addresses in the countries it serves)",
        "responses": {"200": {"description": "the snapshot (admin, auditor) or the operator's view (operator)", "content": {"application/json": {"schema": {"anyOf": [schema("TenantDocument"), schema("OperatorView")]}}}},
            "401": error("no or unknown bearer token"), "403": error("the token may not read this tenant"), "404": error("no such tenant"),
            "409": error("the stored tenant cannot be decided (TENANT-UNDECIDABLE); the path names the field")}}}));
    let repair_plan = json!({"type": "object", "properties": {
        "decidable": {"type": "boolean"},
        "problem": {"type": ["object", "null"], "properties": {"path": {"type": "string"}, "message": {"type": "string"}}},
        "repairs": {"type": "array", "items": {"type": "object", "properties": {"removed": {"type": "string"}, "kept": {"type": "string"}, "reason": {"type": "string"}}}},
        "after": {"type": ["object", "null"], "properties": {"path": {"type": "string"}, "message": {"type": "string"}}}}});
    paths.insert("/v1/tenants/{tenant}/repair".into(), json!({
        "get": {"operationId": "repair-plan", "tags": ["platform"], "security": auth, "parameters": [tenant],
            "summary": "whether the stored tenant can be decided, what is wrong if not (path and message), and the repairs POST would make (a record listed twice for one key keeps one copy); the platform token only",
            "responses": {"200": {"description": "the plan", "content": {"application/json": {"schema": repair_plan}}},
                "401": error("no or unknown bearer token"), "403": error("not the platform token"), "404": error("no such tenant")}},
        "post": {"operationId": "repair", "tags": ["platform"], "security": auth, "parameters": [tenant],
            "summary": "make the repairs, audited, when they leave the tenant decidable; otherwise nothing changes and the answer is 409 with what is still wrong",
            "responses": {"200": {"description": "repaired (or nothing to repair); the plan", "content": {"application/json": {"schema": repair_plan}}},
                "401": error("no or unknown bearer token"), "403": error("not the platform token"), "404": error("no such tenant"),
                "409": {"description": "the repairs would not make the tenant decidable; nothing changed", "content": {"application/json": {"schema": repair_plan}}}}}}));
    // Decisions against the stored tenant (scoped.rs).
    let kind_param = |k: &str| json!({"name": "kind", "in": "path", "required": true, "schema": {"type": "string", "enum": [k]}});
    for k in crate::scoped::KINDS {
        let (input, output) = k.types();
        paths.insert(format!("/v1/tenants/{{tenant}}/decide/{}", k.name()), json!({"post": {
            "operationId": format!("tenant-decide-{}", k.name()), "tags": ["tenant decisions"], "security": auth,
            "parameters": [tenant, kind_param(k.name())],
            "summary": format!("decide {}: only the request is sent; the server's clock fills in a time the request leaves out, and the operators' plugins take part as on a write. An operator token asks only about uploading or releasing its own numbers", k.summary()),
            "requestBody": {"required": true, "content": {"application/json": {"schema": schema(input)}}},
            "responses": {
                "200": {"description": "decided against the tenant's stored version `tenant_version`", "content": {"application/json": {"schema": {
                    "type": "object", "required": ["ok", "tenant_version"], "properties": {"ok": schema(output),
                        "tenant_version": {"type": "integer", "description": "the stored tenant's version the answer was decided against (one more at every committed write)"},
                        "plugins": {"type": "array", "items": {"type": "object"}, "description": "the operator plugins that took part: {plugin, hook, outcome, fuel}"}}}}}},
                "400": error("the request cannot be decided: malformed JSON, a wrong type, an unknown or missing field"),
                "401": error("no or unknown bearer token"),
                "403": error("the token may not read this tenant, or (an operator) may not ask this"),
                "404": error("no such tenant"),
                "409": error("the stored tenant cannot be decided (TENANT-UNDECIDABLE), or it has no conferencing settings"),
                "413": error("the body is larger than 16 MiB"),
            }}}));
        paths.insert(format!("/v1/tenants/{{tenant}}/decide/{}/batch", k.name()), json!({"post": {
            "operationId": format!("tenant-decide-{}-batch", k.name()), "tags": ["tenant decisions"], "security": auth,
            "parameters": [tenant, kind_param(k.name())],
            "summary": format!("decide {} (NDJSON: one request per line in, one envelope per line out, in order, streamed; each chunk of lines is decided against the version stored when it is reached). At most 100,000 lines, each at most 16 MiB; the body as a whole has no size limit", k.summary()),
            "requestBody": {"required": true, "content": {"application/x-ndjson": {"schema": {"type": "string"}}}},
            "responses": {
                "200": {"description": "one {\"ok\": ..., \"tenant_version\": n} or {\"error\": ...} line per input line; past 100,000 lines, one last error line says where the batch was cut", "content": {"application/x-ndjson": {"schema": {"type": "string"}}}},
                "400": error("the first line is not UTF-8 text"),
                "401": error("no or unknown bearer token"),
                "403": error("the token may not read this tenant"),
                "404": error("no such tenant"),
                "409": error("the stored tenant cannot be decided (TENANT-UNDECIDABLE)"),
            }}}));
    }
    paths.insert("/v1/tenants/{tenant}/assignments".into(), json!({"post": {
        "operationId": "assign-number", "tags": ["tenants"], "security": auth, "parameters": [tenant],
        "summary": "assign a number: decided by the rules against the stored tenant, then committed with its audit record, or refused",
        "requestBody": {"required": true, "content": {"application/json": {"schema": schema("EligibilityRequest")}}},
        "responses": {"200": {"description": "committed; the decision", "content": {"application/json": {"schema": schema("Decision")}}},
            "400": error("the request cannot be decided"), "401": error("no or unknown bearer token"),
            "403": error("the token may not write this tenant"), "404": error("no such tenant"),
            "422": {"description": "refused by the rules; the full decision", "content": {"application/json": {"schema": schema("Decision")}}}}}}));
    paths.insert("/v1/tenants/{tenant}/numbers".into(), json!({"post": {
        "operationId": "upload-numbers", "tags": ["tenants"], "security": auth, "parameters": [tenant],
        "summary": "an operator uploads its own numbers to a tenant that consented to it: decided by the rules (countries enabled, formats, locations) and the operators' plugins, then committed or refused",
        "requestBody": {"required": true, "content": {"application/json": {"schema": schema("EligibilityRequest")}}},
        "responses": {"200": {"description": "committed; the decision", "content": {"application/json": {"schema": schema("Decision")}}},
            "400": error("the request cannot be decided"), "401": error("no or unknown bearer token"),
            "403": error("not an operator token, another operator's numbers, or a tenant that did not consent"), "404": error("no such tenant"),
            "422": {"description": "refused by the rules; the full decision", "content": {"application/json": {"schema": schema("Decision")}}}}}}));
    paths.insert("/v1/tenants/{tenant}/assignments/{number}".into(), json!({"delete": {
        "operationId": "unassign-number", "tags": ["tenants"], "security": auth,
        "parameters": [tenant, {"name": "number", "in": "path", "required": true, "schema": {"type": "string"}}],
        "summary": "take a number back from its holder (Remove-CsPhoneNumberAssignment), decided by the rules like every write: a bridge number leaves the bridge, and the bridge rules decide the bridge without it (its default number cannot leave); then committed with its audit record, or refused",
        "responses": {"200": {"description": "unassigned; the decision", "content": {"application/json": {"schema": schema("Decision")}}},
            "401": error("no or unknown bearer token"), "403": error("the token may not write this tenant"),
            "404": error("no such tenant, or the number is not assigned"),
            "422": {"description": "refused by the rules; the full decision", "content": {"application/json": {"schema": schema("Decision")}}}}}}));
    paths.insert("/v1/tenants/{tenant}/numbers/{number}".into(), json!({"delete": {
        "operationId": "release-number", "tags": ["tenants"], "security": auth,
        "parameters": [tenant, {"name": "number", "in": "path", "required": true, "schema": {"type": "string"}}],
        "summary": "an operator releases one of its own numbers from a tenant that consented to it; the rules decide",
        "responses": {"200": {"description": "released; the decision", "content": {"application/json": {"schema": schema("Decision")}}},
            "401": error("no or unknown bearer token"),
            "403": error("not an operator token, another operator's number, or a tenant that did not consent"), "404": error("no such tenant"),
            "422": {"description": "refused by the rules; the full decision", "content": {"application/json": {"schema": schema("Decision")}}}}}}));
    paths.insert("/v1/tenants/{tenant}/review".into(), json!({"get": {
        "operationId": "review-tenant", "tags": ["tenants"], "security": auth, "parameters": [tenant],
        "summary": "the whole-tenant audit of the stored tenant (what `ocpolicy audit --json` prints), at the server's clock: every current assignment decided again, every holder reviewed, the emergency configuration audited, the routing linted, every organizer's domestic dial-out routed; the tenant's admin and auditors only",
        "responses": {"200": {"description": "the audit: what was examined, counts per severity, family and code, and every finding (family, subject, code, severity, path, message, fix, citation)", "content": {"application/json": {"schema": {"type": "object"}}}},
            "401": error("no or unknown bearer token"), "403": error("an operator, or a token of another tenant"), "404": error("no such tenant"),
            "409": error("the stored tenant cannot be decided (TENANT-UNDECIDABLE)")}}}));
    paths.insert("/v1/tenants/{tenant}/numbers/{number}/location".into(), json!({"put": {
        "operationId": "change-number-location", "tags": ["tenants"], "security": auth,
        "parameters": [tenant, {"name": "number", "in": "path", "required": true, "schema": {"type": "string"}}],
        "summary": "change or clear a number's emergency location (Set-CsPhoneNumberAssignment -PhoneNumber -LocationId); the tenant's admin only; the rules decide it as UpdateNumberLocation (ELIG-LOCATION-UPDATE-LOCKED, ELIG-LOCATION-NULL)",
        "requestBody": {"required": true, "content": {"application/json": {"schema": {"type": "object", "additionalProperties": false,
            "properties": {"location_id": {"type": ["string", "null"], "description": "the new LocationId; null (or absent) clears it"}}}}}},
        "responses": {"200": {"description": "changed; the decision", "content": {"application/json": {"schema": schema("Decision")}}},
            "400": error("the body or the number cannot be decided (an unknown location, a number not in the tenant)"), "401": error("no or unknown bearer token"),
            "403": error("not this tenant's admin"), "404": error("no such tenant"),
            "422": {"description": "refused by the rules; the full decision", "content": {"application/json": {"schema": schema("Decision")}}}}}}));
    paths.insert("/v1/tenants/{tenant}/addresses".into(), json!({"put": {
        "operationId": "write-address", "tags": ["tenants"], "security": auth, "parameters": [tenant],
        "summary": "create a civic address, or replace the one with its id; the tenant's admin only (operators never write addresses: ELIG-OPERATOR-WRITES-ADDRESS)",
        "requestBody": {"required": true, "content": {"application/json": {"schema": schema("CivicAddress")}}},
        "responses": {"200": {"description": "written; the decision", "content": {"application/json": {"schema": schema("Decision")}}},
            "400": error("the address cannot be decided"), "401": error("no or unknown bearer token"),
            "403": error("not this tenant's admin"), "404": error("no such tenant"),
            "422": {"description": "refused by the rules; the full decision", "content": {"application/json": {"schema": schema("Decision")}}}}}}));
    // The configuration writes (configure.rs): each is decided like a
    // `/v1/decide/{kind}` call against the stored tenant, then committed or refused.
    let decided = |what: &str| {
        json!({"200": {"description": "written; the decision", "content": {"application/json": {"schema": schema("Decision")}}},
            "400": error(what), "401": error("no or unknown bearer token"),
            "403": error("not this tenant's admin (operators and auditors never configure a tenant)"), "404": error("no such tenant"),
            "422": {"description": "refused by the rules; the full decision", "content": {"application/json": {"schema": schema("Decision")}}}})
    };
    let id = json!({"name": "id", "in": "path", "required": true, "schema": {"type": "string"}});
    let routing_props: Map<String, Value> = super::configure::ROUTING_KEYS
        .iter()
        .filter_map(|k| {
            let prop = components
                .get("ConferencingConfig")?
                .get("properties")?
                .get(*k)?;
            // Given or not, never null: each one given replaces the stored one.
            let mut prop = prop.clone();
            if let Some(t) = prop.get("type").and_then(Value::as_array).cloned() {
                prop["type"] = t.into_iter().find(|x| x != "null").unwrap_or(Value::Null);
            }
            Some((k.to_string(), prop))
        })
        .collect();
    for (path, method, op, summary, body, bad) in [
        (
            "/v1/tenants/{tenant}/locations",
            "put",
            "write-location",
            "create a location (a place under a civic address), or replace the one with its location_id; the `emergency` kind's WriteLocation decides (EMG-ELIN-CLEAR...)",
            Some(schema("Location")),
            "the location cannot be decided (e.g. its civic address does not exist)",
        ),
        (
            "/v1/tenants/{tenant}/locations/{id}",
            "delete",
            "remove-location",
            "remove a location; refused while numbers or users use it (EMG-DELETE-IN-USE)",
            None,
            "the location does not exist",
        ),
        (
            "/v1/tenants/{tenant}/addresses/{id}",
            "delete",
            "remove-address",
            "remove a civic address; refused while its locations are in use (EMG-DELETE-IN-USE)",
            None,
            "the address does not exist",
        ),
        (
            "/v1/tenants/{tenant}/lis",
            "put",
            "set-lis-entry",
            "set a LIS subnet, wireless access point, switch or port, replacing the entry for the same network identifier; the `emergency` kind's SetLisEntry decides at the server's clock",
            Some(schema("LisEntry")),
            "the entry cannot be decided (e.g. its location does not exist)",
        ),
        (
            "/v1/tenants/{tenant}/trusted-ips",
            "put",
            "add-trusted-ip",
            "add a trusted external IP range; the `emergency` kind's SetTrustedIp decides (a duplicate is refused)",
            Some(schema("TrustedIp")),
            "the range cannot be decided",
        ),
        (
            "/v1/tenants/{tenant}/bridge",
            "put",
            "set-bridge",
            "set the conferencing bridge (its numbers and default number); the `bridge` kind decides with the stored country, operators and organizers, and the plugins of the operators whose numbers are on it",
            Some(schema("Bridge")),
            "the bridge cannot be decided",
        ),
        (
            "/v1/tenants/{tenant}/bridge/default",
            "put",
            "set-bridge-default",
            "Set-CsOnlineDialInConferencingBridge -DefaultServiceNumber; the `conferencing` kind's SetDefaultServiceNumber decides",
            Some(
                json!({"type": "object", "additionalProperties": false, "required": ["default_service_number"],
                "properties": {"default_service_number": {"type": "string", "description": "a bridge number, E.164"}}}),
            ),
            "the body is not {\"default_service_number\": \"+...\"}",
        ),
        (
            "/v1/tenants/{tenant}/routing",
            "put",
            "set-routing",
            "set any of the routing parts of the conferencing configuration (each one given replaces the stored one); the `conferencing-lint` kind decides the whole new configuration, and any error refuses it",
            Some(
                json!({"type": "object", "additionalProperties": false, "minProperties": 1, "properties": routing_props}),
            ),
            "an unknown key, or a part that cannot be decided",
        ),
    ] {
        let mut params = vec![tenant.clone()];
        if path.ends_with("{id}") {
            params.push(id.clone());
        }
        let mut operation = json!({"operationId": op, "tags": ["tenants"], "security": auth, "parameters": params,
            "summary": summary, "responses": decided(bad)});
        if let Some(b) = body {
            operation["requestBody"] =
                json!({"required": true, "content": {"application/json": {"schema": b}}});
        }
        let entry = paths.entry(path.to_string()).or_insert_with(|| json!({}));
        entry[method] = operation;
    }
    paths.insert("/v1/admin/plugins/reload".into(), json!({"post": {
        "operationId": "reload-plugins", "tags": ["operations"], "security": auth,
        "summary": "load the plugin directory again and swap the set atomically (platform token); a plugin that fails to load keeps its previous version, and one without a previous version is unavailable (its operator's decisions fail closed, PLUGIN-UNAVAILABLE)",
        "responses": {"200": {"description": "{loaded: [id@version], plugins: [{operator, id, version, dir, trusted}], errors: [{plugin, operator, dir, reason}], unavailable: [operator/id@version]}", "content": {"application/json": {"schema": {"type": "object"}}}},
            "401": error("no or unknown bearer token"), "403": error("not a platform token"),
            "409": error("the server runs without --plugins")}}}));
    paths.insert("/v1/tenants/{tenant}/audit".into(), json!({"get": {
        "operationId": "tenant-audit", "tags": ["tenants"], "security": auth, "parameters": [tenant],
        "summary": "the tenant's audit log, newest first (requests redacted unless the server runs with --audit-unredacted)",
        "responses": {"200": {"description": "audit records", "content": {"application/json": {"schema": {"type": "array", "items": {"type": "object"}}}}},
            "401": error("no or unknown bearer token"), "403": error("the token may not read this tenant")}}}));
    paths.insert("/v1/tenants".into(), json!({"get": {
        "operationId": "list-tenants", "tags": ["tenants"], "security": auth,
        "summary": "the tenants this token may see: an admin its own, an auditor its own (or all), an operator those that added it, the platform every id (and nothing inside them); what the console's sign-in offers",
        "responses": {"200": {"description": "{principal, role, tenants: [id]}", "content": {"application/json": {"schema": {"type": "object",
            "required": ["principal", "role", "tenants"], "properties": {"principal": {"type": "string"}, "role": {"type": "string"},
            "tenants": {"type": "array", "items": {"type": "string"}}}}}}},
            "401": error("no or unknown bearer token")}}}));
    let created = json!({"type": "object", "properties": {"tenant": {"type": "string"}, "created": {"type": "boolean"},
        "holds": {"type": "object"}, "complete": {"type": "boolean"}, "report": {"type": "object"}}});
    paths.insert("/v1/tenants/{tenant}".into(), json!({"put": {
        "operationId": "put-tenant", "tags": ["platform"], "security": auth, "parameters": [tenant],
        "summary": "create or replace a tenant from a tenant document (what `ocpolicy import teams` writes, or `ocpolicy push` sends); the platform token only; audited. Up to 256 MiB",
        "requestBody": {"required": true, "content": {"application/json": {"schema": schema("TenantDocument")}}},
        "responses": {"201": {"description": "created", "content": {"application/json": {"schema": created}}},
            "200": {"description": "replaced", "content": {"application/json": {"schema": created}}},
            "400": error("the document does not decode (the path names the field), or names another tenant"),
            "401": error("no or unknown bearer token"), "403": error("not the platform token"),
            "422": {"description": "the document does not index (TENANT-UNDECIDABLE); nothing was stored", "content": {"application/json": {"schema": schema("Decision")}}}}}}));
    paths.insert("/v1/tenants/{tenant}/import".into(), json!({"put": {
        "operationId": "import-tenant", "tags": ["platform"], "security": auth, "parameters": [tenant],
        "summary": "create or replace a tenant from a folder of Teams exports, as `ocpolicy import teams` reads it: {files: {\"Get-CsOnlineUser.json\": [...], \"Export-CsAcquiredPhoneNumber.csv\": \"TelephoneNumber,...\"}, org_country?, operators?}; the answer carries the import report; the platform token only",
        "requestBody": {"required": true, "content": {"application/json": {"schema": {"type": "object", "required": ["files"],
            "properties": {"files": {"type": "object", "additionalProperties": true}, "org_country": {"type": "string"},
                "operators": {"type": "array", "items": {"type": "object"}}}, "additionalProperties": false}}}},
        "responses": {"201": {"description": "created, with the import report", "content": {"application/json": {"schema": created}}},
            "200": {"description": "replaced, with the import report", "content": {"application/json": {"schema": created}}},
            "400": error("the body is not {files}, or a file name is not a plain name"),
            "401": error("no or unknown bearer token"), "403": error("not the platform token"),
            "422": {"description": "the exports cannot make a tenant (the error and the report), or it does not index", "content": {"application/json": {"schema": {"type": "object"}}}}}}}));
    paths.insert("/v1/tenants/{tenant}/operators/{operator}".into(), json!({"put": {
        "operationId": "add-operator", "tags": ["tenants"], "security": auth,
        "parameters": [tenant, {"name": "operator", "in": "path", "required": true, "schema": {"type": "string"}}],
        "summary": "the tenant's admin adds (or changes) an operator as the Teams admin center's Operators page does: countries, products, the contact the operator may use, and the data transfer notice (ELIG-OPERATOR-CONSENT refuses an incomplete form); audited",
        "requestBody": {"required": true, "content": {"application/json": {"schema": schema("OperatorForm")}}},
        "responses": {"200": {"description": "added; the decision", "content": {"application/json": {"schema": schema("Decision")}}},
            "400": error("the form does not decode"), "401": error("no or unknown bearer token"),
            "403": error("not this tenant's admin"), "404": error("no such tenant"),
            "422": {"description": "refused: the full decision", "content": {"application/json": {"schema": schema("Decision")}}}}}}));
    paths.insert("/v1/tenants/{tenant}/tokens".into(), json!({"post": {
        "operationId": "create-tenant-token", "tags": ["platform"], "security": auth, "parameters": [tenant],
        "summary": "a token for the tenant's admin or auditor, shown once (only its SHA-256 is stored); the platform token only",
        "requestBody": {"required": true, "content": {"application/json": {"schema": {"type": "object", "required": ["role"],
            "properties": {"role": {"enum": ["admin", "auditor"]}}, "additionalProperties": false}}}},
        "responses": {"201": {"description": "{token, role, tenant}", "content": {"application/json": {"schema": {"type": "object"}}}},
            "400": error("not a tenant role"), "401": error("no or unknown bearer token"),
            "403": error("not the platform token"), "404": error("no such tenant")}}}));
    paths.insert("/healthz".into(), json!({"get": {"operationId": "healthz", "tags": ["operations"], "summary": "alive",
        "responses": {"200": {"description": "alive", "content": {"text/plain": {"schema": {"type": "string"}}}}}}}));
    paths.insert("/readyz".into(), json!({"get": {"operationId": "readyz", "tags": ["operations"],
        "summary": "ready: the rules answer, the store takes a write, and every configured plugin is in force",
        "responses": {"200": {"description": "`ready`", "content": {"text/plain": {"schema": {"type": "string"}}}},
            "503": error("the store is unavailable (and why), or `degraded: plugin OPX/id@version is configured but not loaded: ...` (its operator's decisions fail closed until a reload brings it in)")}}}));
    paths.insert("/metrics".into(), json!({"get": {"operationId": "metrics", "tags": ["operations"], "summary": "Prometheus metrics",
        "responses": {"200": {"description": "OpenMetrics text", "content": {"application/openmetrics-text": {"schema": {"type": "string"}}}}}}}));
    json!({
        "openapi": "3.1.0",
        "info": {"title": "ocpolicy", "version": env!("CARGO_PKG_VERSION"),
                 "description": format!("Operator Connect policy decisions, rules {}. Every 4xx and 5xx answer, the server's own (unknown route 404, wrong method 405, body over the limit 413, timeout 408) included, is the Error envelope `{{\"error\": {{\"path\", \"message\"}}}}`, except a refused write (422) and a broken tenant's repair plan (409), which carry their decision or plan. A 503 has Retry-After and means the store is unavailable; nothing was changed.", ocpolicy_rules::WIT_PACKAGE)},
        "paths": paths,
        "components": {"schemas": components, "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer",
            "description": "a token from `ocpolicy token create`"}}},
    })
}

pub async fn handler(State(_): State<AppState>) -> Json<Value> {
    Json(document())
}

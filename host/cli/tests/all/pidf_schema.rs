//! Rendered PIDF-LO against the published schemas, with `xmllint --schema`.
//!
//! The schemas live in `tests/pidf-lo/schemas/` (RFC 3863 PIDF, RFC 4119
//! geopriv, RFC 5139 civicAddr, a GML point subset from RFC 5491, and the XML
//! namespace), each transcribed with its source noted. `xmllint` comes from
//! Debian's `libxml2-utils`, which the README's test command installs.
//!
//! Every rendered document must validate, native and component renderings must
//! be byte-identical, the public examples (RFC 5491's point, RFC 5139's civic
//! address) must validate and pass `validate-pidf-lo`, and documents broken on
//! purpose must fail: the check can fail.

use std::path::{Path, PathBuf};
use std::process::Command;

use ocpolicy_rules::{json, types as core};
use ocpolicy_runtime::types as wt;
use serde_json::json;

fn schema() -> PathBuf {
    crate::root().join("tests/pidf-lo/schemas/pidf-lo.xsd")
}

/// `xmllint --noout --schema pidf-lo.xsd <doc>`: Ok(()) when it validates,
/// Err(xmllint's message) when it does not.
fn xmllint(doc: &str) -> Result<(), String> {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("doc.xml");
    std::fs::write(&path, doc).expect("write document");
    xmllint_file(&path)
}

fn xmllint_file(path: &Path) -> Result<(), String> {
    let out = Command::new("xmllint")
        .arg("--noout")
        .arg("--nonet")
        .arg("--schema")
        .arg(schema())
        .arg(path)
        .output()
        .unwrap_or_else(|e| {
            panic!(
                "running xmllint: {e}. Install it with `apt-get install libxml2-utils` \
                 (the README's test command does)"
            )
        });
    if out.status.success() {
        Ok(())
    } else {
        Err(String::from_utf8_lossy(&out.stderr).into_owned())
    }
}

/// The documents to render: the CLI example plus variants that exercise every
/// civic field, escaping, civic-only and minimal addresses.
fn inputs() -> Vec<(&'static str, serde_json::Value)> {
    let example: serde_json::Value = serde_json::from_slice(
        &std::fs::read(crate::root().join("tests/examples/pidf-lo-input.json"))
            .expect("read the example"),
    )
    .expect("the example is JSON");
    vec![
        ("cli example", example),
        (
            "every civic field, escaping, usage rules",
            json!({
                "entity": "pres:o'brien&co@contoso.com",
                "address": {
                    "id": "A9", "company_name": "Smith & Sons <\"Ltd\">",
                    "company_tax_id": "123", "country_or_region": "US",
                    "state_or_province": "WA", "city": "Redmond", "city_alias": "Overlake",
                    "postal_code": "98052-6399", "house_number": "425", "house_number_suffix": "A",
                    "pre_directional": "NE", "street_name": "Smith", "street_suffix": "Avenue",
                    "post_directional": "SW", "latitude": -33.8688, "longitude": 151.2093,
                    "elin": "ELIN1", "description": "HQ", "validation_status": "Validated",
                    "multi_floor": true
                },
                "location": {"location_id": "L9", "civic_address_id": "A9", "place": "Suite 12 – Zürich wing"},
                "floor": "12", "room": "12.04", "method": "DHCP",
                "timestamp": "2026-11-22T09:00:00.250+01:00",
                "retransmission_allowed": true,
                "retention_expiry": "2026-11-23T09:00:00Z"
            }),
        ),
        (
            "civic only (Australia has no lat/long requirement)",
            json!({
                "entity": "tel:+61255550100",
                "address": {"id": "AU1", "company_name": "Contoso AU", "country_or_region": "AU",
                    "state_or_province": "NSW", "city": "Sydney", "postal_code": "2000",
                    "house_number": "1", "street_name": "George", "street_suffix": "Street",
                    "validation_status": "Validated"}
            }),
        ),
        (
            "minimal: company and country",
            json!({
                "entity": "pres:x@example.com",
                "address": {"id": "M", "company_name": "M", "country_or_region": "GB",
                    "validation_status": "NotValidated"}
            }),
        ),
    ]
}

fn render_both(input: &serde_json::Value) -> String {
    let bytes = serde_json::to_vec(input).expect("encode");
    let n: core::PidfLoInput = json::from_slice(&bytes).expect("native decode");
    let c: wt::PidfLoInput = json::from_slice(&bytes).expect("component decode");
    let native = ocpolicy_rules::emergency::render_pidf_lo(&n).expect("native render");
    let mut inst = crate::rules().instance().expect("instance");
    let component = inst
        .render_pidf_lo(&c)
        .expect("component trapped")
        .expect("component render");
    assert_eq!(native, component, "native and component renderings differ");
    native
}

#[test]
fn rendered_pidf_lo_passes_the_rfc_schemas() {
    for (what, input) in inputs() {
        let doc = render_both(&input);
        if let Err(e) = xmllint(&doc) {
            panic!("{what}: the rendered PIDF-LO fails the schemas:\n{e}\n{doc}");
        }
        let d = ocpolicy_rules::emergency::validate_pidf_lo(&doc);
        assert!(d.violations.is_empty(), "{what}: {:?}", d.violations);
    }
}

#[test]
fn the_public_examples_validate_and_parse() {
    for name in ["rfc5491-point.xml", "rfc5139-civic.xml"] {
        let path = crate::root().join("tests/pidf-lo/examples").join(name);
        if let Err(e) = xmllint_file(&path) {
            panic!("{name} fails the schemas:\n{e}");
        }
        let text = std::fs::read_to_string(&path).expect("read example");
        let native = ocpolicy_rules::emergency::validate_pidf_lo(&text);
        assert!(
            native.allowed && native.violations.is_empty(),
            "{name}: {:?}",
            native.violations
        );
        let mut inst = crate::rules().instance().expect("instance");
        let component = inst.validate_pidf_lo(&text).expect("component trapped");
        assert_eq!(
            serde_json::to_value(&native).expect("json"),
            serde_json::to_value(&component).expect("json"),
            "{name}: native and component differ"
        );
    }
}

/// The schema check is live: documents broken in ways the RFCs forbid fail,
/// each with xmllint naming the element.
#[test]
fn broken_documents_fail_the_schemas() {
    let (_, input) = inputs().swap_remove(0);
    let good = render_both(&input);
    assert!(xmllint(&good).is_ok());
    let a3 = "<ca:A3>Redmond</ca:A3>";
    let rd = "<ca:RD>Microsoft Way</ca:RD>";
    assert!(good.contains(a3) && good.contains(rd), "{good}");
    let cases = [
        (
            "country not alpha-2",
            good.replace(">US<", ">USA<"),
            "country",
        ),
        (
            "RFC 5139 element order",
            good.replace(a3, "\u{1}")
                .replace(rd, a3)
                .replace('\u{1}', rd),
            "A3",
        ),
        (
            "retransmission-allowed is xs:boolean",
            good.replace(">false<", ">no<"),
            "retransmission-allowed",
        ),
        (
            "gml:pos is a list of doubles",
            good.replace("47.64 -122.13", "north west"),
            "pos",
        ),
        (
            "usage-rules is required",
            good.replace("<gp:usage-rules>", "<gp:x>")
                .replace("</gp:usage-rules>", "</gp:x>"),
            "x",
        ),
    ];
    for (what, doc, element) in cases {
        assert_ne!(doc, good, "{what}: the mutation changed nothing");
        match xmllint(&doc) {
            Ok(()) => panic!("{what}: xmllint accepted a broken document:\n{doc}"),
            Err(e) => assert!(e.contains(element), "{what}: unexpected error {e}"),
        }
    }
}

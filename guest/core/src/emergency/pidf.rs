//! PIDF-LO: render a location as the XML an emergency INVITE carries, and
//! validate one (RFC 4119 geopriv, RFC 5139 civic address, RFC 5491 geodetic
//! shapes; the `EMG-PIDF-*` codes). Written with quick-xml's writer and read
//! with its namespace-aware reader; no XML is put together by hand.

use std::collections::HashSet;

use quick_xml::Writer;
use quick_xml::events::{BytesDecl, BytesEnd, BytesStart, BytesText, Event};
use quick_xml::name::ResolveResult;
use quick_xml::reader::NsReader;

use crate::Findings;
use crate::catalogue as c;
use crate::types::{Decision, InputError, PidfLoInput};

/// The PIDF namespace (RFC 3863).
pub const NS_PIDF: &str = "urn:ietf:params:xml:ns:pidf";
/// geopriv10 (RFC 4119).
pub const NS_GP: &str = "urn:ietf:params:xml:ns:pidf:geopriv10";
/// civicAddr (RFC 5139).
pub const NS_CA: &str = "urn:ietf:params:xml:ns:pidf:geopriv10:civicAddr";
/// civicAddr extensions (RFC 6848).
pub const NS_CAE: &str = "urn:ietf:params:xml:ns:pidf:geopriv10:civicAddr:ext";
/// GML.
pub const NS_GML: &str = "http://www.opengis.net/gml";
/// GML shapes for PIDF-LO (RFC 5491).
pub const NS_GS: &str = "http://www.opengis.net/pidflo/1.0";
/// PIDF data model (RFC 4479).
pub const NS_DM: &str = "urn:ietf:params:xml:ns:pidf:data-model";

/// The RFC 5139 civic elements, in schema sequence order.
pub const CIVIC_ELEMENTS: &[&str] = &[
    "country", "A1", "A2", "A3", "A4", "A5", "A6", "PRM", "PRD", "RD", "STS", "POD", "POM",
    "RDSEC", "RDBR", "RDSUBBR", "HNO", "HNS", "LMK", "LOC", "FLR", "NAM", "PC", "BLD", "UNIT",
    "ROOM", "SEAT", "PLC", "PCN", "POBOX", "ADDCODE",
];
const CRS: &[&str] = &["urn:ogc:def:crs:EPSG::4326", "urn:ogc:def:crs:EPSG::4979"];
const UOM: &[&str] = &["urn:ogc:def:uom:EPSG::9001", "urn:ogc:def:uom:EPSG::9102"];

fn io(e: std::io::Error) -> InputError {
    InputError {
        path: String::new(),
        message: format!("writing the document failed: {e}"),
    }
}

fn text_el(w: &mut Writer<Vec<u8>>, name: &str, value: &str) -> Result<(), InputError> {
    w.write_event(Event::Start(BytesStart::new(name)))
        .map_err(io)?;
    w.write_event(Event::Text(BytesText::new(value)))
        .map_err(io)?;
    w.write_event(Event::End(BytesEnd::new(name))).map_err(io)
}

fn present(v: &Option<String>) -> Option<&str> {
    v.as_deref().map(str::trim).filter(|s| !s.is_empty())
}

/// Render a PIDF-LO document. Refuses input that cannot make a valid one
/// (no entity, a country that is not two letters, coordinates out of range,
/// a timestamp that is not RFC 3339), naming the field.
pub fn render(input: &PidfLoInput) -> Result<String, InputError> {
    let a = &input.address;
    let err = |path: &str, message: String| InputError {
        path: path.to_string(),
        message,
    };
    if input.entity.trim().is_empty() {
        return Err(err(
            "entity",
            "give the presentity, e.g. `pres:alice@contoso.com`".into(),
        ));
    }
    let country = a.country_or_region.trim().to_ascii_uppercase();
    if country.len() != 2 || !country.bytes().all(|b| b.is_ascii_uppercase()) {
        return Err(err(
            "address.country_or_region",
            format!(
                "`{}` is not an ISO 3166 alpha-2 code; PIDF-LO `country` must be two letters",
                a.country_or_region
            ),
        ));
    }
    let point = match (a.latitude, a.longitude) {
        (Some(lat), Some(lon)) => {
            if !(lat.is_finite() && (-90.0..=90.0).contains(&lat)) {
                return Err(err(
                    "address.latitude",
                    format!("latitude {lat} is outside -90..90"),
                ));
            }
            if !(lon.is_finite() && (-180.0..=180.0).contains(&lon)) {
                return Err(err(
                    "address.longitude",
                    format!("longitude {lon} is outside -180..180"),
                ));
            }
            Some((lat, lon))
        }
        _ => None,
    };
    for (path, v) in [
        ("timestamp", &input.timestamp),
        ("retention_expiry", &input.retention_expiry),
    ] {
        if let Some(t) = v {
            crate::timestamp::parse(t, path)?;
        }
    }
    let method = present(&input.method).unwrap_or("LIS");
    let place = input.location.as_ref().and_then(|l| present(&l.place));
    // RFC 5139 order: country A1 A3 PRD RD STS POD HNO HNS LOC FLR NAM PC ROOM.
    let civic: [(&str, Option<&str>); 14] = [
        ("country", Some(country.as_str())),
        ("A1", present(&a.state_or_province)),
        ("A3", present(&a.city)),
        ("PRD", present(&a.pre_directional)),
        ("RD", present(&a.street_name)),
        ("STS", present(&a.street_suffix)),
        ("POD", present(&a.post_directional)),
        ("HNO", present(&a.house_number)),
        ("HNS", present(&a.house_number_suffix)),
        ("LOC", place),
        ("FLR", present(&input.floor)),
        ("NAM", Some(a.company_name.trim()).filter(|s| !s.is_empty())),
        ("PC", present(&a.postal_code)),
        ("ROOM", present(&input.room)),
    ];

    let mut w = Writer::new_with_indent(Vec::new(), b' ', 2);
    w.write_event(Event::Decl(BytesDecl::new("1.0", Some("UTF-8"), None)))
        .map_err(io)?;
    let mut presence = BytesStart::new("presence");
    presence.push_attribute(("xmlns", NS_PIDF));
    presence.push_attribute(("xmlns:gp", NS_GP));
    presence.push_attribute(("xmlns:ca", NS_CA));
    presence.push_attribute(("xmlns:gml", NS_GML));
    presence.push_attribute(("entity", input.entity.trim()));
    w.write_event(Event::Start(presence)).map_err(io)?;
    let mut tuple = BytesStart::new("tuple");
    tuple.push_attribute(("id", "ocpolicy-location"));
    w.write_event(Event::Start(tuple)).map_err(io)?;
    w.write_event(Event::Start(BytesStart::new("status")))
        .map_err(io)?;
    w.write_event(Event::Start(BytesStart::new("gp:geopriv")))
        .map_err(io)?;
    w.write_event(Event::Start(BytesStart::new("gp:location-info")))
        .map_err(io)?;
    let mut ca = BytesStart::new("ca:civicAddress");
    ca.push_attribute(("xml:lang", "en"));
    w.write_event(Event::Start(ca)).map_err(io)?;
    for (name, value) in civic {
        if let Some(v) = value {
            text_el(&mut w, &format!("ca:{name}"), v)?;
        }
    }
    w.write_event(Event::End(BytesEnd::new("ca:civicAddress")))
        .map_err(io)?;
    if let Some((lat, lon)) = point {
        let mut p = BytesStart::new("gml:Point");
        p.push_attribute(("srsName", "urn:ogc:def:crs:EPSG::4326"));
        w.write_event(Event::Start(p)).map_err(io)?;
        text_el(&mut w, "gml:pos", &format!("{lat} {lon}"))?;
        w.write_event(Event::End(BytesEnd::new("gml:Point")))
            .map_err(io)?;
    }
    w.write_event(Event::End(BytesEnd::new("gp:location-info")))
        .map_err(io)?;
    w.write_event(Event::Start(BytesStart::new("gp:usage-rules")))
        .map_err(io)?;
    // RFC 4119 types retransmission-allowed as xs:boolean, so the lexical
    // forms are true/false (its examples' "no" fails its own schema).
    let allowed = if input.retransmission_allowed == Some(true) {
        "true"
    } else {
        "false"
    };
    text_el(&mut w, "gp:retransmission-allowed", allowed)?;
    if let Some(t) = present(&input.retention_expiry) {
        text_el(&mut w, "gp:retention-expiry", t)?;
    }
    w.write_event(Event::End(BytesEnd::new("gp:usage-rules")))
        .map_err(io)?;
    text_el(&mut w, "gp:method", method)?;
    w.write_event(Event::End(BytesEnd::new("gp:geopriv")))
        .map_err(io)?;
    w.write_event(Event::End(BytesEnd::new("status")))
        .map_err(io)?;
    if let Some(t) = present(&input.timestamp) {
        text_el(&mut w, "timestamp", t)?;
    }
    w.write_event(Event::End(BytesEnd::new("tuple")))
        .map_err(io)?;
    w.write_event(Event::End(BytesEnd::new("presence")))
        .map_err(io)?;
    String::from_utf8(w.into_inner())
        .map_err(|e| err("", format!("the writer produced invalid UTF-8: {e}")))
}

/// The most elements a PIDF-LO document may have before validation stops.
const MAX_ELEMENTS: usize = 10_000;

/// Validate a PIDF-LO document (the `EMG-PIDF-*` codes). A document that is
/// not well-formed XML is an `EMG-PIDF-NS` error naming the position.
pub fn validate(xml: &str) -> Decision {
    let mut f = Findings::default();
    let mut reader = NsReader::from_str(xml);
    let mut seen_ns: HashSet<String> = HashSet::new();
    let mut root_ok = None;
    let mut in_country = false;
    let mut elements = 0usize;
    let mut has_location = false;
    loop {
        let (ns, ev) = match reader.read_resolved_event() {
            Ok((ns, ev)) => (
                match ns {
                    ResolveResult::Bound(n) => {
                        Some(String::from_utf8_lossy(n.as_ref()).into_owned())
                    }
                    ResolveResult::Unbound => None,
                    ResolveResult::Unknown(p) => {
                        Some(format!("unknown-prefix:{}", String::from_utf8_lossy(&p)))
                    }
                },
                ev.into_owned(),
            ),
            Err(e) => {
                f.raise(
                    &c::EMG_PIDF_NS,
                    format!("xml@{}", reader.buffer_position()),
                    format!("Invalid PIDF-LO: the document is not well-formed XML: {e}"),
                );
                break;
            }
        };
        match ev {
            Event::Start(e) | Event::Empty(e) => {
                elements += 1;
                if elements > MAX_ELEMENTS {
                    f.raise(
                        &c::EMG_PIDF_NS,
                        "xml",
                        format!("Invalid PIDF-LO: more than {MAX_ELEMENTS} elements"),
                    );
                    break;
                }
                let local = String::from_utf8_lossy(e.local_name().as_ref()).into_owned();
                if root_ok.is_none() {
                    root_ok = Some(local == "presence" && ns.as_deref() == Some(NS_PIDF));
                }
                if let Some(n) = &ns {
                    seen_ns.insert(n.clone());
                    if let Some(p) = n.strip_prefix("unknown-prefix:") {
                        f.raise(&c::EMG_PIDF_NS, format!("xml/{local}"), format!("Invalid PIDF-LO namespaces: prefix `{p}` of <{local}> is not declared"));
                    }
                }
                in_country = false;
                match ns.as_deref() {
                    Some(NS_CA) => {
                        if local == "civicAddress" {
                            has_location = true;
                        } else if !CIVIC_ELEMENTS.contains(&local.as_str()) {
                            let hint = if ["PN", "MP", "STP", "HNP"].contains(&local.as_str()) {
                                " (it is an RFC 6848 extension: use the civicAddr:ext namespace)"
                            } else {
                                ""
                            };
                            f.raise(
                                &c::EMG_PIDF_UNKNOWN_ELEMENT,
                                format!("xml/civicAddress/{local}"),
                                format!("Unknown civic element `{local}`{hint}"),
                            );
                        } else if local == "country" {
                            in_country = true;
                        }
                    }
                    Some(NS_GML) | Some(NS_GS) => {
                        has_location = true;
                        for attr in e.attributes().flatten() {
                            let key = String::from_utf8_lossy(attr.key.local_name().as_ref())
                                .into_owned();
                            let value = attr
                                .normalized_value(quick_xml::XmlVersion::Implicit1_0)
                                .map(|v| v.into_owned())
                                .unwrap_or_default();
                            if key == "srsName" && !CRS.contains(&value.as_str()) {
                                f.raise(&c::EMG_PIDF_CRS, format!("xml/{local}/@srsName"), format!("Unsupported CRS/uom: srsName `{value}` (use urn:ogc:def:crs:EPSG::4326 or EPSG::4979)"));
                            }
                            if key == "uom" && !UOM.contains(&value.as_str()) {
                                f.raise(&c::EMG_PIDF_CRS, format!("xml/{local}/@uom"), format!("Unsupported CRS/uom: uom `{value}` (use urn:ogc:def:uom:EPSG::9001 or EPSG::9102)"));
                            }
                        }
                    }
                    _ => {}
                }
            }
            Event::Text(t) if in_country => {
                let v = t.decode().map(|v| v.trim().to_string()).unwrap_or_default();
                if !(v.len() == 2 && v.bytes().all(|b| b.is_ascii_uppercase())) {
                    f.raise(
                        &c::EMG_PIDF_COUNTRY,
                        "xml/civicAddress/country",
                        format!("country must be ISO 3166 alpha-2: `{v}`"),
                    );
                }
                in_country = false;
            }
            Event::End(_) => {
                if in_country {
                    f.raise(
                        &c::EMG_PIDF_COUNTRY,
                        "xml/civicAddress/country",
                        "country must be ISO 3166 alpha-2: it is empty",
                    );
                }
                in_country = false;
            }
            Event::Eof => break,
            _ => {}
        }
    }
    if root_ok == Some(false) || root_ok.is_none() {
        f.raise(
            &c::EMG_PIDF_NS,
            "xml",
            format!("Invalid PIDF-LO namespaces: the root must be <presence xmlns=\"{NS_PIDF}\">"),
        );
    } else if !seen_ns.contains(NS_GP) {
        f.raise(
            &c::EMG_PIDF_NS,
            "xml",
            format!("Invalid PIDF-LO namespaces: no geopriv element in `{NS_GP}`"),
        );
    } else if !has_location {
        f.raise(&c::EMG_PIDF_NS, "xml", format!("Invalid PIDF-LO namespaces: no location in the civicAddr (`{NS_CA}`) or GML (`{NS_GML}`) namespace"));
    }
    f.finish()
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn an_empty_country_element_is_flagged() {
        let xml = format!(
            r#"<presence xmlns="{NS_PIDF}" xmlns:gp="{NS_GP}" xmlns:ca="{NS_CA}" entity="pres:a@b"><tuple id="t"><status><gp:geopriv><gp:location-info><ca:civicAddress><ca:country></ca:country></ca:civicAddress></gp:location-info><gp:usage-rules/></gp:geopriv></status></tuple></presence>"#
        );
        let d = validate(&xml);
        assert!(
            d.violations.iter().any(|v| v.code == "EMG-PIDF-COUNTRY"),
            "{d:?}"
        );
    }
}

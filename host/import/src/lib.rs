//! `ocpolicy import teams`: a tenant document from what a Teams admin can
//! export today: the JSON that Teams PowerShell writes with
//! `ConvertTo-Json -Depth 10` (one file per cmdlet, named after it), the CSV of
//! `Export-CsAcquiredPhoneNumber`, and the JSON of the Graph telephone number
//! management API.
//!
//! Nothing is dropped silently: every record that cannot be mapped is in the
//! [`Report`] with its file, index and why; every unknown field is listed
//! once per file with how many records have it; every field problem is
//! listed; and the report says what the document will lack.

mod map;
mod read;
mod sources;

pub use read::{date, text, truncated};
pub use sources::{ALL as SOURCES, Source};

use ocpolicy_rules::types::{
    AccountKind, AssignmentStatus, AudioConferencingRoutingPolicy, Bridge, BridgeNumber,
    BridgeNumberSharing, BridgeNumberSource, Capability, ConferencingSettings, EmergencySettings,
    Lis, NumberType, OperatorContact, OperatorProduct, OperatorStatus, Organizer, Tenant,
    TenantDocument, TenantOperator, TollType, VoiceRoute, VoiceRoutingPolicy,
};
use read::Rec;
use serde::Serialize;
use serde_json::Value;
use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::path::{Path, PathBuf};

/// What the caller adds to what the exports hold.
#[derive(Debug, Default, Clone)]
pub struct Options {
    /// The tenant id (default: the `TenantId` the exports carry).
    pub tenant_id: Option<String>,
    /// The organization's country for conferencing (default: the most common
    /// usage location).
    pub org_country: Option<String>,
    /// Operators as the Teams admin center's Operators page holds them
    /// (contact, countries, data transfer notice), which no cmdlet exports.
    pub operators: Vec<TenantOperator>,
}

/// How far an import has got, for a progress bar.
#[derive(Debug, Clone)]
pub struct Progress<'a> {
    /// The file being read.
    pub file: &'a str,
    /// Bytes of all files read so far.
    pub bytes_done: u64,
    /// Bytes of all files.
    pub bytes_total: u64,
    /// Records read so far in this file.
    pub records: usize,
}

/// A file the import read.
#[derive(Debug, Clone, Serialize)]
pub struct FileReport {
    /// Its name in the folder.
    pub file: String,
    /// The cmdlet (or Graph call) that wrote it.
    pub cmdlet: &'static str,
    /// Records in it.
    pub records: usize,
    /// Records mapped into the document.
    pub mapped: usize,
}

/// A record (or a whole file, `index` absent) that is not in the document.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct Skipped {
    /// The file.
    pub file: String,
    /// The record's index in the file (0-based), absent for the whole file.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub index: Option<usize>,
    /// Why, and how to fix it.
    pub why: String,
}

/// A field of a record that could not be read as documented (the record is
/// in the document without it).
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct Issue {
    /// The file.
    pub file: String,
    /// The record's index in the file.
    pub index: usize,
    /// The field.
    pub field: String,
    /// What is wrong and how to fix it.
    pub why: String,
}

/// A field ocpolicy does not know, listed once per file.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct UnknownField {
    /// The file.
    pub file: String,
    /// The field.
    pub field: String,
    /// How many records have it.
    pub records: usize,
}

/// Everything an import did.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Report {
    /// The folder read.
    pub dir: String,
    /// The files read.
    pub files: Vec<FileReport>,
    /// Files in the folder that are not an export ocpolicy reads.
    pub not_read: Vec<String>,
    /// Records (or files) left out, with why.
    pub skipped: Vec<Skipped>,
    /// Records left out by design: guests and deleted accounts, which hold
    /// no Teams phone numbers.
    pub filtered: Vec<Skipped>,
    /// Records that another export already gave (the same number in
    /// Get-CsPhoneNumberAssignment and the CSV): the first is kept.
    pub merged: Vec<Skipped>,
    /// Field problems.
    pub issues: Vec<Issue>,
    /// Unknown fields.
    pub unknown_fields: Vec<UnknownField>,
    /// What the document takes from inference rather than the exports.
    pub inferred: Vec<String>,
    /// What the document will lack.
    pub lacks: Vec<String>,
    /// How many of each thing the document holds.
    pub counts: BTreeMap<&'static str, usize>,
}

impl Report {
    /// Did every record of every file go into the document?
    pub fn complete(&self) -> bool {
        self.skipped.is_empty()
    }
}

/// Why an import could not make a document at all.
#[derive(Debug)]
pub enum Error {
    /// The folder (or a file in it) cannot be read.
    Io(PathBuf, std::io::Error),
    /// What was read cannot make a tenant: the report says what was found.
    Undecidable {
        /// The field path in the document, and what is wrong.
        path: String,
        /// What is wrong and how to fix it.
        message: String,
        /// The report so far.
        report: Box<Report>,
    },
}

impl std::fmt::Display for Error {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Error::Io(p, e) => write!(f, "{}: {e}", p.display()),
            Error::Undecidable { path, message, .. } if path.is_empty() => f.write_str(message),
            Error::Undecidable { path, message, .. } => write!(f, "{path}: {message}"),
        }
    }
}

impl std::error::Error for Error {}

/// The document and the report.
pub struct Import {
    /// The tenant document.
    pub document: TenantDocument,
    /// What the import did.
    pub report: Report,
}

/// Everything read, before it is joined.
#[derive(Default)]
struct Parts {
    users: Vec<map::User>,
    graph_users: Vec<map::User>,
    numbers: Vec<(String, usize, map::Number)>,
    addresses: Vec<map::Address>,
    locations: Vec<ocpolicy_rules::types::Location>,
    waps: Vec<ocpolicy_rules::types::LisWap>,
    switches: Vec<ocpolicy_rules::types::LisSwitch>,
    ports: Vec<ocpolicy_rules::types::LisPort>,
    lis_subnets: Vec<ocpolicy_rules::types::LisSubnet>,
    /// Every LIS entry's LocationId, with its file and index.
    lis_refs: Vec<(String, usize, String)>,
    trusted_ips: Vec<ocpolicy_rules::types::TrustedIp>,
    sites: Vec<ocpolicy_rules::types::NetworkSite>,
    subnets: Vec<ocpolicy_rules::types::NetworkSubnet>,
    calling: Vec<ocpolicy_rules::types::EmergencyCallingPolicy>,
    routing: Vec<ocpolicy_rules::types::EmergencyCallRoutingPolicy>,
    usages: Vec<String>,
    routes: Vec<ocpolicy_rules::types::ConferencingRoute>,
    voice_policies: Vec<(String, Vec<String>)>,
    ac_policies: Vec<(String, Vec<String>)>,
    dial_plans: Vec<ocpolicy_rules::types::DialPlan>,
    dial_out_policies: Vec<String>,
    bridges: Vec<(String, usize, map::BridgeExport)>,
    seen: BTreeSet<Source>,
}

impl Parts {
    /// Note a LIS entry's LocationId, to check once every location is known.
    fn lis_ref(&mut self, file: &str, index: usize, location_id: &str) {
        self.lis_refs
            .push((file.to_string(), index, location_id.to_string()));
    }
}

/// Import the exports in `dir`.
pub fn import_dir(
    dir: &Path,
    options: &Options,
    progress: &mut dyn FnMut(&Progress),
) -> Result<Import, Error> {
    let mut entries: Vec<(String, PathBuf, u64)> = Vec::new();
    let listing = std::fs::read_dir(dir).map_err(|e| Error::Io(dir.to_path_buf(), e))?;
    for entry in listing {
        let entry = entry.map_err(|e| Error::Io(dir.to_path_buf(), e))?;
        let path = entry.path();
        if !path.is_file() {
            continue;
        }
        let name = entry.file_name().to_string_lossy().into_owned();
        let len = entry.metadata().map(|m| m.len()).unwrap_or(0);
        entries.push((name, path, len));
    }
    entries.sort();
    let mut report = Report {
        dir: dir.display().to_string(),
        ..Report::default()
    };
    let mut files: Vec<(Source, String, PathBuf, u64)> = Vec::new();
    for (name, path, len) in entries {
        match Source::of_file(&name) {
            Some(s) => files.push((s, name, path, len)),
            None => report.not_read.push(name),
        }
    }
    files.sort_by_key(|(s, name, _, _)| {
        (
            sources::ALL
                .iter()
                .position(|x| x == s)
                .unwrap_or(usize::MAX),
            name.clone(),
        )
    });
    let total: u64 = files.iter().map(|f| f.3).sum();
    let mut done = 0u64;
    let mut parts = Parts::default();
    for (source, name, path, len) in files {
        let bytes = std::fs::read(&path).map_err(|e| Error::Io(path.clone(), e))?;
        let mut file = FileReport {
            file: name.clone(),
            cmdlet: source.cmdlet(),
            records: 0,
            mapped: 0,
        };
        parts.seen.insert(source);
        let mut unknown: BTreeMap<String, usize> = BTreeMap::new();
        let mut numeric: BTreeSet<String> = BTreeSet::new();
        // One record into the parts, with progress every 1,000 records.
        let mut each = |i: usize, v: Value| {
            one(
                source,
                &name,
                i,
                v,
                &mut parts,
                &mut report,
                &mut unknown,
                &mut numeric,
                &mut file,
            );
            if i.is_multiple_of(1000) {
                progress(&Progress {
                    file: &name,
                    bytes_done: done,
                    bytes_total: total,
                    records: i,
                });
            }
        };
        let result = match read::text(&bytes) {
            Err(why) => Err(why),
            Ok(text) if source.csv() => csv_records(&text, &mut each),
            Ok(text) => read::records(&text, &mut each),
        };
        match result {
            Ok(n) => file.records = n,
            Err(why) => report.skipped.push(Skipped {
                file: name.clone(),
                index: None,
                why,
            }),
        }
        if !numeric.is_empty() {
            report.inferred.push(format!(
                "{name}: {} given as numbers (ConvertTo-Json without -EnumsAsStrings), read in the order of the documented values; export with PowerShell 7's -EnumsAsStrings to be sure",
                numeric.into_iter().collect::<Vec<_>>().join(", ")
            ));
        }
        for (field, records) in unknown {
            report.unknown_fields.push(UnknownField {
                file: name.clone(),
                field,
                records,
            });
        }
        done += len;
        progress(&Progress {
            file: &name,
            bytes_done: done,
            bytes_total: total,
            records: file.records,
        });
        report.files.push(file);
    }
    let document = assemble(parts, options, &mut report)?;
    let document = match settle(document, &mut report) {
        Ok(d) => d,
        Err((path, message)) => {
            return Err(Error::Undecidable {
                path,
                message: format!(
                    "the imported tenant cannot be decided: {message} (fix the export and import again)"
                ),
                report: Box::new(report),
            });
        }
    };
    count(&document, &mut report);
    Ok(Import { document, report })
}

/// The document with every record that keeps it from indexing left out, one
/// at a time, each reported (two exported records for one key: the second of
/// two civic addresses with one id, a policy listed twice). `Err` with the
/// path and message when the fault is not one record that can be left out.
fn settle(
    mut doc: TenantDocument,
    report: &mut Report,
) -> Result<TenantDocument, (String, String)> {
    let fail = |e: serde_json::Error| {
        (
            String::new(),
            format!("the document could not be rebuilt: {e}"),
        )
    };
    loop {
        let Err(e) = ocpolicy_rules::document::check(&doc) else {
            return Ok(doc);
        };
        let mut v = serde_json::to_value(&doc).map_err(fail)?;
        let Some(what) = remove_record(&mut v, &e.path) else {
            return Err((e.path, e.message));
        };
        doc = serde_json::from_value(v).map_err(fail)?;
        report.skipped.push(Skipped {
            file: e.path.split('[').next().unwrap_or_default().to_string(),
            index: None,
            why: format!("{what} is left out: {} ({})", e.message, e.path),
        });
    }
}

/// Remove the list element `path` names (`tenant.numbers[3].telephone_number`
/// names `tenant.numbers[3]`), and describe it by its first string field.
fn remove_record(v: &mut Value, path: &str) -> Option<String> {
    let open = path.find('[')?;
    let close = open + path[open..].find(']')?;
    let index: usize = path.get(open + 1..close)?.parse().ok()?;
    let mut at = &mut *v;
    for key in path[..open].split('.') {
        at = at.get_mut(key)?;
    }
    let list = at.as_array_mut()?;
    if index >= list.len() {
        return None;
    }
    let gone = list.remove(index);
    let name = gone
        .as_object()
        .and_then(|o| o.values().find_map(Value::as_str))
        .unwrap_or("a record")
        .to_string();
    Some(format!("`{name}` ({})", &path[..close + 1]))
}

/// The records of a CSV file, each row an object of its columns.
fn csv_records(text: &str, each: &mut dyn FnMut(usize, Value)) -> Result<usize, String> {
    let mut reader = csv::ReaderBuilder::new()
        .flexible(false)
        .trim(csv::Trim::All)
        .from_reader(text.trim_start_matches('\u{feff}').as_bytes());
    let headers: Vec<String> = reader
        .headers()
        .map_err(|e| format!("not CSV: {e}"))?
        .iter()
        .map(String::from)
        .collect();
    if !headers
        .iter()
        .any(|h| h.eq_ignore_ascii_case("TelephoneNumber") || h.eq_ignore_ascii_case("PhoneNumber"))
    {
        return Err(format!(
            "the CSV has no TelephoneNumber column (its columns: {}); use the file Export-CsAcquiredPhoneNumber produced",
            headers.join(", ")
        ));
    }
    let mut n = 0;
    for (i, row) in reader.records().enumerate() {
        match row {
            Ok(row) => {
                let cells: Vec<String> = row.iter().map(String::from).collect();
                each(i, Value::Object(map::csv_row(&headers, &cells)));
            }
            // A row that does not fit is handed on as what it is: not an object.
            Err(e) => each(i, Value::String(format!("row {}: {e}", i + 2))),
        }
        n += 1;
    }
    Ok(n)
}

/// Map one record of `source` into `parts`.
#[allow(clippy::too_many_arguments)]
fn one(
    source: Source,
    file: &str,
    index: usize,
    value: Value,
    parts: &mut Parts,
    report: &mut Report,
    unknown: &mut BTreeMap<String, usize>,
    numeric: &mut BTreeSet<String>,
    fr: &mut FileReport,
) {
    let Value::Object(m) = value else {
        let why = match &value {
            Value::String(s) if s.starts_with("row ") => format!("the CSV {s}"),
            Value::String(s) if read::truncated(s) => read::DEPTH_FIX.to_string(),
            other => format!(
                "expected a record (an object), found {}",
                read::kind_of(other)
            ),
        };
        report.skipped.push(Skipped {
            file: file.into(),
            index: Some(index),
            why,
        });
        return;
    };
    let mut r = Rec::new(&m);
    r.numeric.clear();
    for k in r.keys() {
        if !source.knows(k) {
            *unknown.entry(k.to_string()).or_default() += 1;
        }
    }
    let outcome: Result<(), String> = (|| {
        match source {
            Source::PhoneNumberAssignment
            | Source::AcquiredPhoneNumberCsv
            | Source::GraphNumberAssignments => {
                let n = map::number(&mut r)?;
                parts.numbers.push((file.to_string(), index, n));
            }
            Source::OnlineUser => parts.users.push(map::user(&mut r)?),
            Source::GraphUserConfigurations => parts.graph_users.push(map::graph_user(&mut r)?),
            Source::CivicAddress => parts.addresses.push(map::address(&mut r)?),
            Source::LisLocation => parts.locations.push(map::location(&mut r)?),
            Source::LisWirelessAccessPoint => {
                let e = map::wap(&mut r)?;
                parts.lis_ref(file, index, &e.location_id);
                parts.waps.push(e);
            }
            Source::LisSwitch => {
                let e = map::switch(&mut r)?;
                parts.lis_ref(file, index, &e.location_id);
                parts.switches.push(e);
            }
            Source::LisPort => {
                let e = map::port(&mut r)?;
                parts.lis_ref(file, index, &e.location_id);
                parts.ports.push(e);
            }
            Source::LisSubnet => {
                let e = map::subnet(&mut r)?;
                parts.lis_ref(file, index, &e.location_id);
                parts.lis_subnets.push(e);
            }
            Source::TrustedIpAddress => parts.trusted_ips.push(map::trusted_ip(&mut r)?),
            Source::NetworkSite => parts.sites.push(map::network_site(&mut r)?),
            Source::NetworkSubnet => parts.subnets.push(map::network_subnet(&mut r)?),
            Source::EmergencyCallingPolicy => parts.calling.push(map::calling_policy(&mut r)?),
            Source::EmergencyCallRoutingPolicy => {
                parts.routing.push(map::routing_policy(&mut r)?);
            }
            Source::PstnUsages => {
                for u in map::usages(&mut r) {
                    if !parts.usages.contains(&u) {
                        parts.usages.push(u);
                    }
                }
            }
            Source::VoiceRoute => parts.routes.push(map::voice_route(&mut r)?),
            Source::VoiceRoutingPolicy => parts.voice_policies.push(map::usage_policy(&mut r)?),
            Source::AudioConferencingRoutingPolicy => {
                parts.ac_policies.push(map::usage_policy(&mut r)?);
            }
            Source::TenantDialPlan => parts.dial_plans.push(map::dial_plan(&mut r)?),
            Source::DialOutPolicy => parts.dial_out_policies.push(map::dial_out_policy(&mut r)?),
            Source::DialInConferencingBridge => {
                let b = map::bridge(&mut r)?;
                parts.bridges.push((file.to_string(), index, b));
            }
        }
        Ok(())
    })();
    for f in r.numeric.drain(..) {
        numeric.insert(f);
    }
    for i in r.issues {
        report.issues.push(Issue {
            file: file.into(),
            index,
            field: i.field,
            why: i.why,
        });
    }
    match outcome {
        Ok(()) => fr.mapped += 1,
        Err(why) => match why.strip_prefix(map::FILTERED) {
            Some(why) => report.filtered.push(Skipped {
                file: file.into(),
                index: Some(index),
                why: why.to_string(),
            }),
            None => report.skipped.push(Skipped {
                file: file.into(),
                index: Some(index),
                why,
            }),
        },
    }
}

/// Join what was read into one document.
fn assemble(mut p: Parts, options: &Options, report: &mut Report) -> Result<TenantDocument, Error> {
    // Accounts: Get-CsOnlineUser, then Graph for accounts it does not have.
    let mut by_upn: HashMap<String, usize> = HashMap::new();
    let mut by_object: HashMap<String, usize> = HashMap::new();
    let mut users: Vec<map::User> = Vec::new();
    let mut from_features = 0usize;
    let graph_only = p.users.is_empty() && !p.graph_users.is_empty();
    for u in p.users.drain(..).chain(p.graph_users.drain(..)) {
        let upn = u.account.identity.to_ascii_lowercase();
        if let Some(&i) = by_upn.get(&upn) {
            // The same account in both: Get-CsOnlineUser has the richer
            // record; Graph may add ids it lacks.
            for o in &u.ids {
                by_object.entry(o.clone()).or_insert(i);
            }
            continue;
        }
        if u.licences_from_features {
            from_features += 1;
        }
        let i = users.len();
        by_upn.insert(upn, i);
        for o in &u.ids {
            by_object.entry(o.clone()).or_insert(i);
        }
        users.push(u);
    }
    if from_features > 0 {
        report.inferred.push(format!(
            "{from_features} account(s) have licences taken from FeatureTypes (PhoneSystem as MCOEV, CallingPlan as MCOPSTN1, AudioConferencing as MCOMEETADV), because their AssignedPlan was not exported"
        ));
    }
    if graph_only {
        report.lacks.push(
            "accounts: Graph userConfigurations carries no UsageLocation, licences or TeamsUpgradeEffectiveMode; the accounts lack usage locations and are taken as TeamsOnly. Export Get-CsOnlineUser to fill them in".into(),
        );
    }
    if !p.seen.contains(&Source::OnlineUser) && !p.seen.contains(&Source::GraphUserConfigurations) {
        report.lacks.push(
            "accounts: no Get-CsOnlineUser export, so no users or resource accounts; assignments cannot be re-decided".into(),
        );
    }

    let tenant_id = options
        .tenant_id
        .clone()
        .or_else(|| users.iter().find_map(|u| u.tenant_id.clone()))

        .ok_or_else(|| Error::Undecidable {
            path: "tenant.tenant_id".into(),
            message: "no export carries the TenantId (Get-CsOnlineUser and Graph userConfigurations do); give --tenant-id".into(),
            report: Box::new(report.clone()),
        })?;

    // The bridge, if exported: the default one.
    let bridge_export = {
        let mut bridges = std::mem::take(&mut p.bridges);
        bridges.sort_by_key(|(_, _, b)| !b.is_default);
        let mut it = bridges.into_iter();
        let first = it.next();
        for (file, index, _) in it {
            report.skipped.push(Skipped {
                file,
                index: Some(index),
                why: "a second conferencing bridge: a tenant has one, and the default (IsDefault) one is used".into(),
            });
        }
        first.map(|(_, _, b)| b)
    };
    let bridge_id = bridge_export
        .as_ref()
        .and_then(|b| b.identity.as_ref())
        .map(|i| i.to_ascii_lowercase());

    // Numbers: joined to accounts through the ObjectId.
    let mut numbers = Vec::new();
    let mut seen_numbers: HashMap<String, (String, usize)> = HashMap::new();
    let mut partners: HashMap<String, String> = HashMap::new();
    for (file, index, n) in p.numbers {
        let key = ocpolicy_rules::number_key(&n.number.telephone_number).map_or_else(
            || n.number.telephone_number.clone(),
            |k| k.as_str().to_string(),
        );
        if let Some((f0, i0)) = seen_numbers.get(&key) {
            // The same number in two exports is one number; twice in one
            // export is a record the document cannot hold.
            let list = if *f0 == file {
                &mut report.skipped
            } else {
                &mut report.merged
            };
            list.push(Skipped {
                file,
                index: Some(index),
                why: format!(
                    "{} is also in {f0} (record {i0}), which is kept",
                    n.number.telephone_number
                ),
            });
            continue;
        }
        seen_numbers.insert(key, (file.clone(), index));
        let mut number = n.number;
        if let (Some(op), Some(name)) = (&number.operator_id, n.partner) {
            partners.entry(op.to_ascii_lowercase()).or_insert(name);
        }
        if let Some(target) = n.target_id {
            let t = target.to_ascii_lowercase();
            number.assigned_target = Some(match number.assignment_status {
                // The bridge's id, a shared-calling policy's or an app's: not
                // an account.
                AssignmentStatus::ConferenceAssigned
                | AssignmentStatus::PolicyAssigned
                | AssignmentStatus::ThirdPartyAppAssigned => target,
                _ => match by_object.get(&t).or_else(|| by_upn.get(&t)) {
                    Some(&i) => users
                        .get(i)
                        .map_or(target.clone(), |u| u.account.identity.clone()),
                    None => {
                        if number.assignment_status != AssignmentStatus::Unassigned {
                            report.issues.push(Issue {
                                file: file.clone(),
                                index,
                                field: "AssignedPstnTargetId".into(),
                                why: format!(
                                    "{} is assigned to `{target}`, which is the Identity of no Get-CsOnlineUser record; export every user (-ResultSize Unlimited)",
                                    number.telephone_number
                                ),
                            });
                        }
                        target
                    }
                },
            });
        } else if number.assignment_status != AssignmentStatus::Unassigned {
            report.issues.push(Issue {
                file: file.clone(),
                index,
                field: "AssignedPstnTargetId".into(),
                why: format!(
                    "{} is {:?} but has no AssignedPstnTargetId",
                    number.telephone_number, number.assignment_status
                ),
            });
        }
        if number.assignment_status == AssignmentStatus::ConferenceAssigned
            && bridge_id.is_some()
            && number
                .assigned_target
                .as_ref()
                .map(|t| t.to_ascii_lowercase())
                == bridge_id
        {
            number.assigned_target = bridge_export.as_ref().and_then(|b| b.identity.clone());
        }
        numbers.push(number);
    }
    if !p.seen.contains(&Source::PhoneNumberAssignment)
        && !p.seen.contains(&Source::AcquiredPhoneNumberCsv)
        && !p.seen.contains(&Source::GraphNumberAssignments)
    {
        report.lacks.push(
            "numbers: no Get-CsPhoneNumberAssignment, Export-CsAcquiredPhoneNumber or Graph numberAssignments export, so the inventory is empty".into(),
        );
    }

    // Operators: those of the numbers, completed from --operators.
    let mut operators: Vec<TenantOperator> = Vec::new();
    for n in numbers
        .iter()
        .filter(|n| n.number_type == NumberType::OperatorConnect)
    {
        let Some(id) = &n.operator_id else { continue };
        let i = match operators
            .iter()
            .position(|o| o.operator_id.eq_ignore_ascii_case(id))
        {
            Some(i) => i,
            None => {
                operators.push(TenantOperator {
                    operator_id: id.clone(),
                    name: partners
                        .get(&id.to_ascii_lowercase())
                        .cloned()
                        .unwrap_or_else(|| id.clone()),
                    products: Vec::new(),
                    enabled_countries: Vec::new(),
                    status: OperatorStatus::Active,
                    contact: OperatorContact {
                        full_name: None,
                        email: None,
                        company_size: None,
                        phone: None,
                    },
                    data_transfer_notice_accepted: false,
                });
                operators.len() - 1
            }
        };
        let Some(op) = operators.get_mut(i) else {
            continue;
        };
        if !op.enabled_countries.contains(&n.iso_country_code) {
            op.enabled_countries.push(n.iso_country_code.clone());
        }
        for (cap, product) in [
            (Capability::UserAssignment, OperatorProduct::Calling),
            (
                Capability::VoiceApplicationAssignment,
                OperatorProduct::Calling,
            ),
            (
                Capability::ConferenceAssignment,
                OperatorProduct::Conferencing,
            ),
            (
                Capability::TeamsPhoneMobile,
                OperatorProduct::TeamsPhoneMobile,
            ),
        ] {
            if n.capabilities.contains(&cap) && !op.products.contains(&product) {
                op.products.push(product);
            }
        }
    }
    let inferred_ops: Vec<String> = operators
        .iter()
        .filter(|o| {
            !options
                .operators
                .iter()
                .any(|g| g.operator_id.eq_ignore_ascii_case(&o.operator_id))
        })
        .map(|o| o.operator_id.clone())
        .collect();
    for given in &options.operators {
        match operators
            .iter_mut()
            .find(|o| o.operator_id.eq_ignore_ascii_case(&given.operator_id))
        {
            Some(o) => *o = given.clone(),
            None => operators.push(given.clone()),
        }
    }
    if !inferred_ops.is_empty() {
        report.inferred.push(format!(
            "operator(s) {} are taken from the numbers' OperatorId (name from PstnPartnerName, countries and products from the numbers)",
            inferred_ops.join(", ")
        ));
        report.lacks.push(format!(
            "operators {}: contact details and the data transfer notice are on the Teams admin center's Operators page, which no cmdlet exports, so their numbers' decisions report ELIG-OPERATOR-CONSENT; give them with --operators FILE, or add the operator on the server",
            inferred_ops.join(", ")
        ));
    }

    // Locations: every exported one, and each address's default location.
    let mut locations = p.locations;
    for a in &p.addresses {
        if let Some(d) = &a.default_location
            && !locations
                .iter()
                .any(|l| l.location_id.eq_ignore_ascii_case(d))
        {
            locations.push(ocpolicy_rules::types::Location {
                location_id: d.clone(),
                civic_address_id: a.address.id.clone(),
                place: None,
                elin: a.address.elin.clone(),
            });
        }
    }
    if !p.seen.contains(&Source::CivicAddress) {
        report.lacks.push(
            "emergency addresses: no Get-CsOnlineLisCivicAddress export, so numbers' LocationId refer to nothing".into(),
        );
    }
    // LIS entries: each gives a network element a location. One whose
    // location is in no export is kept (the tenant stays decidable), but an
    // emergency call it matches would carry no location: said per entry.
    if p.seen.contains(&Source::LisLocation) || !p.addresses.is_empty() {
        for (file, index, id) in &p.lis_refs {
            if !locations
                .iter()
                .any(|l| l.location_id.trim().eq_ignore_ascii_case(id.trim()))
            {
                report.issues.push(Issue {
                    file: file.clone(),
                    index: *index,
                    field: "LocationId".into(),
                    why: format!(
                        "`{id}` is the LocationId of no Get-CsOnlineLisLocation record and no address's DefaultLocationId, so an emergency call this entry matches carries no location; export Get-CsOnlineLisLocation with the LIS, or point the entry at an existing location"
                    ),
                });
            }
        }
    } else if !p.lis_refs.is_empty() {
        report.lacks.push(
            "LIS locations: no Get-CsOnlineLisLocation or Get-CsOnlineLisCivicAddress export, so the LIS entries' LocationId refer to nothing; export them with the LIS".into(),
        );
    }
    report.lacks.push(
        "Direct Routing SBCs (Get-CsOnlinePSTNGateway is not among the exports), so PIDF-LO pass-through and SBC countries are unknown".into(),
    );

    let voice_routes: Vec<VoiceRoute> = p
        .routes
        .iter()
        .map(|r| VoiceRoute {
            identity: r.identity.clone(),
            number_pattern: r
                .number_pattern
                .clone()
                .unwrap_or_else(|| "[0-9]{10}".into()),
            online_pstn_usages: r.online_pstn_usages.clone(),
            online_pstn_gateways: r.online_pstn_gateways.clone().unwrap_or_default(),
        })
        .collect();
    let voice_routing_policies: Vec<VoiceRoutingPolicy> = p
        .voice_policies
        .iter()
        .map(|(identity, usages)| VoiceRoutingPolicy {
            identity: identity.clone(),
            online_pstn_usages: usages.clone(),
        })
        .collect();

    // Conferencing: when the bridge was exported.
    let conferencing = match bridge_export {
        None => {
            report.lacks.push(
                "conferencing: no Get-CsOnlineDialInConferencingBridge export, so no bridge, organizers or dial-out routing".into(),
            );
            None
        }
        Some(b) => {
            let org_country = options.org_country.clone().or_else(|| {
                let mut tally: BTreeMap<&str, usize> = BTreeMap::new();
                for u in &users {
                    if let Some(c) = &u.account.usage_location {
                        *tally.entry(c.as_str()).or_default() += 1;
                    }
                }
                let best = tally
                    .into_iter()
                    .max_by_key(|(_, n)| *n)
                    .map(|(c, _)| c.to_string())
                    .or_else(|| {
                        // No usage locations (a Graph-only export): the
                        // country of the bridge's numbers.
                        b.default_number
                            .as_deref()
                            .and_then(ocpolicy_rules::number_country)
                            .or_else(|| {
                                numbers
                                    .iter()
                                    .find(|n| n.assignment_status == AssignmentStatus::ConferenceAssigned)
                                    .map(|n| n.iso_country_code.clone())
                            })
                    });
                if let Some(c) = &best {
                    report.inferred.push(format!(
                        "the organization's country is {c}, the most common usage location (give --org-country to set it)"
                    ));
                }
                best
            });
            let Some(org_country) = org_country else {
                return Err(Error::Undecidable {
                    path: "conferencing.org_country".into(),
                    message: "the bridge was exported but no account has a usage location to take the organization's country from; give --org-country".into(),
                    report: Box::new(report.clone()),
                });
            };
            let inventory: HashMap<String, &ocpolicy_rules::types::PhoneNumber> = numbers
                .iter()
                .filter_map(|n| {
                    ocpolicy_rules::number_key(&n.telephone_number)
                        .map(|k| (k.as_str().to_string(), n))
                })
                .collect();
            // The numbers on the bridge: its ServiceNumbers, or else (the
            // documented output has none) the inventory's ConferenceAssigned
            // numbers, with the default number.
            let mut on_bridge = b.numbers.clone();
            if on_bridge.is_empty() {
                for n in &numbers {
                    let to_bridge = n.assignment_status == AssignmentStatus::ConferenceAssigned
                        && (bridge_id.is_none()
                            || n.assigned_target.as_ref().map(|t| t.to_ascii_lowercase())
                                == bridge_id);
                    if to_bridge {
                        on_bridge.push((n.telephone_number.clone(), false, None));
                    }
                }
                if let Some(d) = &b.default_number {
                    let key = ocpolicy_rules::number_key(d);
                    let listed = on_bridge.iter().any(|(n, _, _)| {
                        ocpolicy_rules::number_key(n).is_some()
                            && ocpolicy_rules::number_key(n) == key
                    });
                    if !listed {
                        on_bridge.push((d.clone(), false, None));
                    }
                }
                if !on_bridge.is_empty() {
                    report.inferred.push(format!(
                        "the bridge's numbers are the inventory's ConferenceAssigned numbers and its DefaultServiceNumber ({}), as Get-CsOnlineDialInConferencingBridge listed no ServiceNumbers",
                        on_bridge.len()
                    ));
                }
            }
            let bridge_numbers: Vec<BridgeNumber> = on_bridge
                .iter()
                .map(|(number, shared, toll_free)| {
                    let inv = ocpolicy_rules::number_key(number)
                        .and_then(|k| inventory.get(k.as_str()).copied());
                    let oc = inv.filter(|n| n.number_type == NumberType::OperatorConnect);
                    let toll_free = toll_free.unwrap_or_else(|| is_toll_free(number));
                    BridgeNumber {
                        number: number.clone(),
                        toll_type: if toll_free {
                            TollType::TollFree
                        } else {
                            TollType::Toll
                        },
                        source: if oc.is_some() {
                            BridgeNumberSource::OperatorConnect
                        } else {
                            BridgeNumberSource::Microsoft
                        },
                        operator_id: oc.and_then(|n| n.operator_id.clone()),
                        sharing: Some(if *shared {
                            BridgeNumberSharing::Shared
                        } else {
                            BridgeNumberSharing::Dedicated
                        }),
                        capabilities: inv.map(|n| n.capabilities.clone()),
                    }
                })
                .collect();
            let mut organizers = Vec::new();
            let mut no_location = 0usize;
            for u in users.iter().filter(|u| u.account.kind == AccountKind::User) {
                let Some(loc) = &u.account.usage_location else {
                    no_location += 1;
                    continue;
                };
                organizers.push(Organizer {
                    identity: u.account.identity.clone(),
                    kind: Some(u.account.kind),
                    licenses: u.account.licenses.clone(),
                    occ_license: None,
                    usage_location: loc.clone(),
                    audio_conferencing_routing_policy: u.conferencing_policy.clone(),
                    group_policies: None,
                    dial_out_policy: u.dial_out_policy.clone(),
                    dial_plan: u.dial_plan.clone(),
                    service_number: None,
                    toll_free_service_number: None,
                });
            }
            if no_location > 0 {
                report.lacks.push(format!(
                    "organizers: {no_location} user(s) have no UsageLocation, so their meetings' dial-out cannot be routed and they are not organizers"
                ));
            }
            if !p.dial_out_policies.is_empty() {
                for o in &organizers {
                    let bare = |x: &str| {
                        let x = x.trim();
                        match x.get(..4) {
                            Some(t) if t.eq_ignore_ascii_case("tag:") => {
                                x[4..].to_ascii_lowercase()
                            }
                            _ => x.to_ascii_lowercase(),
                        }
                    };
                    if let Some(d) = &o.dial_out_policy
                        && !p.dial_out_policies.iter().any(|x| bare(x) == bare(d))
                    {
                        report.issues.push(Issue {
                            file: "Get-CsOnlineUser".into(),
                            index: users
                                .iter()
                                .position(|u| u.account.identity == o.identity)
                                .unwrap_or(0),
                            field: "OnlineDialOutPolicy".into(),
                            why: format!(
                                "`{}` has dial-out policy `{d}`, which Get-CsOnlineDialOutPolicy does not list",
                                o.identity
                            ),
                        });
                    }
                }
            }
            report.lacks.push(
                "organizers: group grants of audio-conferencing routing policies (Get-CsGroupPolicyAssignment) and service numbers in invites (Get-CsOnlineDialInConferencingUser) are not among the exports".into(),
            );
            Some(ConferencingSettings {
                org_country,
                communications_credits: None,
                bridge: Bridge {
                    numbers: bridge_numbers,
                    default_service_number: b.default_number,
                },
                organizers,
                pstn_usages: p.usages.clone(),
                voice_routes: p.routes,
                audio_conferencing_routing_policies: p
                    .ac_policies
                    .into_iter()
                    .map(|(identity, usages)| AudioConferencingRoutingPolicy {
                        identity,
                        online_pstn_usages: usages,
                    })
                    .collect(),
                voice_routing_policies: (!voice_routing_policies.is_empty())
                    .then(|| voice_routing_policies.clone()),
                emergency_call_routing_policies: (!p.routing.is_empty()).then(|| p.routing.clone()),
                dial_plans: (!p.dial_plans.is_empty()).then_some(p.dial_plans),
                gateways: None,
            })
        }
    };

    let some = |v: Vec<_>| (!v.is_empty()).then_some(v);
    let emergency = EmergencySettings {
        lis: (!(p.waps.is_empty()
            && p.switches.is_empty()
            && p.ports.is_empty()
            && p.lis_subnets.is_empty()))
        .then(|| Lis {
            subnets: (!p.lis_subnets.is_empty()).then_some(p.lis_subnets),
            waps: (!p.waps.is_empty()).then_some(p.waps),
            switches: (!p.switches.is_empty()).then_some(p.switches),
            ports: (!p.ports.is_empty()).then_some(p.ports),
        }),
        trusted_ips: (!p.trusted_ips.is_empty()).then_some(p.trusted_ips),
        network_sites: (!p.sites.is_empty()).then_some(p.sites),
        network_subnets: (!p.subnets.is_empty()).then_some(p.subnets),
        emergency_calling_policies: (!p.calling.is_empty()).then_some(p.calling),
        emergency_call_routing_policies: some(p.routing),
        pstn_usages: (!p.usages.is_empty()).then_some(p.usages),
        gateways: None,
    };
    Ok(TenantDocument {
        tenant: Tenant {
            tenant_id,
            accounts: users.into_iter().map(|u| u.account).collect(),
            numbers,
            operators,
            civic_addresses: p.addresses.into_iter().map(|a| a.address).collect(),
            locations,
            voice_routes,
            voice_routing_policies,
        },
        emergency,
        conferencing,
    })
}

/// Is `number` toll-free in its country's numbering plan?
fn is_toll_free(number: &str) -> bool {
    phonenumber::parse(None, number).is_ok_and(|n| {
        n.number_type(&phonenumber::metadata::DATABASE) == phonenumber::Type::TollFree
    })
}

fn count(doc: &TenantDocument, report: &mut Report) {
    let t = &doc.tenant;
    let e = &doc.emergency;
    let lis = e.lis.as_ref();
    let len = |v: Option<usize>| v.unwrap_or(0);
    for (k, v) in [
        ("accounts", t.accounts.len()),
        ("numbers", t.numbers.len()),
        (
            "assigned numbers",
            t.numbers
                .iter()
                .filter(|n| n.assignment_status != AssignmentStatus::Unassigned)
                .count(),
        ),
        ("operators", t.operators.len()),
        ("civic addresses", t.civic_addresses.len()),
        ("locations", t.locations.len()),
        ("voice routes", t.voice_routes.len()),
        ("voice routing policies", t.voice_routing_policies.len()),
        (
            "LIS subnets",
            len(lis.and_then(|l| l.subnets.as_ref()).map(Vec::len)),
        ),
        (
            "LIS access points",
            len(lis.and_then(|l| l.waps.as_ref()).map(Vec::len)),
        ),
        (
            "LIS switches",
            len(lis.and_then(|l| l.switches.as_ref()).map(Vec::len)),
        ),
        (
            "LIS ports",
            len(lis.and_then(|l| l.ports.as_ref()).map(Vec::len)),
        ),
        ("trusted IPs", len(e.trusted_ips.as_ref().map(Vec::len))),
        ("network sites", len(e.network_sites.as_ref().map(Vec::len))),
        (
            "emergency calling policies",
            len(e.emergency_calling_policies.as_ref().map(Vec::len)),
        ),
        (
            "emergency call routing policies",
            len(e.emergency_call_routing_policies.as_ref().map(Vec::len)),
        ),
        (
            "organizers",
            doc.conferencing.as_ref().map_or(0, |c| c.organizers.len()),
        ),
        (
            "bridge numbers",
            doc.conferencing
                .as_ref()
                .map_or(0, |c| c.bridge.numbers.len()),
        ),
    ] {
        report.counts.insert(k, v);
    }
}

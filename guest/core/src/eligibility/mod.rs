//! The eligibility family (§1 of the domain reference): may this number be
//! assigned, uploaded, released or migrated; may this operator or country be
//! removed; does an operator meet the programme requirements?
//!
//! Each request kind has its own module; the helpers here are the checks several
//! of them share (number shape and inventory, operator set-up, account licences).
//!
//! Design choices for rules the reference marks DERIVED or UNSOURCED are in each
//! rule's `design_note` in [`crate::catalogue`]; `ocpolicy rules` prints them.
//! Two codes of §1.3 raise nothing of their own, by design:
//! `ELIG-SERVICE-NUMBER-TO-USER` is covered by `ELIG-CAPABILITY`, and
//! `ELIG-MULTI-OPERATOR` (several operators for one country) is allowed.

mod assign;
mod lifecycle;
mod programme;
mod review;
mod upload;

use crate::Findings;
use crate::catalogue as rule;
use crate::phone::{self, Shaped};
use crate::snapshot::TenantSnapshot;
use crate::types::{
    CompactDecision, Decision, EligibilityCheck, EligibilityRequest, InputError, NumberType,
    OperatorStatus, PhoneNumber, TenantOperator,
};

pub use programme::check_operator_programme;

/// Evaluate a self-contained check: index the tenant, then answer the request.
pub fn evaluate(check: EligibilityCheck) -> Result<Decision, InputError> {
    let snapshot = TenantSnapshot::new(check.tenant)?;
    snapshot.check(&check.request)
}

impl TenantSnapshot {
    /// Answer one eligibility request against this tenant.
    pub fn check(&self, request: &EligibilityRequest) -> Result<Decision, InputError> {
        Ok(self.findings(request)?.finish())
    }

    /// [`check`](Self::check), leaving the catalogue's text out (the
    /// component's `decide`, its host's hot path).
    pub fn decide(&self, request: &EligibilityRequest) -> Result<CompactDecision, InputError> {
        Ok(self.findings(request)?.finish_compact())
    }

    /// Many [`decide`](Self::decide)s, in order (the `decide-all` of the contract).
    pub fn decide_all(
        &self,
        requests: &[EligibilityRequest],
    ) -> Vec<Result<CompactDecision, InputError>> {
        requests.iter().map(|r| self.decide(r)).collect()
    }

    fn findings(&self, request: &EligibilityRequest) -> Result<Findings, InputError> {
        let mut f = Findings::default();
        match request {
            EligibilityRequest::AssignNumber(r) => assign::check(self, r, &mut f)?,
            EligibilityRequest::UploadNumbers(r) => upload::check(self, r, &mut f),
            EligibilityRequest::RemoveOperator(r) => lifecycle::remove_operator(self, r, &mut f),
            EligibilityRequest::ReleaseNumber(r) => lifecycle::release(self, r, &mut f),
            EligibilityRequest::MigrateToOperatorConnect(r) => lifecycle::migrate(self, r, &mut f),
            EligibilityRequest::SetAssignmentBlock(r) => lifecycle::block(self, r, &mut f)?,
            EligibilityRequest::UpdateNumberLocation(r) => {
                lifecycle::update_location(self, r, &mut f)?
            }
            EligibilityRequest::WriteCivicAddress(r) => review::write_address(r, &mut f),
            EligibilityRequest::ReviewAccount(r) => review::account(self, r, &mut f)?,
        }
        Ok(f)
    }

    /// Answer many requests, in order (the `check-all` of the contract).
    pub fn check_all(&self, requests: &[EligibilityRequest]) -> Vec<Result<Decision, InputError>> {
        requests.iter().map(|r| self.check(r)).collect()
    }
}

/// PowerShell's spelling of a number type, for messages.
pub(crate) fn type_name(t: NumberType) -> &'static str {
    match t {
        NumberType::DirectRouting => "DirectRouting",
        NumberType::CallingPlan => "CallingPlan",
        NumberType::OperatorConnect => "OperatorConnect",
    }
}

/// Check a request's number for shape; raise `ELIG-NUM-FORMAT` at `path` if it fails.
fn shaped(f: &mut Findings, number: &str, path: &str) -> Option<Shaped> {
    match phone::shape(number) {
        Ok(s) => Some(s),
        Err(e) => {
            f.raise(
                &rule::NUM_FORMAT,
                path,
                format!("telephone number `{number}` is not E.164 in shape: it {e}"),
            );
            None
        }
    }
}

/// Find an inventory number; raise `ELIG-NOT-IN-TENANT` when it is absent.
fn inventory<'s>(
    s: &'s TenantSnapshot,
    f: &mut Findings,
    number: &Shaped,
    path: &str,
) -> Option<(usize, &'s PhoneNumber)> {
    let found = s.number(&number.key());
    if found.is_none() {
        f.raise(
            &rule::NOT_IN_TENANT,
            path,
            format!(
                "Telephone Number '{number}' is not found from tenant '{}'",
                s.tenant().tenant_id
            ),
        );
    }
    found
}

/// Is the country (ISO alpha-2) the same, ignoring case?
fn same_country(a: &str, b: &str) -> bool {
    a.trim().eq_ignore_ascii_case(b.trim())
}

/// The operator set-up checks every Operator Connect action shares:
/// added (`ELIG-OPERATOR-NOT-ADDED`), set-up complete (`ELIG-OPERATOR-CONSENT`),
/// not suspended (`ELIG-OPERATOR-SUSPENDED`), country enabled
/// (`ELIG-OPERATOR-COUNTRY`, only when `country` is known).
/// Returns the operator when it was added.
fn operator_checks<'s>(
    s: &'s TenantSnapshot,
    f: &mut Findings,
    operator_id: Option<&str>,
    operator_path: &str,
    country: Option<(&str, &str)>,
) -> Option<&'s TenantOperator> {
    let Some(id) = operator_id.filter(|id| !id.trim().is_empty()) else {
        f.raise(
            &rule::OPERATOR_NOT_ADDED,
            operator_path,
            "the Operator Connect number has no OperatorId, so it comes from no operator the tenant added",
        );
        return None;
    };
    let Some((oi, op)) = s.operator(id) else {
        f.raise(
            &rule::OPERATOR_NOT_ADDED,
            operator_path,
            format!(
                "operator `{id}` has not been added to tenant `{}`",
                s.tenant().tenant_id
            ),
        );
        return None;
    };
    consent_checks(f, op, oi);
    if let Some((cc, path)) = country {
        country_enabled(f, op, cc, path, "");
    }
    Some(op)
}

/// `ELIG-OPERATOR-COUNTRY`: is `cc` among the operator's enabled countries?
/// `why` ends the message (what the check was for), when not empty.
fn country_enabled(f: &mut Findings, op: &TenantOperator, cc: &str, path: &str, why: &str) {
    if !op.enabled_countries.iter().any(|c| same_country(c, cc)) {
        f.raise(
            &rule::OPERATOR_COUNTRY,
            path,
            format!(
                "Country {} not enabled for operator {} (enabled: {}){why}",
                cc.trim().to_ascii_uppercase(),
                op.operator_id,
                list_or_none(&op.enabled_countries)
            ),
        );
    }
}

/// `ELIG-OC-LOCATION-PREREQ`: an operator-managed user number must reference a
/// location the enterprise created. `subject` names the number in the message.
fn location_prereq(
    s: &TenantSnapshot,
    f: &mut Findings,
    location_id: Option<&str>,
    path: &str,
    subject: &str,
) {
    if location_id.and_then(|l| s.find_location(l)).is_some() {
        return;
    }
    let why = match location_id {
        None => format!("{subject} has no LocationId"),
        Some(l) => format!("`{l}` is not one of the tenant's locations"),
    };
    f.raise(
        &rule::OC_LOCATION_PREREQ,
        path,
        format!("Operator-managed static location must reference a location the enterprise created in TAC: {why}"),
    );
}

/// `ELIG-OPERATOR-CONSENT` and `ELIG-OPERATOR-SUSPENDED` for an operator at `tenant.operators[oi]`.
fn consent_checks(f: &mut Findings, op: &TenantOperator, oi: usize) {
    let blank = |v: &Option<String>| v.as_deref().is_none_or(|s| s.trim().is_empty());
    let mut missing = Vec::new();
    let mut first_path = None;
    for (absent, field, path) in [
        (
            blank(&op.contact.full_name),
            "contact full name",
            "contact.full_name",
        ),
        (blank(&op.contact.email), "contact email", "contact.email"),
        (
            blank(&op.contact.company_size),
            "company size",
            "contact.company_size",
        ),
        (
            !op.data_transfer_notice_accepted,
            "data transfer notice acceptance",
            "data_transfer_notice_accepted",
        ),
    ] {
        if absent {
            missing.push(field);
            first_path.get_or_insert(path);
        }
    }
    if let Some(path) = first_path {
        f.raise(
            &rule::OPERATOR_CONSENT,
            format!("tenant.operators[{oi}].{path}"),
            format!(
                "Operator setup incomplete for {}: missing {}",
                op.operator_id,
                missing.join(", ")
            ),
        );
    }
    if op.status == OperatorStatus::Suspended {
        f.raise(
            &rule::OPERATOR_SUSPENDED,
            format!("tenant.operators[{oi}].status"),
            format!("Operator {} is suspended", op.operator_id),
        );
    }
}

fn list_or_none(items: &[String]) -> String {
    if items.is_empty() {
        "none".to_string()
    } else {
        items.join(", ")
    }
}

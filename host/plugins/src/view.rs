//! The tenant a plugin call reads: the scope check (whose number is this?)
//! and the plugins' lookups (`find-number`, `find-account`, ...).
//!
//! A caller that holds an indexed snapshot of the tenant (a server deciding
//! against a stored tenant it has indexed once) passes it, and every lookup
//! is by key: the cost stays flat however many numbers the tenant has. A
//! tenant that came with one request and is read once is passed as it is,
//! and looked up by scanning, which is cheaper than indexing it for one
//! question. Both answer the same: the same keys, the same case folding.

use std::sync::Arc;

use ocpolicy_rules::{TenantSnapshot, types as core};

/// The request's tenant, indexed or as given.
#[derive(Clone)]
pub enum TenantView {
    /// As given: lookups scan.
    Plain(Arc<core::Tenant>),
    /// Indexed once: lookups by key.
    Indexed(Arc<TenantSnapshot>),
}

impl From<Arc<core::Tenant>> for TenantView {
    fn from(t: Arc<core::Tenant>) -> Self {
        TenantView::Plain(t)
    }
}

impl From<&Arc<core::Tenant>> for TenantView {
    fn from(t: &Arc<core::Tenant>) -> Self {
        TenantView::Plain(t.clone())
    }
}

impl From<Arc<TenantSnapshot>> for TenantView {
    fn from(s: Arc<TenantSnapshot>) -> Self {
        TenantView::Indexed(s)
    }
}

impl From<&Arc<TenantSnapshot>> for TenantView {
    fn from(s: &Arc<TenantSnapshot>) -> Self {
        TenantView::Indexed(s.clone())
    }
}

/// Identities, operator ids, location ids: the same without regard to case
/// or surrounding spaces, as the snapshot's index folds them.
fn same(a: &str, b: &str) -> bool {
    let (a, b) = (a.trim(), b.trim());
    if a.is_ascii() && b.is_ascii() {
        a.eq_ignore_ascii_case(b)
    } else {
        a.to_lowercase() == b.to_lowercase()
    }
}

impl TenantView {
    /// The tenant.
    pub fn tenant(&self) -> &core::Tenant {
        match self {
            TenantView::Plain(t) => t,
            TenantView::Indexed(s) => s.tenant(),
        }
    }

    /// An inventory number as typed (E.164, `+` optional).
    pub fn number(&self, telephone_number: &str) -> Option<&core::PhoneNumber> {
        match self {
            TenantView::Plain(t) => {
                let want = ocpolicy_rules::number_key(telephone_number)?;
                t.numbers.iter().find(|n| want.matches(&n.telephone_number))
            }
            TenantView::Indexed(s) => s.find_number(telephone_number),
        }
    }

    /// A user or resource account by identity.
    pub fn account(&self, identity: &str) -> Option<&core::Account> {
        match self {
            TenantView::Plain(t) => t.accounts.iter().find(|a| same(&a.identity, identity)),
            TenantView::Indexed(s) => s.find_account(identity),
        }
    }

    /// An operator the tenant added.
    pub fn operator(&self, id: &str) -> Option<&core::TenantOperator> {
        match self {
            TenantView::Plain(t) => t.operators.iter().find(|o| same(&o.operator_id, id)),
            TenantView::Indexed(s) => s.find_operator(id),
        }
    }

    /// A location by id.
    pub fn location(&self, id: &str) -> Option<&core::Location> {
        match self {
            TenantView::Plain(t) => t.locations.iter().find(|l| same(&l.location_id, id)),
            TenantView::Indexed(s) => s.find_location(id),
        }
    }

    /// A civic address by id.
    pub fn civic_address(&self, id: &str) -> Option<&core::CivicAddress> {
        match self {
            TenantView::Plain(t) => t.civic_addresses.iter().find(|a| same(&a.id, id)),
            TenantView::Indexed(s) => s.find_civic_address(id),
        }
    }

    /// The numbers assigned to an identity (or the bridge id).
    pub fn numbers_of(&self, target: &str) -> Vec<&core::PhoneNumber> {
        match self {
            TenantView::Plain(t) => t
                .numbers
                .iter()
                .filter(|n| {
                    n.assigned_target
                        .as_deref()
                        .is_some_and(|a| same(a, target))
                })
                .collect(),
            TenantView::Indexed(s) => s.find_numbers_of(target).collect(),
        }
    }
}

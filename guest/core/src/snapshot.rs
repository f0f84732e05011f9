//! A tenant indexed once and asked many questions.

use std::borrow::Cow;
use std::collections::{HashMap, HashSet};

use crate::phone;
use crate::types::{
    Account, CivicAddress, InputError, Location, PhoneNumber, Tenant, TenantOperator,
    ValidationStatus, VoiceRoute, VoiceRoutingPolicy,
};

/// A tenant with hash indexes over its numbers, accounts, operators, locations,
/// addresses and routing. Build it once per tenant version and share it: every
/// lookup a rule makes is then a hash probe, whatever the size of the tenant.
#[derive(Debug, Clone)]
pub struct TenantSnapshot {
    tenant: Tenant,
    numbers: HashMap<String, usize>,
    accounts: HashMap<String, usize>,
    operators: HashMap<String, usize>,
    locations: HashMap<String, usize>,
    addresses: HashMap<String, usize>,
    policies: HashMap<String, usize>,
    routes_by_usage: HashMap<String, Vec<usize>>,
    numbers_by_target: HashMap<String, Vec<usize>>,
    validated_countries: HashSet<String>,
}

/// Identities, operator ids, location ids: compared case-insensitively, as Teams does.
pub(crate) fn fold(s: &str) -> String {
    s.trim().to_lowercase()
}

/// [`fold`] for a lookup: borrowed when the key is folded already (trimmed,
/// ASCII, no capitals), as keys sent by programs mostly are, so that a lookup
/// allocates nothing.
fn folded(s: &str) -> Cow<'_, str> {
    if s.bytes().all(|b| b.is_ascii() && !b.is_ascii_uppercase()) && s.trim().len() == s.len() {
        Cow::Borrowed(s)
    } else {
        Cow::Owned(fold(s))
    }
}

/// Policy identities: `Tag:US-Only` and `US-Only` name the same policy.
fn policy_key(s: &str) -> String {
    let f = fold(s);
    match f.strip_prefix("tag:") {
        Some(rest) => rest.to_string(),
        None => f,
    }
}

fn index<T>(
    items: &[T],
    list: &str,
    field: &str,
    key: impl Fn(&T) -> Option<String>,
) -> Result<HashMap<String, usize>, InputError> {
    let mut map = HashMap::with_capacity(items.len());
    for (i, item) in items.iter().enumerate() {
        let Some(k) = key(item) else {
            return Err(InputError {
                path: format!("tenant.{list}[{i}].{field}"),
                message: format!(
                    "`{field}` is not usable as a key; see `ocpolicy schema eligibility`"
                ),
            });
        };
        if let Some(first) = map.insert(k.clone(), i) {
            return Err(InputError {
                path: format!("tenant.{list}[{i}].{field}"),
                message: format!(
                    "duplicate {field} `{k}`: it is also at tenant.{list}[{first}]; each must appear once"
                ),
            });
        }
    }
    Ok(map)
}

impl TenantSnapshot {
    /// Index a tenant. Fails when the data is ambiguous (a number, identity,
    /// operator, location or address listed twice) or an inventory number is not
    /// E.164 in shape.
    pub fn new(tenant: Tenant) -> Result<Self, InputError> {
        let numbers = index(
            &tenant.numbers,
            "numbers",
            "telephone_number",
            |n: &PhoneNumber| phone::key_of(&n.telephone_number),
        )?;
        let accounts = index(&tenant.accounts, "accounts", "identity", |a: &Account| {
            Some(fold(&a.identity))
        })?;
        let operators = index(
            &tenant.operators,
            "operators",
            "operator_id",
            |o: &TenantOperator| Some(fold(&o.operator_id)),
        )?;
        let locations = index(
            &tenant.locations,
            "locations",
            "location_id",
            |l: &Location| Some(fold(&l.location_id)),
        )?;
        let addresses = index(
            &tenant.civic_addresses,
            "civic_addresses",
            "id",
            |a: &CivicAddress| Some(fold(&a.id)),
        )?;
        let policies = index(
            &tenant.voice_routing_policies,
            "voice_routing_policies",
            "identity",
            |p: &VoiceRoutingPolicy| Some(policy_key(&p.identity)),
        )?;
        let mut routes_by_usage: HashMap<String, Vec<usize>> = HashMap::new();
        for (i, r) in tenant.voice_routes.iter().enumerate() {
            for u in &r.online_pstn_usages {
                routes_by_usage.entry(fold(u)).or_default().push(i);
            }
        }
        let mut numbers_by_target: HashMap<String, Vec<usize>> = HashMap::new();
        for (i, n) in tenant.numbers.iter().enumerate() {
            if let Some(t) = &n.assigned_target {
                numbers_by_target.entry(fold(t)).or_default().push(i);
            }
        }
        let validated_countries = tenant
            .civic_addresses
            .iter()
            .filter(|a| a.validation_status == ValidationStatus::Validated)
            .map(|a| a.country_or_region.trim().to_ascii_uppercase())
            .collect();
        Ok(TenantSnapshot {
            tenant,
            numbers,
            accounts,
            operators,
            locations,
            addresses,
            policies,
            routes_by_usage,
            numbers_by_target,
            validated_countries,
        })
    }

    /// The tenant as given.
    pub fn tenant(&self) -> &Tenant {
        &self.tenant
    }

    /// An inventory number by its key (digits, plus `;ext=` when present), with its index.
    pub(crate) fn number(&self, key: &str) -> Option<(usize, &PhoneNumber)> {
        let i = *self.numbers.get(key)?;
        self.tenant.numbers.get(i).map(|n| (i, n))
    }

    /// An inventory number as typed (E.164, '+' optional), for lookups from outside.
    pub fn find_number(&self, telephone_number: &str) -> Option<&PhoneNumber> {
        self.number(&phone::key_of(telephone_number)?)
            .map(|(_, n)| n)
    }

    /// An account by identity, with its index.
    pub(crate) fn account(&self, identity: &str) -> Option<(usize, &Account)> {
        let i = *self.accounts.get(folded(identity).as_ref())?;
        self.tenant.accounts.get(i).map(|a| (i, a))
    }

    /// An account by identity.
    pub fn find_account(&self, identity: &str) -> Option<&Account> {
        self.account(identity).map(|(_, a)| a)
    }

    /// An operator the tenant added, with its index.
    pub(crate) fn operator(&self, id: &str) -> Option<(usize, &TenantOperator)> {
        let i = *self.operators.get(folded(id).as_ref())?;
        self.tenant.operators.get(i).map(|o| (i, o))
    }

    /// An operator the tenant added.
    pub fn find_operator(&self, id: &str) -> Option<&TenantOperator> {
        self.operator(id).map(|(_, o)| o)
    }

    /// A location by id.
    pub fn find_location(&self, id: &str) -> Option<&Location> {
        self.tenant
            .locations
            .get(*self.locations.get(folded(id).as_ref())?)
    }

    /// A civic address by id.
    pub fn find_civic_address(&self, id: &str) -> Option<&CivicAddress> {
        self.tenant
            .civic_addresses
            .get(*self.addresses.get(folded(id).as_ref())?)
    }

    /// A voice routing policy by identity (`Tag:` optional).
    pub(crate) fn policy(&self, identity: &str) -> Option<&VoiceRoutingPolicy> {
        self.tenant
            .voice_routing_policies
            .get(*self.policies.get(&policy_key(identity))?)
    }

    /// Voice routes that serve a PSTN usage.
    pub(crate) fn routes_for_usage(&self, usage: &str) -> impl Iterator<Item = &VoiceRoute> {
        self.routes_by_usage
            .get(folded(usage).as_ref())
            .into_iter()
            .flatten()
            .filter_map(|&i| self.tenant.voice_routes.get(i))
    }

    /// Inventory numbers assigned to an identity (or bridge id), with their indexes.
    pub(crate) fn numbers_of(&self, target: &str) -> impl Iterator<Item = (usize, &PhoneNumber)> {
        self.numbers_by_target
            .get(folded(target).as_ref())
            .into_iter()
            .flatten()
            .filter_map(|&i| self.tenant.numbers.get(i).map(|n| (i, n)))
    }

    /// Inventory numbers assigned to an identity (or bridge id), for lookups from outside.
    pub fn find_numbers_of(&self, target: &str) -> impl Iterator<Item = &PhoneNumber> {
        self.numbers_of(target).map(|(_, n)| n)
    }

    /// Does the tenant have a validated civic address in this country?
    pub(crate) fn has_validated_address_in(&self, country: &str) -> bool {
        self.validated_countries
            .contains(&country.trim().to_ascii_uppercase())
    }
}

#[cfg(test)]
mod tests {
    use super::{fold, folded};

    #[test]
    fn a_lookup_key_folds_as_the_index_does_and_borrows_when_it_can() {
        for s in [
            "adele@contoso.com",
            "Adele@Contoso.com",
            " adele@contoso.com",
            "adele@contoso.com\t",
            "ÅSA@contoso.se",
            "åsa@contoso.se",
            "",
            "tag:us-only",
        ] {
            assert_eq!(folded(s), fold(s), "{s:?}");
        }
        assert!(matches!(
            folded("adele@contoso.com"),
            std::borrow::Cow::Borrowed(_)
        ));
        assert!(matches!(
            folded("Adele@contoso.com"),
            std::borrow::Cow::Owned(_)
        ));
    }
}

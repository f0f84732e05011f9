//! Repairing a stored tenant that the rules cannot decide: one stored before
//! every write was checked (`TENANT-UNDECIDABLE`), or imported broken. The
//! repairs are the ones that need no judgement: a record listed twice for
//! one key (a number by its [`ocpolicy_rules::number_key`], an account, an
//! operator, a location, an address) keeps one copy. What cannot be repaired
//! so is reported, path and message, to fix by hand.

use serde::Serialize;
use serde_json::Value;

use super::document::{self, Document, Undecidable};
use ocpolicy_rules::types::PhoneNumber;

/// One repair: the record removed, and the copy kept.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct Repair {
    /// The removed record's path in the stored tenant.
    pub removed: String,
    /// The record kept in its place.
    pub kept: String,
    /// Why.
    pub reason: String,
}

/// A tenant's repair: what is wrong, what would be done, and what would
/// still be wrong after it.
#[derive(Debug, Serialize)]
pub struct Plan {
    /// Whether the stored tenant can be decided as it is.
    pub decidable: bool,
    /// What is wrong with it as it is.
    pub problem: Option<Problem>,
    /// The repairs (empty when there is nothing to do).
    pub repairs: Vec<Repair>,
    /// What would still be wrong after the repairs (`None`: nothing).
    pub after: Option<Problem>,
    /// The repaired document (not shown).
    #[serde(skip)]
    pub repaired: Option<Document>,
}

/// A field at fault and why.
#[derive(Debug, Clone, Serialize)]
pub struct Problem {
    /// Its path.
    pub path: String,
    /// What is wrong.
    pub message: String,
}

impl From<Undecidable> for Problem {
    fn from(u: Undecidable) -> Self {
        Problem {
            path: u.path,
            message: u.message,
        }
    }
}

/// The repair plan of `stored`.
pub fn plan(rules: &mut ocpolicy_runtime::RulesInstance, stored: &Value) -> crate::Result<Plan> {
    let doc = match document::decode(stored)? {
        Ok(d) => d,
        Err(u) => {
            // Not even the contract's shape: nothing to repair automatically.
            let problem = Problem::from(u);
            return Ok(Plan {
                decidable: false,
                problem: Some(problem.clone()),
                repairs: Vec::new(),
                after: Some(problem),
                repaired: None,
            });
        }
    };
    let problem = document::decidable(rules, &doc)?.err().map(Problem::from);
    if problem.is_none() {
        return Ok(Plan {
            decidable: true,
            problem: None,
            repairs: Vec::new(),
            after: None,
            repaired: None,
        });
    }
    let mut fixed = doc;
    let mut repairs = Vec::new();
    let t = &mut fixed.tenant;
    dedupe(
        &mut t.numbers,
        "tenant.numbers",
        |n| ocpolicy_rules::number_key(&n.telephone_number).map(|k| k.to_string()),
        |n: &PhoneNumber| {
            n.assignment_status != ocpolicy_rules::types::AssignmentStatus::Unassigned
        },
        "the same number (its identity ignores `+`, `tel:` and spaces around it); the assigned copy is kept, else the first",
        &mut repairs,
    );
    dedupe(
        &mut t.accounts,
        "tenant.accounts",
        |a| Some(a.identity.trim().to_lowercase()),
        |_| false,
        "the same identity; the first is kept",
        &mut repairs,
    );
    dedupe(
        &mut t.operators,
        "tenant.operators",
        |o| Some(o.operator_id.trim().to_lowercase()),
        |_| false,
        "the same operator; the first is kept",
        &mut repairs,
    );
    dedupe(
        &mut t.locations,
        "tenant.locations",
        |l| Some(l.location_id.trim().to_lowercase()),
        |_| false,
        "the same location id; the first is kept",
        &mut repairs,
    );
    dedupe(
        &mut t.civic_addresses,
        "tenant.civic_addresses",
        |a| Some(a.id.trim().to_lowercase()),
        |_| false,
        "the same address id; the first is kept",
        &mut repairs,
    );
    let after = document::decidable(rules, &fixed)?.err().map(Problem::from);
    Ok(Plan {
        decidable: false,
        problem,
        repairs,
        after,
        repaired: Some(fixed),
    })
}

/// Keep one record per key in `list`: the first that `prefer` picks, else
/// the first; record what was removed. Paths are of the list as it was.
fn dedupe<T>(
    list: &mut Vec<T>,
    at: &str,
    key: impl Fn(&T) -> Option<String>,
    prefer: impl Fn(&T) -> bool,
    reason: &str,
    repairs: &mut Vec<Repair>,
) {
    use std::collections::HashMap;
    // The index kept for each key.
    let mut keep: HashMap<String, usize> = HashMap::new();
    for (i, item) in list.iter().enumerate() {
        let Some(k) = key(item) else { continue };
        match keep.get(&k) {
            None => {
                keep.insert(k, i);
            }
            Some(&j) => {
                let better = prefer(item) && !list.get(j).is_some_and(&prefer);
                if better {
                    keep.insert(k, i);
                }
            }
        }
    }
    let mut index = 0;
    let mut removed = Vec::new();
    list.retain(|item| {
        let i = index;
        index += 1;
        let kept = key(item).and_then(|k| keep.get(&k).copied());
        match kept {
            Some(j) if j != i => {
                removed.push((i, j));
                false
            }
            _ => true,
        }
    });
    for (i, j) in removed {
        repairs.push(Repair {
            removed: format!("{at}[{i}]"),
            kept: format!("{at}[{j}]"),
            reason: reason.to_string(),
        });
    }
}

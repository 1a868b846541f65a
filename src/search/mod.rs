//! Per-list in-memory search index: full-text prefix search, A-Z rail counts, group filter,
//! sorting and paging over up to millions of contacts, in a few milliseconds.
//!
//! The contract (what the store and the API rely on):
//! - `q`: folded ([`fold`]) into words; every word must be a prefix of some token of the contact.
//!   Tokens are the words of the folded full name, job title, company, department, notes,
//!   group names, address parts, e-mail, phone and mobile, both joined ("oneil",
//!   "annedupontacmefr") and split at inner punctuation ("o", "neil", "anne", "dupont", "acme",
//!   "fr"); phones also give all their digits as one token ("0615882617"). Empty q = everything.
//! - `letter`: on [`letter_of`] of the full name, or of the family name's sort key when sorting
//!   by `FamilyName` (the rail follows the order). `group`: members of a group, or no group at all.
//! - Sorting: by the folded value of the key (Mobile: its digits, first 16), then folded full
//!   name, then id: a total order. Empty values sort last in `asc`; `desc` is the exact reverse
//!   of `asc`, so they come first there.
//! - `letters`: counts per rail letter over q + group (not the letter filter), non-zero only;
//!   by family-name letter when sorting by `FamilyName`.
//!
//! Layout: `index.rs` (doc numbers, postings, updates, compaction), `query.rs` (lookups,
//! filters, rail counts, paging), `perm.rs` (sorted permutations), `columns.rs` (sort values),
//! `digits.rs` (long digit tokens), `fold.rs` (text rules). Measurements and design notes:
//! docs/PERFORMANCE-search.md.

mod columns;
mod digits;
pub mod dups;
mod fold;
mod fuzzy;
mod index;
mod perm;
pub mod phone;
mod query;
#[cfg(test)]
mod tests;
#[cfg(test)]
mod tests_dups;
#[cfg(test)]
mod tests_phone;
#[cfg(test)]
mod tests_prop;

pub use fold::{fold, letter_of};
pub use index::ListIndex;

use crate::model::{ContactId, GroupId};
use std::collections::BTreeMap;

/// Column to sort by; `full_name` by default.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, serde::Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum SortKey {
    #[default]
    FullName,
    JobTitle,
    Company,
    Department,
    Mobile,
    Email,
    UpdatedAt,
    /// By family name ("sort by last name"): the stored family name or the one derived from
    /// the full name (`model::name_parts`), without its lowercase particles; then full name.
    /// The A-Z rail and `letter` then follow the family name's first letter.
    FamilyName,
}

impl SortKey {
    pub const ALL: [SortKey; 8] = [
        SortKey::FullName,
        SortKey::JobTitle,
        SortKey::Company,
        SortKey::Department,
        SortKey::Mobile,
        SortKey::Email,
        SortKey::UpdatedAt,
        SortKey::FamilyName,
    ];

    fn slot(self) -> usize {
        self as usize
    }
}

/// Sort direction; `asc` by default.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, serde::Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum Order {
    #[default]
    Asc,
    Desc,
}

/// Restrict to the members of one group, or to contacts without any group.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum GroupFilter {
    Group(GroupId),
    NoGroup,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Query {
    pub q: String,
    /// 'A'..='Z' or '#' (lowercase is accepted); anything else matches nothing.
    pub letter: Option<char>,
    pub group: Option<GroupFilter>,
    pub sort: SortKey,
    pub order: Order,
    pub offset: usize,
    pub limit: usize,
}

impl Default for Query {
    fn default() -> Self {
        Self {
            q: String::new(),
            letter: None,
            group: None,
            sort: SortKey::FullName,
            order: Order::Asc,
            offset: 0,
            limit: 50,
        }
    }
}

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct QueryResult {
    /// The page, in order.
    pub ids: Vec<ContactId>,
    /// Matches before paging, after the letter filter.
    pub total: usize,
    /// Counts per rail letter ('A'..='Z', '#') over q + group, ignoring the letter filter;
    /// only non-zero letters are present.
    pub letters: BTreeMap<char, usize>,
    /// True when q matched nothing as typed and these results come from the typo-tolerant
    /// retry (see `fuzzy`).
    pub fuzzy: bool,
}

//! Phone numbers as people type them: the organization's default region turns national numbers
//! ("06 15 88 26 17" in France) and international ones ("+33 6 15 88 26 17", "0033 6 15...")
//! into one canonical digit string, country code + national significant number ("33615882617"),
//! through `phonenumber` (a port of Google's libphonenumber and its metadata).
//!
//! The index stores that canonical form as the phone field's digit token (instead of the raw
//! digits) when the number parses, else the raw digits; a query's digits are tried as typed and
//! in the canonical forms they can stand for ([`Region::query_forms`]), so both ways of writing a
//! number meet, and a number that does not parse still matches by its digits.

use parking_lot::RwLock;
use phonenumber::country;
use std::str::FromStr;
use std::sync::Arc;

/// A region's dialling rules, read once from the libphonenumber metadata.
#[derive(Debug)]
pub struct Region {
    id: country::Id,
    /// Country calling code, as digits ("33").
    cc: String,
    /// Trunk prefix dialled before national numbers ("0" in France; "1" in the US).
    national_prefix: Option<String>,
    /// Prefix dialled before an international number ("00"; "011" in the US).
    intl_prefix: Option<String>,
}

impl Region {
    /// `code`: an ISO 3166 region ("FR", case-insensitive). None for an unknown region.
    pub fn new(code: &str) -> Option<Self> {
        let id = country::Id::from_str(&code.trim().to_ascii_uppercase()).ok()?;
        let meta = phonenumber::metadata::DATABASE.by_id(id.as_ref())?;
        let digits =
            |s: &str| Some(s.chars().filter(char::is_ascii_digit).collect::<String>()).filter(|d| !d.is_empty());
        // The metadata's international prefix is a pattern ("00", "0(?:0|1[1-9])"...): its
        // preferred form when there is one, else the pattern when it is plain digits.
        let intl_prefix = meta.preferred_international_prefix().and_then(digits).or_else(|| {
            meta.international_prefix()
                .map(|r| r.as_str())
                .filter(|p| p.bytes().all(|b| b.is_ascii_digit()))
                .and_then(digits)
        });
        Some(Self {
            id,
            cc: meta.country_code().to_string(),
            national_prefix: meta.national_prefix().and_then(digits),
            intl_prefix,
        })
    }

    /// The canonical digits of a stored number (country code + national significant number,
    /// extension dropped), or None when it does not parse as a phone number of this region or
    /// an international one.
    ///
    /// The common shapes (digits and spaces, dots, dashes or slashes after a "+", the
    /// international prefix or the trunk prefix) are read directly from the region's metadata;
    /// anything else (parentheses, numbers without a trunk prefix) goes through the parser,
    /// which costs tens of microseconds per number (too much for a million-contact index build).
    pub fn canonical(&self, s: &str) -> Option<String> {
        // An extension or a label starts with a letter ("poste 12", "x89", "ext."): the parser
        // would read letters as keypad digits.
        let s = s.find(|c: char| c.is_alphabetic()).map_or(s, |i| &s[..i]).trim();
        let digits: String = s.chars().filter(char::is_ascii_digit).collect();
        if digits.len() < 3 {
            return None;
        }
        let (plus, body) = match s.strip_prefix('+') {
            Some(rest) => (true, rest),
            None => (false, s),
        };
        if body.chars().all(|c| c.is_ascii_digit() || " .-/".contains(c)) {
            if plus {
                return Some(digits);
            }
            if let Some(rest) = self.intl_prefix.as_deref().and_then(|p| digits.strip_prefix(p))
                && rest.len() >= 3
            {
                return Some(rest.to_owned());
            }
            if let Some(rest) = self.national_prefix.as_deref().and_then(|p| digits.strip_prefix(p)) {
                return Some(format!("{}{rest}", self.cc));
            }
        }
        let n = phonenumber::parse(Some(self.id), s).ok()?;
        let nat = n.national();
        let mut out = n.code().value().to_string();
        out.extend(std::iter::repeat_n('0', usize::from(nat.zeros())));
        out.push_str(&nat.value().to_string());
        Some(out)
    }

    /// The canonical prefixes that a query's digits `d` can stand for, besides `d` itself:
    /// after the international prefix ("0033 6" -> "336"), or the national form with its trunk
    /// prefix replaced by the country code ("0615" -> "33615").
    pub fn query_forms(&self, d: &str) -> Vec<String> {
        let mut out = Vec::new();
        if let Some(rest) = self.intl_prefix.as_deref().and_then(|p| d.strip_prefix(p))
            && !rest.is_empty()
        {
            out.push(rest.to_owned());
        } else if let Some(rest) = self.national_prefix.as_deref().and_then(|p| d.strip_prefix(p)) {
            out.push(format!("{}{rest}", self.cc));
        }
        out.retain(|f| f != d);
        out
    }

    /// [`Region::query_forms`] of a whole query typed as a phone number, plus its canonical form
    /// when it parses ("+33 (0)6 35" -> "33635"; the parser knows every country's trunk prefix).
    pub fn phone_query_forms(&self, raw: &str, d: &str) -> Vec<String> {
        let mut out = self.query_forms(d);
        if let Some(c) = self.canonical(raw)
            && c != d
            && !out.contains(&c)
        {
            out.push(c);
        }
        out
    }
}

/// The default region for indexes built from now on (`search.default_region`, set at startup).
static DEFAULT: RwLock<Option<Arc<Region>>> = RwLock::new(None);

/// Organizations whose phones are read with another region (`search.regions`, set at startup).
static BY_ORG: RwLock<Option<std::collections::HashMap<String, Arc<Region>>>> = RwLock::new(None);

/// Sets the region used by indexes built after this call (None: digits as typed only).
pub fn set_default_region(r: Option<Region>) {
    *DEFAULT.write() = r.map(Arc::new);
}

pub fn default_region() -> Option<Arc<Region>> {
    DEFAULT.read().clone()
}

/// Adds per-organization regions (organization id -> region), at startup. Adds rather than
/// replaces so servers started side by side in one test process keep each other's.
pub fn add_org_regions(regions: impl IntoIterator<Item = (String, Region)>) {
    let mut map = BY_ORG.write();
    let map = map.get_or_insert_with(Default::default);
    map.extend(regions.into_iter().map(|(org, r)| (org.to_ascii_lowercase(), Arc::new(r))));
}

/// The region an organization's phone numbers are read with: its own, else the default.
pub fn region_for(org: &str) -> Option<Arc<Region>> {
    if let Some(map) = BY_ORG.read().as_ref()
        && let Some(r) = map.get(&org.to_ascii_lowercase())
    {
        return Some(r.clone());
    }
    default_region()
}

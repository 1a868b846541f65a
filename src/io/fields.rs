//! Row assembly shared by the xlsx and CSV readers: a file's header row resolved against the
//! table in headers.rs, then each row turned into a `ContactInput` (names composed, typed
//! phones routed, address slots chosen, groups split).

use super::headers::{N_TARGETS, Target, Target::*, lookup, normalize_header, template_column};
use super::{GroupSet, ImportLimits, over_cap};
use crate::model::{AddressInput, ContactInput};

#[derive(Debug, Clone, Copy)]
struct Col {
    target: Target,
    rank: u16,
    n: u16,
}

/// The columns of one file, resolved against the table.
#[derive(Debug)]
pub struct Mapping {
    cols: Vec<Option<Col>>,
    headers: Vec<String>,
    /// Ignored columns that held data in at least one row (reported once, at the end).
    ignored_with_data: Vec<bool>,
    /// Some row had data right of the last header.
    data_beyond_header: bool,
    limits: ImportLimits,
}

/// One assembled row: the contact, its group names, and the cells refused while reading
/// (column label, why). A row with refused cells is a row error, not a contact.
pub struct Built {
    pub input: ContactInput,
    pub groups: Vec<String>,
    pub errors: Vec<(String, String)>,
}

impl Mapping {
    pub fn new(headers: &[String], limits: &ImportLimits) -> Self {
        let mut cols: Vec<Option<Col>> = headers
            .iter()
            .map(|h| lookup(&normalize_header(h)).map(|(target, rank, n)| Col { target, rank, n }))
            .collect();
        // "Title" is the honorific next to a job-title column (Outlook), else the job title.
        let has_job_title = cols.iter().flatten().any(|c| c.target == JobTitle);
        for c in cols.iter_mut().flatten() {
            if c.target == Title {
                c.target = if has_job_title { NamePrefix } else { JobTitle };
                c.rank = 9;
            }
        }
        // "Nom" is the family name next to "Prénom", the whole name without it.
        let has_first = cols.iter().flatten().any(|c| c.target == FirstName);
        for c in cols.iter_mut().flatten() {
            if c.target == LastName && c.rank == super::headers::NOM_RANK && !has_first {
                c.target = FullName;
                c.rank = 6;
            }
        }
        let n = headers.len();
        Self {
            cols,
            headers: headers.to_vec(),
            ignored_with_data: vec![false; n],
            data_beyond_header: false,
            limits: limits.clone(),
        }
    }

    fn target(&self, i: usize) -> Option<Target> {
        self.cols.get(i).copied().flatten().map(|c| c.target).filter(|t| *t != Ignore)
    }

    /// Most characters kept from column `i` (ignored columns: the short-field limit, their text
    /// only matters for the "ignored columns" warning).
    pub fn cap(&self, i: usize) -> usize {
        self.limits.cap(self.target(i))
    }

    /// The row error of a cell of column `i` over [`Self::cap`].
    pub fn too_long(&self, i: usize) -> String {
        self.limits.too_long(self.target(i))
    }

    /// How many columns we understood: zero means this row is not a header.
    pub fn recognised(&self) -> usize {
        self.cols.iter().flatten().filter(|c| c.target != Ignore).count()
    }

    /// The template column (as in `COLUMNS`) that column `i` feeds, for a RowError; the file's
    /// own header for a column we do not import.
    pub fn column_label(&self, i: usize) -> String {
        match self.cols.get(i).copied().flatten().and_then(|c| template_column(c.target)) {
            Some(name) => name.to_owned(),
            None => self.headers.get(i).cloned().unwrap_or_else(|| format!("column {}", i + 1)),
        }
    }

    /// Whether column `i` feeds a contact field (errors in other columns are irrelevant).
    pub fn is_mapped(&self, i: usize) -> bool {
        matches!(self.cols.get(i), Some(Some(c)) if c.target != Ignore)
    }

    fn has(&self, ts: &[Target]) -> bool {
        self.cols.iter().flatten().any(|c| ts.contains(&c.target))
    }

    /// "Ignored columns: ..." naming the unmapped columns that held data, if any.
    pub fn warning(&self) -> Option<String> {
        let mut names: Vec<&str> = (0..self.cols.len())
            .filter(|&i| self.ignored_with_data[i])
            .map(|i| self.headers[i].trim())
            .map(|h| if h.is_empty() { "(no header)" } else { h })
            .collect();
        if self.data_beyond_header {
            names.push("(cells right of the last header)");
        }
        (!names.is_empty()).then(|| format!("Ignored columns (not contact fields): {}", names.join(", ")))
    }

    /// Assemble one row. `cell(i)` is column i's text ("" when absent). `None` for an empty row.
    pub fn build<'a>(&mut self, ncells: usize, cell: impl Fn(usize) -> &'a str) -> Option<Built> {
        let mut any = false;
        // Best (rank, value) per target; street parts of the same slot are concatenated.
        let mut best: [Option<(u16, String)>; N_TARGETS] = Default::default();
        let mut phones: Vec<(u16, &str, &str)> = Vec::new(); // (n, label, value)
        let mut webs: Vec<&str> = Vec::new();
        let mut groups = GroupSet::new(self.limits.fields.max_groups_per_contact);
        let mut errors = Vec::new();
        let mut addr: Vec<(u16, Target, &str)> = Vec::new();
        if !self.data_beyond_header && (self.cols.len()..ncells).any(|i| !cell(i).trim().is_empty()) {
            self.data_beyond_header = true;
        }
        for i in 0..ncells.min(self.cols.len()) {
            let v = cell(i).trim();
            if v.is_empty() {
                continue;
            }
            any = true;
            let Some(c) = self.cols[i] else {
                self.ignored_with_data[i] = true;
                continue;
            };
            if c.target != Ignore && over_cap(v, self.limits.cap(Some(c.target))) {
                errors.push((self.column_label(i), self.limits.too_long(Some(c.target))));
                continue;
            }
            let groups_ok = groups.error.is_none();
            match c.target {
                PhoneValue | PhoneLabel => {
                    let pos = phones.iter().position(|p| p.0 == c.n).unwrap_or_else(|| {
                        phones.push((c.n, "", ""));
                        phones.len() - 1
                    });
                    if c.target == PhoneValue { phones[pos].2 = v } else { phones[pos].1 = v }
                }
                WebValue => webs.extend(split_multi(v)),
                Ignore => {}
                Groups => split_groups(v, &[super::GROUP_SEPARATOR], false, &mut groups),
                Categories => split_groups(v, &[';', ','], false, &mut groups),
                Labels => split_groups(v, &[], true, &mut groups),
                Street | City | PostalCode | State | Country | AddressFormatted => addr.push((c.rank, c.target, v)),
                t => {
                    let slot = &mut best[t as usize];
                    if slot.as_ref().is_none_or(|(r, _)| c.rank < *r) {
                        *slot = Some((c.rank, first_of_multi(t, v).to_owned()));
                    }
                }
            }
            if groups_ok && let Some(e) = &groups.error {
                errors.push((self.column_label(i), e.clone()));
            }
        }
        if !any {
            return None;
        }
        let mut take = |t: Target| best[t as usize].take().map(|(_, v)| v).unwrap_or_default();
        let present = |ts: &[Target]| self.has(ts);
        let opt = |present: bool, v: String| present.then_some(v);

        let mut full = take(FullName);
        let (prefix, first, middle, last, suffix) =
            (take(NamePrefix), take(FirstName), take(MiddleName), take(LastName), take(NameSuffix));
        let nickname = take(Nickname);
        if full.is_empty() {
            full = join_words(&[&prefix, &first, &middle, &last, &suffix]);
        }
        // First / Last columns are kept as the given and family names (Outlook, Google, ours).
        if full.is_empty() {
            full = nickname;
        }
        let mut mobile = take(Mobile);
        let mut phone = take(Phone);
        route_phones(&mut phones, &mut mobile, &mut phone);
        let (mut website, mut linkedin, mut facebook, mut x) = (take(Website), take(LinkedIn), take(Facebook), take(X));
        for w in webs {
            let slot = match social_kind(w) {
                Some(Social::LinkedIn) => &mut linkedin,
                Some(Social::Facebook) => &mut facebook,
                Some(Social::X) => &mut x,
                None => &mut website,
            };
            if slot.is_empty() {
                *slot = w.to_owned();
            }
        }
        let names_present = present(&[FullName, FirstName, MiddleName, LastName, NamePrefix, NameSuffix, Nickname]);
        let input = ContactInput {
            given_name: opt(present(&[FirstName]), first),
            family_name: opt(present(&[LastName]), last),
            full_name: opt(names_present, full),
            job_title: opt(present(&[JobTitle]), take(JobTitle)),
            email: opt(present(&[Email]), take(Email)),
            mobile: opt(present(&[Mobile, PhoneValue]), mobile),
            phone: opt(present(&[Phone, PhoneValue]), phone),
            website: opt(present(&[Website, WebValue]), website),
            linkedin: opt(present(&[LinkedIn, WebValue]), linkedin),
            facebook: opt(present(&[Facebook, WebValue]), facebook),
            x: opt(present(&[X, WebValue]), x),
            company: opt(present(&[Company]), take(Company)),
            department: opt(present(&[Department]), take(Department)),
            address: present(&[Street, City, PostalCode, State, Country, AddressFormatted])
                .then(|| pick_address(&addr)),
            notes: opt(present(&[Notes]), take(Notes)),
            groups: None,
        };
        Some(Built { input, groups: groups.names, errors })
    }
}

/// Google puts several values in one cell separated by " ::: ".
fn split_multi(v: &str) -> impl Iterator<Item = &str> {
    v.split(" ::: ").map(str::trim).filter(|s| !s.is_empty())
}

fn first_of_multi(t: Target, v: &str) -> &str {
    match t {
        Email | Phone | Mobile | Website | LinkedIn | Facebook | X => split_multi(v).next().unwrap_or(v),
        _ => v,
    }
}

/// Split lazily: [`GroupSet::push`] says when to stop.
fn split_groups(v: &str, seps: &[char], google: bool, out: &mut GroupSet) {
    let parts: Box<dyn Iterator<Item = &str>> =
        if v.contains(" ::: ") || seps.is_empty() { Box::new(v.split(" ::: ")) } else { Box::new(v.split(seps)) };
    for p in parts {
        // Google's system groups ("* myContacts", "* starred") are not the user's groups.
        if google && p.trim_start().starts_with('*') {
            continue;
        }
        if !out.push(p) {
            return;
        }
    }
}

fn join_words(parts: &[&str]) -> String {
    parts.iter().map(|s| s.trim()).filter(|s| !s.is_empty()).collect::<Vec<_>>().join(" ")
}

/// Typed phones (Google "Phone N", vCard TEL): a cell/mobile label goes to Mobile, a work/voice
/// one to Phone, then the first remaining number fills Phone (then Mobile). Fax numbers only
/// fill what is still empty at the very end, so a fax never hides a voice number.
pub(crate) fn route_phones(phones: &mut [(u16, &str, &str)], mobile: &mut String, phone: &mut String) {
    phones.sort_by_key(|p| p.0);
    let mut used = vec![false; phones.len()];
    let has = |label: &str, words: &[&str]| {
        let l = label.to_lowercase();
        words.iter().any(|w| l.contains(w))
    };
    let fill = |slot: &mut String, pred: &dyn Fn(&str) -> bool, used: &mut Vec<bool>| {
        if !slot.is_empty() {
            return;
        }
        for (i, p) in phones.iter().enumerate() {
            if !used[i] && !p.2.is_empty() && pred(p.1) {
                let first = split_multi(p.2).next().unwrap_or(p.2);
                *slot = first.to_owned();
                used[i] = true;
                return;
            }
        }
    };
    let is_fax = |l: &str| has(l, &["fax"]);
    fill(mobile, &|l| has(l, &["cell", "mobile", "iphone", "portable"]) && !is_fax(l), &mut used);
    fill(phone, &|l| has(l, &["work", "voice", "main", "business"]) && !is_fax(l), &mut used);
    fill(phone, &|l| !is_fax(l), &mut used);
    fill(mobile, &|l| !is_fax(l), &mut used);
    fill(phone, &|_| true, &mut used);
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Social {
    LinkedIn,
    Facebook,
    X,
}

/// Classify a profile URL by its host (www.linkedin.com/in/x -> LinkedIn...).
pub(crate) fn social_kind(url: &str) -> Option<Social> {
    let lower = url.trim().to_ascii_lowercase();
    let rest = lower.strip_prefix("https://").or_else(|| lower.strip_prefix("http://")).unwrap_or(&lower);
    let host = rest.split(['/', '?', '#', ':']).next().unwrap_or("");
    let is = |d: &str| host == d || host.ends_with(&format!(".{d}"));
    if is("linkedin.com") {
        Some(Social::LinkedIn)
    } else if is("facebook.com") || is("fb.com") {
        Some(Social::Facebook)
    } else if is("x.com") || is("twitter.com") {
        Some(Social::X)
    } else {
        None
    }
}

/// The first address slot with anything in it; several street cells of a slot are joined.
fn pick_address(parts: &[(u16, Target, &str)]) -> AddressInput {
    let Some(slot) = parts.iter().map(|p| p.0).min() else { return AddressInput::default() };
    let (mut street, mut city, mut postal, mut state, mut country, mut formatted) =
        (Vec::new(), None, None, None, None, None);
    for &(_, t, v) in parts.iter().filter(|p| p.0 == slot) {
        match t {
            Street => street.push(v),
            City => city = city.or(Some(v)),
            PostalCode => postal = postal.or(Some(v)),
            State => state = state.or(Some(v)),
            Country => country = country.or(Some(v)),
            _ => formatted = formatted.or(Some(v)),
        }
    }
    let mut street = street.join(", ");
    if street.is_empty() && city.is_none() && postal.is_none() && state.is_none() && country.is_none() {
        // Only a one-cell address: keep it whole in Street rather than lose it.
        street = formatted.map(one_line).unwrap_or_default();
    }
    AddressInput {
        street: Some(one_line(&street)),
        city: Some(city.unwrap_or_default().to_owned()),
        postal_code: Some(postal.unwrap_or_default().to_owned()),
        state: Some(state.unwrap_or_default().to_owned()),
        country: Some(country.unwrap_or_default().to_owned()),
    }
}

/// Address lines go in one-line fields (control characters are refused there): "a\nb" -> "a, b".
pub(crate) fn one_line(s: &str) -> String {
    s.lines().map(str::trim).filter(|l| !l.is_empty()).collect::<Vec<_>>().join(", ")
}

//! Given and family names: kept when a source gives them (vCard `N`, Outlook's "First Name" /
//! "Last Name", the contact dialog), derived from the full name otherwise. The one place that
//! knows how a full name splits; the search index (sort by last name, the A-Z rail) and the
//! vCard writer (`N` is required in vCard 3.0) call it, nothing re-implements it.
//!
//! The rule, for a full name without stored parts:
//! 1. `Family, Given` (a comma): the part before the first comma is the family name, the part
//!    after it the given name ("Costa, Chloé"). When what follows the comma is only suffixes
//!    ("Martin Luther King, Jr."), the comma is not a family/given separator and the suffix is
//!    dropped.
//! 2. Otherwise the words (split on whitespace), without leading honorifics ("Dr", "Mme",
//!    "M." ...) and trailing suffixes ("Jr", "III", "PhD" ...): the last word is the family name,
//!    together with the particles right before it ("van der Berg", "de la Fontaine", matched
//!    case-insensitively), but the first word always stays the given name ("Van Morrison" is
//!    given "Van", family "Morrison"). The words before the family name are the given name.
//! 3. A single word is a given name with no family name ("Madonna"); sorting by family name
//!    then uses the full name.
//!
//! Sorting by family name skips the particles written in lowercase at its start, as Dutch,
//! German and French directories do ("van der Berg" sorts under B, "de la Fontaine" under F);
//! a capitalised particle is part of the name ("Van Dyke" sorts under V).
//!
//! Limits: a Spanish double surname ("Gabriel García Márquez") derives "Márquez", and names
//! written family-first without a comma ("Nguyen Van An") derive the wrong way round; sources
//! that know better (vCard `N`, CSV "Last Name", the dialog) store the parts and win.

use super::ContactFields;
use std::borrow::Cow;

/// Words that join a family name when they come right before its last word.
const PARTICLES: &[&str] = &[
    "van", "von", "der", "den", "de", "del", "della", "delle", "dei", "degli", "di", "da", "das", "dos", "do", "du",
    "des", "la", "le", "lo", "ten", "ter", "te", "zu", "zum", "zur", "af", "av", "bin", "ibn", "al", "el", "st", "st.",
    "y",
];

/// Honorifics dropped from the start of a full name before it is split.
const HONORIFICS: &[&str] = &[
    "mr", "mrs", "ms", "miss", "mx", "dr", "prof", "sir", "dame", "mme", "mlle", "me", "pr", "herr", "frau", "sr",
    "sra", "srta", "dott", "ing",
];

/// Suffixes dropped from the end of a full name before it is split.
const SUFFIXES: &[&str] = &["jr", "sr", "ii", "iii", "iv", "phd", "md", "esq", "fils", "pere", "père"];

fn bare(w: &str) -> String {
    w.trim_end_matches('.').to_lowercase()
}

fn is_particle(w: &str) -> bool {
    PARTICLES.contains(&w.to_lowercase().as_str())
}

/// "M." (Monsieur) only with its dot: a bare "M" may be an initial.
fn is_honorific(w: &str) -> bool {
    w == "M." || HONORIFICS.contains(&bare(w).as_str())
}

fn is_suffix(w: &str) -> bool {
    SUFFIXES.contains(&bare(w).trim_end_matches(','))
}

/// (given, family) derived from a full name by the rule in the module documentation.
pub fn derive(full_name: &str) -> (String, String) {
    let full = full_name.trim();
    if let Some((left, right)) = full.split_once(',') {
        let (left, right) = (left.trim(), right.trim());
        let only_suffixes = right.split_whitespace().all(is_suffix);
        if only_suffixes {
            return derive_words(left);
        }
        if !left.is_empty() {
            let given: Vec<&str> = right.split_whitespace().skip_while(|w| is_honorific(w)).collect();
            let given = if given.is_empty() { right.to_owned() } else { given.join(" ") };
            return (given, left.split_whitespace().collect::<Vec<_>>().join(" "));
        }
        return derive_words(right);
    }
    derive_words(full)
}

fn derive_words(s: &str) -> (String, String) {
    let all: Vec<&str> = s.split_whitespace().collect();
    let mut words: &[&str] = &all;
    while words.len() > 1 && is_honorific(words[0]) {
        words = &words[1..];
    }
    while words.len() > 1 && is_suffix(words[words.len() - 1]) {
        words = &words[..words.len() - 1];
    }
    match words {
        [] => (String::new(), String::new()),
        [one] => ((*one).to_owned(), String::new()),
        _ => {
            let mut start = words.len() - 1;
            while start > 1 && is_particle(words[start - 1]) {
                start -= 1;
            }
            (words[..start].join(" "), words[start..].join(" "))
        }
    }
}

/// The parts a vCard's `N` gives, as they are kept: not a part that says no more than the
/// full name does (equal to its derivation), nor when `N` has no family name (clients that do
/// not split put the whole name in the given-name slot). Every card has an `N` (vCard 3.0 requires
/// it, and contactpro writes the derived one), so keeping it would freeze a copy of the full
/// name's split that no longer follows later edits of the full name; a card whose `N` differs (a
/// phone that knows "Nguyen" is the family name of "Nguyen Van An") keeps it.
/// Each part is compared on its own (an empty part is derived, see `name_parts`), so a card
/// written from one stored part reads back as that one part.
pub fn kept_parts(full_name: &str, (given, family): (String, String)) -> (String, String) {
    if family.is_empty() {
        return (String::new(), String::new());
    }
    let (g, f) = derive(full_name);
    (if given == g { String::new() } else { given }, if family == f { String::new() } else { family })
}

fn pick(stored: &str, derived: String) -> Cow<'_, str> {
    if stored.is_empty() { Cow::Owned(derived) } else { Cow::Borrowed(stored) }
}

/// The family name as it is sorted: without the particles written in lowercase at its start
/// ("van der Berg" -> "Berg", "Van Dyke" stays), unless nothing would be left.
pub fn family_sort_part(family: &str) -> &str {
    let mut rest = family.trim();
    loop {
        let Some((w, tail)) = rest.split_once(char::is_whitespace) else { return rest };
        let lowercase = w.chars().next().is_some_and(char::is_lowercase);
        if !(lowercase && is_particle(w)) || tail.trim().is_empty() {
            return rest;
        }
        rest = tail.trim_start();
    }
}

impl ContactFields {
    /// The given and family names: each the stored one, or derived from the full name when it
    /// is empty.
    pub fn name_parts(&self) -> (Cow<'_, str>, Cow<'_, str>) {
        if !self.given_name.is_empty() && !self.family_name.is_empty() {
            return (Cow::Borrowed(&self.given_name), Cow::Borrowed(&self.family_name));
        }
        let (g, f) = derive(&self.full_name);
        (pick(&self.given_name, g), pick(&self.family_name, f))
    }

    /// What "sort by last name" compares first: the family name's sort part, or the full name
    /// when there is no family name (a single name, an organisation).
    pub fn family_sort_key(&self) -> Cow<'_, str> {
        match self.name_parts().1 {
            Cow::Borrowed(f) if !f.trim().is_empty() => Cow::Borrowed(family_sort_part(f)),
            Cow::Owned(f) if !f.is_empty() => Cow::Owned(family_sort_part(&f).to_owned()),
            _ => Cow::Borrowed(&self.full_name),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn derivation_table() {
        let table: &[(&str, &str, &str)] = &[
            ("Chloé Costa", "Chloé", "Costa"),
            ("  Chloé   Costa ", "Chloé", "Costa"),
            ("Costa, Chloé", "Chloé", "Costa"),
            ("Costa,Chloé", "Chloé", "Costa"),
            ("Costa, Dr. Chloé", "Chloé", "Costa"),
            ("Jan van der Berg", "Jan", "van der Berg"),
            ("Jean de la Fontaine", "Jean", "de la Fontaine"),
            ("Jean de La Fontaine", "Jean", "de La Fontaine"),
            ("Ludwig van Beethoven", "Ludwig", "van Beethoven"),
            ("Van Morrison", "Van", "Morrison"),
            ("De Gaulle", "De", "Gaulle"),
            ("Chloé Marie Costa", "Chloé Marie", "Costa"),
            ("Madonna", "Madonna", ""),
            ("Dr. Chloé Costa", "Chloé", "Costa"),
            ("Mme Chloé Costa", "Chloé", "Costa"),
            ("M. Jean Dupont", "Jean", "Dupont"),
            ("M Costa", "M", "Costa"),
            ("Chloé V", "Chloé", "V"),
            ("Dr. Costa", "Costa", ""),
            ("Martin Luther King Jr.", "Martin Luther", "King"),
            ("Martin Luther King, Jr.", "Martin Luther", "King"),
            ("John Smith III", "John", "Smith"),
            ("Zoë d'Arc", "Zoë", "d'Arc"),
            ("Łukasz Wiśniewski", "Łukasz", "Wiśniewski"),
            ("", "", ""),
            ("   ", "", ""),
            (",", "", ""),
            ("Costa,", "Costa", ""),
            (", Chloé", "Chloé", ""),
            ("Jr.", "Jr.", ""),
            ("de", "de", ""),
            ("Anne de", "Anne", "de"),
            ("東京 太郎", "東京", "太郎"),
        ];
        for (full, given, family) in table {
            assert_eq!(derive(full), ((*given).to_owned(), (*family).to_owned()), "{full:?}");
        }
    }

    #[test]
    fn vcard_n_is_kept_only_when_it_says_more_than_the_full_name() {
        let kept = |full: &str, g: &str, f: &str| kept_parts(full, (g.into(), f.into()));
        let none = (String::new(), String::new());
        assert_eq!(kept("Chloé Costa", "Chloé", "Costa"), none);
        assert_eq!(kept("Zoé Martin", "Zoé Martin", ""), none);
        assert_eq!(kept("Madonna", "Madonna", ""), none);
        assert_eq!(kept("Nguyen Van An", "An", "Nguyen"), ("An".to_owned(), "Nguyen".to_owned()));
        assert_eq!(kept("Bob", "", "Stone"), (String::new(), "Stone".to_owned()));
        assert_eq!(kept("Bob Stone", "Bob", "Stone-Smith"), (String::new(), "Stone-Smith".to_owned()));
    }

    #[test]
    fn sort_part_skips_lowercase_particles() {
        for (family, sort) in [
            ("van der Berg", "Berg"),
            ("de la Fontaine", "Fontaine"),
            ("de La Fontaine", "La Fontaine"),
            ("Van Dyke", "Van Dyke"),
            ("von", "von"),
            ("de la", "la"),
            ("Costa", "Costa"),
            (" Costa ", "Costa"),
            ("", ""),
        ] {
            assert_eq!(family_sort_part(family), sort, "{family:?}");
        }
    }

    #[test]
    fn stored_parts_win_and_keys_fall_back_to_the_full_name() {
        let f = |full: &str, given: &str, family: &str| ContactFields {
            full_name: full.into(),
            given_name: given.into(),
            family_name: family.into(),
            ..Default::default()
        };
        assert_eq!(f("Chloé Costa", "", "").family_sort_key(), "Costa");
        assert_eq!(f("Nguyen Van An", "An", "Nguyen").family_sort_key(), "Nguyen");
        assert_eq!(f("Prince", "", "").family_sort_key(), "Prince");
        assert_eq!(f("Acme", "Acme", "").family_sort_key(), "Acme");
        // Only a given name stored: the family name is still derived.
        assert_eq!(f("Chloé Costa", "Chloé", "").family_sort_key(), "Costa");
        let bob = f("Bob Stone", "", "Stone-Smith");
        let (g, fam) = bob.name_parts();
        assert_eq!((g.as_ref(), fam.as_ref()), ("Bob", "Stone-Smith"));
        assert_eq!(f("Jan van der Berg", "", "").family_sort_key(), "Berg");
        let parts = f("Chloé Costa", "", "");
        let (g, fam) = parts.name_parts();
        assert_eq!((g.as_ref(), fam.as_ref()), ("Chloé", "Costa"));
    }
}

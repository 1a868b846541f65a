//! The one rule for names people see and pick between: list, group, channel and team names and a
//! contact's full name. A name is trimmed and may not hold control characters, nor characters that
//! reorder or hide text (bidi overrides and isolates, zero-width characters): they make two different
//! names look identical, or make a name display as something else ("Finance" + U+202E + "nimdA" shows as "FinanceAdmin").
//! The API and the importers call these functions, never a copy of them.

use super::validate::FieldErrors;

/// Longest list or group name, in characters.
pub const MAX_NAME_LEN: usize = 120;
/// Longest Teams channel or team id and name: Teams ids are about 60-90 characters, and a team's
/// name may be up to 256 characters in Teams itself, so a real team always fits.
pub const MAX_TEAMS_ID_LEN: usize = 256;

/// Bidi embeddings and overrides (U+202A-U+202E), bidi isolates (U+2066-U+2069), zero-width space,
/// non-joiner and joiner (U+200B-U+200D), word joiner (U+2060) and the zero-width no-break space /
/// byte-order mark (U+FEFF).
pub fn is_hidden_or_bidi(c: char) -> bool {
    matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}' | '\u{200B}'..='\u{200D}' | '\u{2060}' | '\u{FEFF}')
}

pub const HIDDEN_CHARS_MESSAGE: &str = "contains invisible or text-direction characters (zero-width or bidi override)";

/// Why `value` is not an acceptable name, if it is not. Length first, so a huge value is not scanned.
pub fn name_problem(value: &str, max: usize, required: bool) -> Option<String> {
    if value.is_empty() {
        return required.then(|| "is required".to_owned());
    }
    if value.chars().count() > max {
        return Some(format!("is longer than {max} characters"));
    }
    if value.chars().any(char::is_control) {
        return Some("contains control characters".to_owned());
    }
    if value.chars().any(is_hidden_or_bidi) {
        return Some(HIDDEN_CHARS_MESSAGE.to_owned());
    }
    None
}

/// Check a name under `field`, recording the problem in `errs`; returns the trimmed name.
pub fn check_name(field: &str, value: &str, max: usize, required: bool, errs: &mut FieldErrors) -> String {
    let n = value.trim();
    if let Some(why) = name_problem(n, max, required) {
        errs.insert(field.to_owned(), why);
    }
    n.to_owned()
}

/// A list's name (`POST /lists`, `PATCH /lists/{id}`).
pub fn validate_list_name(name: &str, errs: &mut FieldErrors) -> String {
    check_name("name", name, MAX_NAME_LEN, true, errs)
}

/// A group's name: `POST /groups`, `PATCH /groups/{id}` and every group named by an import.
pub fn validate_group_name(name: &str) -> Result<String, FieldErrors> {
    let mut errs = FieldErrors::new();
    let n = check_name("name", name, MAX_NAME_LEN, true, &mut errs);
    if errs.is_empty() { Ok(n) } else { Err(errs) }
}

/// A Teams channel or team a list is pinned in (`channel` or `team` of a list).
pub fn validate_channel(field: &str, c: &mut super::Channel, errs: &mut FieldErrors) {
    c.name = check_name(&format!("{field}.name"), &c.name, MAX_TEAMS_ID_LEN, false, errs);
    let id_field = format!("{field}.id");
    c.id = check_name(&id_field, &c.id, MAX_TEAMS_ID_LEN, false, errs);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names() {
        assert_eq!(validate_group_name("  Suppliers ").unwrap(), "Suppliers");
        assert_eq!(validate_group_name("Équipe 東京").unwrap(), "Équipe 東京");
        for bad in
            ["", "   ", "a\u{0}b", "Finance\u{202E}nimdA", "Ad\u{200B}min", "x\u{2066}y", "\u{FEFF}bom", "a\u{2060}b"]
        {
            assert!(validate_group_name(bad).is_err(), "{bad:?}");
        }
        assert!(validate_group_name(&"x".repeat(MAX_NAME_LEN)).is_ok());
        let e = validate_group_name(&"x".repeat(MAX_NAME_LEN + 1)).unwrap_err();
        assert_eq!(e["name"], "is longer than 120 characters");
    }

    #[test]
    fn channel_fields_are_named() {
        let mut errs = FieldErrors::new();
        let mut c = super::super::Channel { id: "i".repeat(300), name: "General\u{202E}".into() };
        validate_channel("team", &mut c, &mut errs);
        assert_eq!(errs.keys().cloned().collect::<Vec<_>>(), ["team.id", "team.name"]);
    }
}

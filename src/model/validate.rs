//! Field validation shared by the API and the importers. Every error names the field and says why.

use super::ContactFields;
use std::collections::BTreeMap;

/// Field name (dotted for nested fields, e.g. `address.city`) -> reason.
pub type FieldErrors = BTreeMap<String, String>;

/// Bounds on what one contact may hold.
#[derive(Clone, Debug)]
pub struct Limits {
    pub max_field_len: usize,
    pub max_notes_len: usize,
    pub max_groups_per_contact: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Self { max_field_len: 256, max_notes_len: 10_000, max_groups_per_contact: 100 }
    }
}

/// Longest group name, in characters.
pub const MAX_GROUP_NAME_CHARS: usize = 120;

/// A group name as `POST /groups` and the importers accept it: trimmed, 1 to
/// [`MAX_GROUP_NAME_CHARS`] characters, no control characters. Returns the trimmed name or why not.
/// The length is checked on bytes first, so a 9 MB name costs nothing to refuse.
pub fn group_name(name: &str) -> Result<&str, String> {
    let n = name.trim();
    // A cheap bound first, so a 9 MB cell is not scanned; then the one rule of `model::names`.
    if n.len() > MAX_GROUP_NAME_CHARS * 4 {
        return Err(format!("is longer than {MAX_GROUP_NAME_CHARS} characters"));
    }
    super::names::name_problem(n, MAX_GROUP_NAME_CHARS, true).map_or(Ok(n), Err)
}

const PHONE_CHARS: &str = "0123456789+-(). /#*,;xXpPwWextEXT";

pub(super) fn validate_fields(f: ContactFields, limits: &Limits) -> Result<ContactFields, FieldErrors> {
    let mut errs = FieldErrors::new();
    if f.full_name.is_empty() {
        errs.insert("full_name".into(), "is required".into());
    }
    let a = &f.address;
    let short = [
        ("full_name", &f.full_name),
        ("given_name", &f.given_name),
        ("family_name", &f.family_name),
        ("job_title", &f.job_title),
        ("email", &f.email),
        ("mobile", &f.mobile),
        ("phone", &f.phone),
        ("website", &f.website),
        ("linkedin", &f.linkedin),
        ("facebook", &f.facebook),
        ("x", &f.x),
        ("company", &f.company),
        ("department", &f.department),
        ("address.street", &a.street),
        ("address.city", &a.city),
        ("address.postal_code", &a.postal_code),
        ("address.state", &a.state),
        ("address.country", &a.country),
    ];
    for (name, v) in short {
        if v.chars().count() > limits.max_field_len {
            errs.insert(name.into(), format!("is longer than {} characters", limits.max_field_len));
        } else if v.chars().any(|c| c.is_control()) {
            errs.insert(name.into(), "contains control characters".into());
        }
    }
    // Names people see and sort by: no text that hides or reorders itself (the rule of `names`).
    for (name, v) in [("full_name", &f.full_name), ("given_name", &f.given_name), ("family_name", &f.family_name)] {
        if !errs.contains_key(name) && v.chars().any(super::is_hidden_or_bidi) {
            errs.insert(name.into(), super::HIDDEN_CHARS_MESSAGE.into());
        }
    }
    if f.notes.chars().count() > limits.max_notes_len {
        errs.insert("notes".into(), format!("is longer than {} characters", limits.max_notes_len));
    } else if f.notes.chars().any(|c| c.is_control() && c != '\n' && c != '\r' && c != '\t') {
        errs.insert("notes".into(), "contains control characters".into());
    }
    if !f.email.is_empty() && !errs.contains_key("email") {
        if f.email.contains(MAILTO_UNSAFE) {
            errs.insert("email".into(), "may not contain spaces, quotes, angle brackets or ? & % # , ;".into());
        } else if !is_email(&f.email) {
            errs.insert("email".into(), "is not a valid e-mail address".into());
        }
    }
    for (name, v) in [("mobile", &f.mobile), ("phone", &f.phone)] {
        if !v.is_empty() && !errs.contains_key(name) {
            if !v.chars().all(|c| PHONE_CHARS.contains(c)) {
                errs.insert(name.into(), "may contain only digits, spaces and + - ( ) . / # * , ;".into());
            } else if !v.chars().any(|c| c.is_ascii_digit()) {
                errs.insert(name.into(), "has no digits".into());
            }
        }
    }
    for (name, v) in [("website", &f.website), ("linkedin", &f.linkedin), ("facebook", &f.facebook), ("x", &f.x)] {
        if !v.is_empty() && !errs.contains_key(name) && !is_http_url(v) {
            errs.insert(name.into(), "must be an http:// or https:// address".into());
        }
    }
    if f.groups.len() > limits.max_groups_per_contact {
        errs.insert("groups".into(), format!("has more than {} groups", limits.max_groups_per_contact));
    }
    let mut f = f;
    f.groups.sort();
    f.groups.dedup();
    if errs.is_empty() { Ok(f) } else { Err(errs) }
}

/// Characters that would change a `mailto:` link built from the address (`?cc=`, `&bcc=`, `%0A`
/// headers, `#` cutting it short, `,`/`;` adding recipients) or break out of quoting. An apostrophe is
/// not among them: it is harmless in a URI and common in real addresses (o'neil@...).
const MAILTO_UNSAFE: &[char] = &['?', '&', '%', '#', ',', ';', ' ', '"', '`', '<', '>'];

/// A pragmatic address check: one `@`, a non-empty local part without spaces or characters that
/// would inject into a `mailto:` link, a domain of dot-separated labels of letters, digits and hyphens.
pub fn is_email(s: &str) -> bool {
    if s.contains(MAILTO_UNSAFE) || s.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return false;
    }
    let Some((local, domain)) = s.rsplit_once('@') else { return false };
    if local.is_empty() || local.len() > 64 || domain.len() > 253 {
        return false;
    }
    if local.contains(['@', ' ', '<', '>', '(', ')', ',', ';', ':', '"', '\\', '[', ']']) {
        return false;
    }
    if local.starts_with('.') || local.ends_with('.') || local.contains("..") {
        return false;
    }
    let labels: Vec<&str> = domain.split('.').collect();
    labels.len() >= 2
        && labels.iter().all(|l| {
            !l.is_empty()
                && l.len() <= 63
                && !l.starts_with('-')
                && !l.ends_with('-')
                && l.chars().all(|c| c.is_alphanumeric() || c == '-')
        })
}

/// Only absolute http(s) URLs with a host; never `javascript:`, `data:` or relative paths.
pub fn is_http_url(s: &str) -> bool {
    let lower = s.to_ascii_lowercase();
    let rest = if let Some(r) = lower.strip_prefix("https://") {
        r
    } else if let Some(r) = lower.strip_prefix("http://") {
        r
    } else {
        return false;
    };
    let host = rest.split(['/', '?', '#']).next().unwrap_or("");
    !host.is_empty() && !s.chars().any(|c| c.is_whitespace() || c.is_control()) && !host.contains('@')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn group_names() {
        assert_eq!(group_name("  Paris "), Ok("Paris"));
        assert_eq!(group_name(&"é".repeat(120)).map(str::len), Ok(240));
        assert!(group_name(&"é".repeat(121)).unwrap_err().contains("longer than 120"));
        assert!(group_name(&"x".repeat(9 << 20)).unwrap_err().contains("longer than 120"));
        assert_eq!(group_name(" \t "), Err("is required".into()));
        assert_eq!(group_name("a\u{7}b"), Err("contains control characters".into()));
    }

    #[test]
    fn emails() {
        assert!(is_email("anne.dupont@example.fr"));
        assert!(is_email("o'neil+tag@sub.example.co.uk"));
        for bad in [
            "",
            "a@",
            "@b.c",
            "a@b",
            "a b@c.d",
            "a@b..c",
            "a@-b.c",
            ".a@b.c",
            "a?cc=x@b.c",
            "a&bcc=x@b.c",
            "a%0A@b.c",
            "a#x@b.c",
            "a\u{a0}b@c.d",
            "\"a\"@b.c",
        ] {
            assert!(!is_email(bad), "{bad}");
        }
    }

    #[test]
    fn urls() {
        assert!(is_http_url("https://example.com"));
        assert!(is_http_url("http://example.com/a?b#c"));
        for bad in [
            "javascript:alert(1)",
            "JAVASCRIPT:alert(1)",
            "data:text/html,x",
            "//x.y",
            "https://",
            "ftp://x",
            "https://a b",
        ] {
            assert!(!is_http_url(bad), "{bad}");
        }
    }

    #[test]
    fn full_name_required_and_fields_named() {
        let f = ContactFields { email: "nope".into(), website: "javascript:alert(1)".into(), ..Default::default() };
        let e = validate_fields(f, &Limits::default()).unwrap_err();
        assert_eq!(e.get("full_name").map(String::as_str), Some("is required"));
        assert!(e.contains_key("email"));
        assert!(e.contains_key("website"));
    }
}

//! A card from a client, split in two: the fields contactpro models (read by the importer's own
//! vCard reader, `io::vcard`, so import and CardDAV read cards the same way) and the content lines
//! it does not model (BDAY, extra numbers and addresses, PHOTO, X-...), kept as they came and
//! written back after the fields (`io::write_card`).

use crate::io::{self, Format};
use crate::model::{ContactFields, Limits};

/// Most unmodelled lines kept per card.
const MAX_EXTRA: usize = 500;

/// Properties that the fields are written from: never kept as extra lines.
const REGENERATED: &[&str] =
    &["BEGIN", "END", "VERSION", "PRODID", "UID", "REV", "FN", "N", "ORG", "TITLE", "NOTE", "CATEGORIES"];

#[derive(Debug)]
pub struct Incoming {
    pub fields: ContactFields,
    /// CATEGORIES names, trimmed and de-duplicated (mapped to the list's groups by the caller).
    pub categories: Vec<String>,
    pub extra: Vec<String>,
}

/// Why a card cannot be stored: (vCard property or "card", reason).
#[derive(Debug)]
pub struct CardError(pub String, pub String);

/// Unfold a card's lines (CRLF or LF, continuation lines start with a space or tab).
fn unfold(text: &str) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for raw in text.split('\n') {
        let l = raw.strip_suffix('\r').unwrap_or(raw);
        match (l.strip_prefix(' ').or_else(|| l.strip_prefix('\t')), out.last_mut()) {
            (Some(rest), Some(last)) => last.push_str(rest),
            _ if l.trim().is_empty() => {}
            _ => out.push(l.to_owned()),
        }
    }
    out
}

/// (group, NAME upper-cased, value after the first unquoted colon).
fn split_line(l: &str) -> (String, String, &str) {
    let mut quoted = false;
    let colon = l
        .char_indices()
        .find(|&(_, c)| {
            quoted ^= c == '"';
            c == ':' && !quoted
        })
        .map_or(l.len(), |(i, _)| i);
    let head = &l[..colon];
    let value = l.get(colon + 1..).unwrap_or("");
    let name = head.split(';').next().unwrap_or("").trim();
    let (group, name) = name.rsplit_once('.').unwrap_or(("", name));
    (group.to_ascii_lowercase(), name.to_ascii_uppercase(), value)
}

fn unescape(v: &str) -> String {
    let mut out = String::with_capacity(v.len());
    let mut chars = v.chars();
    while let Some(c) = chars.next() {
        match c {
            '\\' => match chars.next() {
                Some('n' | 'N') => out.push('\n'),
                Some(e) => out.push(e),
                None => {}
            },
            c => out.push(c),
        }
    }
    out
}

/// Read one card as the fields and the lines to keep.
pub fn read(body: &[u8], limits: &Limits) -> Result<Incoming, CardError> {
    let card = |why: &str| CardError("card".into(), why.into());
    let text = std::str::from_utf8(body).map_err(|_| card("the card is not UTF-8"))?;
    let lines = unfold(text.strip_prefix('\u{feff}').unwrap_or(text));
    let begins = lines.iter().filter(|l| l.trim().eq_ignore_ascii_case("BEGIN:VCARD")).count();
    if begins != 1 || !lines.first().is_some_and(|l| l.trim().eq_ignore_ascii_case("BEGIN:VCARD")) {
        return Err(card("the body must be exactly one vCard (BEGIN:VCARD ... END:VCARD)"));
    }
    let parsed = io::parse(Format::Vcard, body, 1).map_err(|e| card(&e.to_string()))?;
    if let Some(e) = parsed.errors.first() {
        return Err(CardError(if e.column.is_empty() { "card".into() } else { e.column.clone() }, e.message.clone()));
    }
    let Some(row) = parsed.rows.into_iter().next() else { return Err(card("the card could not be read")) };
    let fields = row.input.into_fields(limits).map_err(|errs| {
        let (f, why) = errs.into_iter().next().unwrap_or_default();
        CardError(f, why)
    })?;
    let mut mapped_email = !fields.email.is_empty();
    let (mut mapped_mobile, mut mapped_phone) = (!fields.mobile.is_empty(), !fields.phone.is_empty());
    let mut mapped_adr = !fields.address.is_empty();
    let mut kept: Vec<(String, String)> = Vec::new();
    for l in &lines[1..] {
        let (group, name, value) = split_line(l);
        if REGENERATED.contains(&name.as_str()) {
            continue;
        }
        let v = unescape(value);
        let v = v.trim();
        let drop = match name.as_str() {
            "EMAIL" if mapped_email && v.eq_ignore_ascii_case(&fields.email) => {
                mapped_email = false;
                true
            }
            "TEL" => {
                let v = v.strip_prefix("tel:").unwrap_or(v);
                if mapped_mobile && v == fields.mobile {
                    mapped_mobile = false;
                    true
                } else if mapped_phone && v == fields.phone {
                    mapped_phone = false;
                    true
                } else {
                    false
                }
            }
            "ADR" if mapped_adr => {
                let parts: Vec<String> = value.split(';').map(|p| unescape(p).trim().to_owned()).collect();
                let a = &fields.address;
                let same = parts.get(3).is_some_and(|c| *c == a.city)
                    && parts.get(5).is_some_and(|p| *p == a.postal_code)
                    && parts.get(6).is_some_and(|c| *c == a.country);
                if same {
                    mapped_adr = false;
                }
                same
            }
            "URL" | "X-SOCIALPROFILE" | "X-TWITTER" | "X-LINKEDIN" | "X-FACEBOOK" => {
                let f = &fields;
                [&f.website, &f.linkedin, &f.facebook, &f.x]
                    .iter()
                    .any(|s| !s.is_empty() && (s.as_str() == v || s.ends_with(v.trim_start_matches('@'))))
            }
            "ROLE" => v == fields.job_title,
            _ => false,
        };
        if !drop {
            kept.push((group, l.clone()));
        }
    }
    // A label (iOS `itemN.X-ABLabel`) stays only with a property of its group that stays.
    let groups_kept: Vec<String> = kept
        .iter()
        .filter(|(g, l)| !g.is_empty() && !split_line(l).1.starts_with("X-AB"))
        .map(|(g, _)| g.clone())
        .collect();
    let extra: Vec<String> = kept
        .into_iter()
        .filter(|(g, l)| g.is_empty() || !split_line(l).1.starts_with("X-AB") || groups_kept.contains(g))
        .map(|(_, l)| l)
        .collect();
    if extra.len() > MAX_EXTRA {
        return Err(card(&format!("the card has more than {MAX_EXTRA} properties contactpro does not model")));
    }
    Ok(Incoming { fields, categories: row.group_names, extra })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unknown_properties_are_kept_and_mapped_ones_are_not() {
        let card = "BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Clément Laurent\r\nN:Laurent;Clément;;;\r\nEMAIL;TYPE=work:c@x.example\r\nEMAIL;TYPE=home:home@x.example\r\nTEL;TYPE=CELL:+33 6 12 34 56 78\r\nitem1.TEL:+33 1 99\r\nitem1.X-ABLabel:Lab\r\nitem3.TEL:+33 1 55\r\nitem3.X-ABLabel:Lab3\r\nitem2.X-ABLabel:orphan\r\nBDAY:1990-01-02\r\nPHOTO;ENCODING=b;TYPE=JPEG:AAAA\r\n BBBB\r\nX-FOO;X-P=\"a:b\":bar\r\nCATEGORIES:Crew,Friends\r\nEND:VCARD\r\n";
        let i = read(card.as_bytes(), &Limits::default()).unwrap();
        assert_eq!(i.fields.full_name, "Clément Laurent");
        assert_eq!(i.fields.email, "c@x.example");
        assert_eq!(i.categories, vec!["Crew", "Friends"]);
        assert_eq!(
            i.extra,
            vec![
                "EMAIL;TYPE=home:home@x.example",
                // item1.TEL became the phone field (its label goes with it); item3 is a third number.
                "item3.TEL:+33 1 55",
                "item3.X-ABLabel:Lab3",
                "BDAY:1990-01-02",
                "PHOTO;ENCODING=b;TYPE=JPEG:AAAABBBB",
                "X-FOO;X-P=\"a:b\":bar",
            ],
            "{:?} / mobile {:?} phone {:?}",
            i.extra,
            i.fields.mobile,
            i.fields.phone
        );
    }

    #[test]
    fn not_one_card_is_refused() {
        assert!(read(b"hello", &Limits::default()).is_err());
        let two = "BEGIN:VCARD\nFN:a\nEND:VCARD\nBEGIN:VCARD\nFN:b\nEND:VCARD\n";
        assert!(read(two.as_bytes(), &Limits::default()).is_err());
        let long = format!("BEGIN:VCARD\nFN:{}\nEND:VCARD\n", "x".repeat(300));
        assert_eq!(read(long.as_bytes(), &Limits::default()).unwrap_err().0, "FN");
    }
}

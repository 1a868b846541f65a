//! vCard 4.0 out (RFC 6350): CRLF, lines folded at 75 octets without splitting a UTF-8
//! character, text values escaped (`\\` `\,` `\;` `\n`).

use super::vcard::PRODID;
use crate::model::{Contact, GroupId};
use std::io::Write;

/// Escape a text value (or one component of a compound value).
pub fn esc(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut chars = s.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\\' => out.push_str("\\\\"),
            ',' => out.push_str("\\,"),
            ';' => out.push_str("\\;"),
            '\r' if chars.peek() == Some(&'\n') => {}
            '\n' | '\r' => out.push_str("\\n"),
            c => out.push(c),
        }
    }
    out
}

/// Write one content line, folded at 75 octets (continuations start with a space).
fn line(out: &mut Vec<u8>, content: &str) {
    let mut width = 0;
    for c in content.chars() {
        let n = c.len_utf8();
        if width + n > 75 {
            out.extend_from_slice(b"\r\n ");
            width = 1;
        }
        let mut buf = [0u8; 4];
        out.extend_from_slice(c.encode_utf8(&mut buf).as_bytes());
        width += n;
    }
    out.extend_from_slice(b"\r\n");
}

/// `NAME:value` when the value is not empty.
fn prop(out: &mut Vec<u8>, name: &str, value: &str) {
    if !value.is_empty() {
        line(out, &format!("{name}:{value}"));
    }
}

/// N (family;given;;;): the stored parts, or derived from the full name (`model::name_parts`);
/// the reader does not keep an N equal to that derivation, so a round trip changes nothing.
fn n_value(f: &crate::model::ContactFields) -> String {
    let (given, family) = f.name_parts();
    format!("{};{};;;", esc(&family), esc(&given))
}

/// All contacts as vCard 4.0, one card each, groups as CATEGORIES.
pub fn write_vcard(
    out: &mut dyn Write,
    contacts: &mut dyn Iterator<Item = Contact>,
    group_name: &dyn Fn(GroupId) -> Option<String>,
) -> std::io::Result<()> {
    let mut buf = Vec::with_capacity(4096);
    for c in contacts {
        buf.clear();
        card(&mut buf, &c, group_name, VcardVersion::V4, &[]);
        out.write_all(&buf)?;
    }
    out.flush()
}

/// The vCard version written: exports write 4.0; CardDAV writes 3.0 unless the client asks for 4.0.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum VcardVersion {
    V3,
    V4,
}

/// One card: the contact's fields, then `extra` (unfolded content lines of properties contactpro
/// does not model, kept from a client's card), folded like the rest.
pub fn card(
    buf: &mut Vec<u8>,
    c: &Contact,
    group_name: &dyn Fn(GroupId) -> Option<String>,
    version: VcardVersion,
    extra: &[String],
) {
    let f = &c.fields;
    let a = &f.address;
    let v3 = version == VcardVersion::V3;
    line(buf, "BEGIN:VCARD");
    line(buf, if v3 { "VERSION:3.0" } else { "VERSION:4.0" });
    line(buf, &format!("PRODID:{PRODID}"));
    line(buf, &format!("UID:{}{}", if v3 { "" } else { "urn:uuid:" }, c.id));
    prop(buf, "FN", &esc(&f.full_name));
    line(buf, &format!("N:{}", n_value(f)));
    if !f.company.is_empty() || !f.department.is_empty() {
        let org = if f.department.is_empty() {
            esc(&f.company)
        } else {
            format!("{};{}", esc(&f.company), esc(&f.department))
        };
        line(buf, &format!("ORG:{org}"));
    }
    prop(buf, "TITLE", &esc(&f.job_title));
    prop(buf, if v3 { "TEL;TYPE=CELL" } else { "TEL;TYPE=cell" }, &esc(&f.mobile));
    prop(buf, if v3 { "TEL;TYPE=WORK,VOICE" } else { "TEL;TYPE=work,voice" }, &esc(&f.phone));
    prop(buf, "EMAIL", &esc(&f.email));
    prop(buf, "URL", &esc(&f.website));
    prop(buf, "X-SOCIALPROFILE;TYPE=linkedin", &esc(&f.linkedin));
    prop(buf, "X-SOCIALPROFILE;TYPE=facebook", &esc(&f.facebook));
    prop(buf, "X-SOCIALPROFILE;TYPE=twitter", &esc(&f.x));
    if !a.is_empty() {
        let parts = [&a.street, &a.city, &a.state, &a.postal_code, &a.country].map(|s| esc(s));
        let name = if v3 { "ADR;TYPE=WORK" } else { "ADR;TYPE=work" };
        line(buf, &format!("{name}:;;{}", parts.join(";")));
    }
    prop(buf, "NOTE", &esc(&f.notes));
    let groups: Vec<String> = f.groups.iter().filter_map(|g| group_name(*g)).map(|n| esc(&n)).collect();
    if !groups.is_empty() {
        line(buf, &format!("CATEGORIES:{}", groups.join(",")));
    }
    for x in extra {
        line(buf, x);
    }
    line(buf, &format!("REV:{}", rev(c.updated_at.millis())));
    line(buf, "END:VCARD");
}

/// REV as a vCard timestamp (`20240101T120000Z`).
fn rev(millis: i64) -> String {
    let t =
        time::OffsetDateTime::from_unix_timestamp(millis.div_euclid(1000)).unwrap_or(time::OffsetDateTime::UNIX_EPOCH);
    format!(
        "{:04}{:02}{:02}T{:02}{:02}{:02}Z",
        t.year(),
        u8::from(t.month()),
        t.day(),
        t.hour(),
        t.minute(),
        t.second()
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn folding_keeps_utf8_and_width() {
        let mut out = Vec::new();
        let v = "é".repeat(100);
        line(&mut out, &format!("NOTE:{v}"));
        let s = String::from_utf8(out).unwrap();
        for l in s.split("\r\n") {
            assert!(l.len() <= 75, "{l}");
        }
        let unfolded = s.replace("\r\n ", "");
        assert_eq!(unfolded, format!("NOTE:{v}\r\n"));
    }

    #[test]
    fn escaping() {
        assert_eq!(esc("a,b;c\\d\ne\r\nf"), "a\\,b\\;c\\\\d\\ne\\nf");
    }
}

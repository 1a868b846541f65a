//! vCard 2.1 / 3.0 / 4.0 in.
//!
//! The file is walked line by line over the original bytes: folded lines (CRLF + space) and
//! quoted-printable soft breaks (`=` at the end of a line, Outlook 2.1) are joined, but a
//! logical line is never copied past [`MAX_LINE`], and a card never keeps more than
//! [`MAX_PROPS`] properties, so memory stays bounded whatever the input. Each value is decoded
//! by its ENCODING and CHARSET parameters (UTF-8 by default, Windows-1252 when that fails).

use super::fields::{Social, one_line, route_phones, social_kind};
use super::{GroupSet, ImportError, ImportLimits, Parsed, ParsedRow, over_cap};
use crate::model::{AddressInput, ContactInput};
use std::borrow::Cow;
use std::collections::BTreeSet;

/// Longest logical line kept (a PHOTO can be large; a contact field never is).
pub(super) const MAX_LINE: usize = 1 << 20;
/// Most properties in one card.
pub(super) const MAX_PROPS: usize = 1000;
/// Our own PRODID: a URL in a card we wrote is the website, whatever its host.
pub(super) const PRODID: &str = "-//contactpro//contactpro//EN";

/// A logical (unfolded) line, or the marker that it was too long to keep.
enum Line<'a> {
    Text(Cow<'a, [u8]>),
    TooLong(&'a [u8]),
}

struct Lines<'a> {
    rest: &'a [u8],
}

impl<'a> Lines<'a> {
    fn physical(&mut self) -> Option<&'a [u8]> {
        if self.rest.is_empty() {
            return None;
        }
        let (line, rest) = match memchr(b'\n', self.rest) {
            Some(i) => (&self.rest[..i], &self.rest[i + 1..]),
            None => (self.rest, &[][..]),
        };
        self.rest = rest;
        Some(line.strip_suffix(b"\r").unwrap_or(line))
    }

    fn peek_is_continuation(&self) -> bool {
        matches!(self.rest.first(), Some(b' ' | b'\t'))
    }
}

fn memchr(b: u8, s: &[u8]) -> Option<usize> {
    s.iter().position(|&c| c == b)
}

impl<'a> Iterator for Lines<'a> {
    type Item = Line<'a>;

    fn next(&mut self) -> Option<Line<'a>> {
        let first = self.physical()?;
        let header_end = memchr(b':', first).unwrap_or(first.len());
        let qp = contains_ci(&first[..header_end], b"QUOTED-PRINTABLE");
        let mut line: Cow<'a, [u8]> = Cow::Borrowed(first);
        let mut too_long = first.len() > MAX_LINE;
        loop {
            // QP soft line break: the value continues on the next physical line as is.
            let soft = qp && line.ends_with(b"=") && !self.rest.is_empty();
            if !soft && !self.peek_is_continuation() {
                break;
            }
            let Some(next) = self.physical() else { break };
            let piece = if soft { next } else { &next[1..] };
            if too_long || line.len() + piece.len() > MAX_LINE {
                too_long = true;
                continue; // keep consuming the folded pieces, keep nothing
            }
            let owned = line.to_mut();
            if soft {
                owned.pop();
            }
            owned.extend_from_slice(piece);
        }
        Some(if too_long { Line::TooLong(&first[..first.len().min(64)]) } else { Line::Text(line) })
    }
}

fn contains_ci(hay: &[u8], needle: &[u8]) -> bool {
    hay.windows(needle.len()).any(|w| w.eq_ignore_ascii_case(needle))
}

/// One property: `group.NAME;param=value;...:value`, names upper-cased, params normalized
/// (2.1 bare params become TYPE or ENCODING).
struct Prop {
    group: String,
    name: String,
    params: Vec<(String, String)>,
    raw: Vec<u8>,
}

impl Prop {
    fn parse(line: &[u8]) -> Option<Prop> {
        let mut quoted = false;
        let colon = line.iter().position(|&c| {
            quoted ^= c == b'"';
            c == b':' && !quoted
        })?;
        let head = String::from_utf8_lossy(&line[..colon]);
        let mut parts = split_unquoted(&head, ';').into_iter();
        let full_name = parts.next()?.trim().to_ascii_uppercase();
        let (group, name) = match full_name.rsplit_once('.') {
            Some((g, n)) => (g.to_owned(), n.to_owned()),
            None => (String::new(), full_name),
        };
        let mut params = Vec::new();
        for p in parts {
            let (k, v) = match p.split_once('=') {
                Some((k, v)) => (k.trim().to_ascii_uppercase(), v.trim().trim_matches('"').to_owned()),
                None => {
                    let v = p.trim().to_owned();
                    let k = match v.to_ascii_uppercase().as_str() {
                        "QUOTED-PRINTABLE" | "BASE64" | "B" | "8BIT" | "7BIT" => "ENCODING",
                        _ => "TYPE",
                    };
                    (k.to_owned(), v)
                }
            };
            // TYPE=work,voice and TYPE="work,voice" are several types.
            for v in v.split(',') {
                params.push((k.clone(), v.trim().to_owned()));
            }
        }
        // Binary payloads (photos, keys) are never used: do not keep a copy of them.
        let binary = matches!(name.as_str(), "PHOTO" | "LOGO" | "SOUND" | "KEY");
        let raw = if binary { Vec::new() } else { line[colon + 1..].to_vec() };
        Some(Prop { group, name, params, raw })
    }

    fn param(&self, key: &str) -> Option<&str> {
        self.params.iter().find(|(k, _)| k == key).map(|(_, v)| v.as_str())
    }

    fn types(&self) -> impl Iterator<Item = &str> {
        self.params.iter().filter(|(k, _)| k == "TYPE").map(|(_, v)| v.as_str())
    }

    fn has_type(&self, t: &str) -> bool {
        self.types().any(|v| v.eq_ignore_ascii_case(t))
            || self.param("PREF").is_some() && t.eq_ignore_ascii_case("pref")
    }

    /// The value as text: quoted-printable and charset decoded, still vCard-escaped.
    fn text(&self) -> String {
        let enc = self.param("ENCODING").unwrap_or("");
        let bytes: Cow<'_, [u8]> = if enc.eq_ignore_ascii_case("QUOTED-PRINTABLE") {
            Cow::Owned(qp_decode(&self.raw))
        } else if enc.eq_ignore_ascii_case("B") || enc.eq_ignore_ascii_case("BASE64") {
            return String::new(); // binary (PHOTO, KEY): nothing for us
        } else {
            Cow::Borrowed(&self.raw)
        };
        let charset = self.param("CHARSET").and_then(|c| encoding_rs::Encoding::for_label(c.as_bytes()));
        match (charset, std::str::from_utf8(&bytes)) {
            (Some(enc), _) if enc != encoding_rs::UTF_8 => enc.decode_without_bom_handling(&bytes).0.into_owned(),
            (_, Ok(s)) => s.to_owned(),
            (_, Err(_)) => encoding_rs::WINDOWS_1252.decode_without_bom_handling(&bytes).0.into_owned(),
        }
    }
}

/// Split on `sep` outside double quotes.
fn split_unquoted(s: &str, sep: char) -> Vec<&str> {
    let (mut out, mut start, mut quoted) = (Vec::new(), 0, false);
    for (i, c) in s.char_indices() {
        if c == '"' {
            quoted = !quoted;
        } else if c == sep && !quoted {
            out.push(&s[start..i]);
            start = i + 1;
        }
    }
    out.push(&s[start..]);
    out
}

fn qp_decode(raw: &[u8]) -> Vec<u8> {
    let hex = |c: u8| (c as char).to_digit(16).map(|d| d as u8);
    let mut out = Vec::with_capacity(raw.len());
    let mut i = 0;
    while i < raw.len() {
        if raw[i] == b'='
            && let (Some(h), Some(l)) = (raw.get(i + 1).and_then(|&c| hex(c)), raw.get(i + 2).and_then(|&c| hex(c)))
        {
            out.push(h << 4 | l);
            i += 3;
            continue;
        }
        out.push(raw[i]);
        i += 1;
    }
    out
}

/// Split a compound value (N, ADR, ORG on `;`, CATEGORIES on `,`) and unescape each part.
fn components(s: &str, sep: char) -> Vec<String> {
    let mut out = vec![String::new()];
    let mut chars = s.chars();
    while let Some(c) = chars.next() {
        match c {
            '\\' => match chars.next() {
                Some('n' | 'N') => out.last_mut().map(|p| p.push('\n')).unwrap_or(()),
                Some(e) => out.last_mut().map(|p| p.push(e)).unwrap_or(()),
                None => {}
            },
            c if c == sep => out.push(String::new()),
            c => out.last_mut().map(|p| p.push(c)).unwrap_or(()),
        }
    }
    out
}

/// Component `i` of a compound value with its several values (unescaped `,`) joined by a space:
/// N's "Jean,Luc" is two given names, "Jean\,Luc" one with a comma.
fn component_values(s: &str, i: usize) -> String {
    let mut escaped = false;
    let mut n = 0;
    let mut start = 0;
    for (at, c) in s.char_indices() {
        match c {
            _ if escaped => escaped = false,
            '\\' => escaped = true,
            ';' => {
                if n == i {
                    return join_values(&s[start..at]);
                }
                n += 1;
                start = at + 1;
            }
            _ => {}
        }
    }
    if n == i { join_values(&s[start..]) } else { String::new() }
}

fn join_values(raw: &str) -> String {
    components(raw, ',').iter().map(|v| v.trim()).filter(|v| !v.is_empty()).collect::<Vec<_>>().join(" ")
}

fn unescape(s: &str) -> String {
    components(s, '\u{0}').concat()
}

pub(super) fn parse(bytes: &[u8], limits: &ImportLimits) -> Result<Parsed, ImportError> {
    let max_rows = limits.max_rows;
    let decoded: Cow<'_, [u8]> = if bytes.starts_with(b"\xFF\xFE") || bytes.starts_with(b"\xFE\xFF") {
        let enc = if bytes[0] == 0xFF { encoding_rs::UTF_16LE } else { encoding_rs::UTF_16BE };
        let text = enc.decode_with_bom_removal(bytes).0.into_owned().into_bytes();
        if text.len() > limits.max_text_bytes {
            return Err(ImportError::TooMuchText { max_mb: limits.max_text_bytes >> 20 });
        }
        Cow::Owned(text)
    } else {
        Cow::Borrowed(bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes))
    };
    if decoded.len() > MAX_LINE && !decoded.contains(&b'\n') {
        return Err(ImportError::NotAFile(format!(
            "the file is one single line of {} MB, not a vCard file",
            decoded.len() >> 20
        )));
    }
    let mut out = Parsed::default();
    let mut ignored = BTreeSet::new();
    let mut card: Option<Card> = None;
    let mut count = 0usize;
    let mut seen_begin = false;
    for line in (Lines { rest: &decoded }) {
        let text = match &line {
            Line::Text(t) => t.as_ref(),
            Line::TooLong(start) => {
                if let Some(c) = card.as_mut() {
                    c.error.get_or_insert_with(|| (prop_name(start), "a line is longer than 1 MB".into()));
                }
                continue;
            }
        };
        let trimmed = text.trim_ascii();
        if trimmed.eq_ignore_ascii_case(b"BEGIN:VCARD") {
            seen_begin = true;
            if let Some(c) = card.as_mut() {
                c.depth += 1; // a nested card (2.1 AGENT): skipped with its parent's content
                continue;
            }
            count += 1;
            if count > max_rows {
                return Err(ImportError::TooManyRows { max: max_rows });
            }
            card = Some(Card { index: count, ..Card::default() });
            continue;
        }
        let Some(c) = card.as_mut() else { continue }; // text between cards
        if trimmed.eq_ignore_ascii_case(b"END:VCARD") {
            if c.depth > 0 {
                c.depth -= 1;
                continue;
            }
            let c = card.take().unwrap_or_default();
            finish(c, &mut out, &mut ignored, limits)?;
            continue;
        }
        if c.depth > 0 || c.error.is_some() {
            continue;
        }
        if c.props.len() >= MAX_PROPS {
            c.error = Some((String::new(), format!("the card has more than {MAX_PROPS} properties")));
            c.props = Vec::new();
            continue;
        }
        if let Some(p) = Prop::parse(text) {
            c.props.push(p);
        }
    }
    if let Some(c) = card {
        let message = "the card is not terminated by END:VCARD (truncated file?)".to_owned();
        out.reject(c.index, [(String::new(), message)]);
    }
    if !seen_begin {
        return Err(ImportError::NotAFile("no BEGIN:VCARD found: not a vCard file".into()));
    }
    if !ignored.is_empty() {
        let names: Vec<String> = ignored.into_iter().take(20).collect();
        out.warnings.push(format!("Ignored vCard properties: {}", names.join(", ")));
    }
    Ok(out)
}

fn prop_name(start: &[u8]) -> String {
    let end = start.iter().position(|&c| c == b':' || c == b';').unwrap_or(start.len()).min(40);
    String::from_utf8_lossy(&start[..end]).to_ascii_uppercase()
}

#[derive(Default)]
struct Card {
    index: usize,
    depth: usize,
    props: Vec<Prop>,
    error: Option<(String, String)>,
}

/// Properties that carry no contact data worth reporting when ignored.
const SILENT: &[&str] = &[
    "VERSION",
    "PRODID",
    "UID",
    "REV",
    "KIND",
    "SOURCE",
    "CLIENTPIDMAP",
    "X-ABLABEL",
    "X-ABADR",
    "X-ABUID",
    "X-ABSHOWAS",
    "X-MS-OL-DEFAULT-POSTAL-ADDRESS",
    "LABEL",
    "X-MS-CARDPICTURE",
    "NAME",
    "PROFILE",
];

fn finish(
    card: Card,
    out: &mut Parsed,
    ignored: &mut BTreeSet<String>,
    limits: &ImportLimits,
) -> Result<(), ImportError> {
    if let Some((column, message)) = card.error {
        out.reject(card.index, [(column, message)]);
        return Ok(());
    }
    let ours = card.props.iter().any(|p| p.name == "PRODID" && p.text().trim() == PRODID);
    let v21 = card.props.iter().any(|p| p.name == "VERSION" && p.text().trim() == "2.1");
    let un = |p: &Prop| if v21 { unescape_21(&p.text()) } else { unescape(&p.text()) };
    let label = |p: &Prop| -> String {
        // iOS: item1.TEL + item1.X-ABLabel:_$!<Mobile>!$_ (or a custom label).
        let ab = card.props.iter().find(|q| !p.group.is_empty() && q.group == p.group && q.name == "X-ABLABEL");
        let mut l: Vec<&str> = p.types().collect();
        let ab_text = ab.map(|q| q.text()).unwrap_or_default();
        l.push(&ab_text);
        l.join(" ").to_lowercase()
    };
    let (mut full, mut n_name, mut title, mut role, mut email) =
        (String::new(), String::new(), String::new(), String::new(), None);
    let (mut company, mut department, mut notes) = (String::new(), String::new(), Vec::new());
    let (mut website, mut linkedin, mut facebook, mut x) = (String::new(), String::new(), String::new(), String::new());
    let mut phones: Vec<(u16, String, String)> = Vec::new();
    let mut adrs: Vec<(u8, Vec<String>)> = Vec::new();
    let mut groups = GroupSet::new(limits.fields.max_groups_per_contact);
    // (given, family) of the first N.
    let mut n_parts: Option<(String, String)> = None;
    let set = |slot: &mut String, v: String| {
        if slot.is_empty() {
            *slot = v.trim().to_owned();
        }
    };
    for (i, p) in card.props.iter().enumerate() {
        match p.name.as_str() {
            "FN" => set(&mut full, un(p)),
            "N" => {
                let c = components(&p.text(), ';');
                let g = |i: usize| c.get(i).map(|s| s.replace(',', " ")).unwrap_or_default();
                let parts = [g(3), g(1), g(2), g(0), g(4)];
                if n_parts.is_none() {
                    let raw = p.text();
                    n_parts = Some((component_values(&raw, 1), component_values(&raw, 0)));
                }
                set(
                    &mut n_name,
                    parts.iter().map(|s| s.trim()).filter(|s| !s.is_empty()).collect::<Vec<_>>().join(" "),
                );
            }
            "ORG" if company.is_empty() && department.is_empty() => {
                let c = components(&p.text(), ';');
                company = c.first().map(|s| s.trim().to_owned()).unwrap_or_default();
                department =
                    c.iter().skip(1).map(|s| s.trim()).filter(|s| !s.is_empty()).collect::<Vec<_>>().join(", ");
            }
            "TITLE" => set(&mut title, un(p)),
            "ROLE" => set(&mut role, un(p)),
            "EMAIL" => {
                let pref = p.has_type("pref");
                if email.as_ref().is_none_or(|(was_pref, _)| pref && !was_pref) {
                    email = Some((pref, un(p).trim().to_owned()));
                }
            }
            "TEL" => {
                let v = un(p);
                let v = v.trim();
                let v = v.strip_prefix("tel:").unwrap_or(v);
                let order = if p.has_type("pref") { i as u16 } else { 1000 + i as u16 };
                phones.push((order, label(p), v.to_owned()));
            }
            "URL" => {
                let v = un(p).trim().to_owned();
                match (ours, social_kind(&v)) {
                    (false, Some(Social::LinkedIn)) => set(&mut linkedin, v),
                    (false, Some(Social::Facebook)) => set(&mut facebook, v),
                    (false, Some(Social::X)) => set(&mut x, v),
                    _ => set(&mut website, v),
                }
            }
            "X-SOCIALPROFILE" | "X-TWITTER" | "X-LINKEDIN" | "X-FACEBOOK" => {
                let v = un(p).trim().to_owned();
                let kind = match (p.name.as_str(), label(p)) {
                    ("X-TWITTER", _) => Some(Social::X),
                    ("X-LINKEDIN", _) => Some(Social::LinkedIn),
                    ("X-FACEBOOK", _) => Some(Social::Facebook),
                    (_, l) if l.contains("linkedin") => Some(Social::LinkedIn),
                    (_, l) if l.contains("facebook") => Some(Social::Facebook),
                    (_, l) if l.contains("twitter") || l.split_whitespace().any(|w| w == "x") => Some(Social::X),
                    _ => social_kind(&v),
                };
                match kind {
                    Some(k) => {
                        let slot = match k {
                            Social::LinkedIn => &mut linkedin,
                            Social::Facebook => &mut facebook,
                            Social::X => &mut x,
                        };
                        set(slot, profile_url(k, &v));
                    }
                    None => {
                        ignored.insert(p.name.clone());
                    }
                }
            }
            "ADR" => {
                let rank = if p.has_type("work") {
                    0
                } else if p.has_type("pref") {
                    1
                } else {
                    2
                };
                adrs.push((rank, components(&p.text(), ';')));
            }
            "NOTE" => notes.push(un(p).trim().to_owned()),
            "CATEGORIES" => {
                let text = p.text();
                if over_cap(&text, limits.cap(Some(super::Target::Categories))) {
                    groups.error.get_or_insert_with(|| limits.too_long(Some(super::Target::Categories)));
                } else {
                    for g in components(&text, ',') {
                        if !groups.push(&g) {
                            break;
                        }
                    }
                }
            }
            name if SILENT.contains(&name) || name.starts_with("X-AB") => {}
            name => {
                ignored.insert(name.to_owned());
            }
        }
    }
    let mut phones: Vec<(u16, &str, &str)> = phones.iter().map(|(o, l, v)| (*o, l.as_str(), v.as_str())).collect();
    let (mut mobile, mut phone) = (String::new(), String::new());
    route_phones(&mut phones, &mut mobile, &mut phone);
    adrs.sort_by_key(|a| a.0);
    let address = adrs.into_iter().next().map(|(_, c)| {
        let g = |i: usize| c.get(i).map(|s| one_line(s)).unwrap_or_default();
        let street = [g(2), g(1), g(0)].into_iter().filter(|s| !s.is_empty()).collect::<Vec<_>>().join(", ");
        AddressInput {
            street: Some(street),
            city: Some(g(3)),
            postal_code: Some(g(5)),
            state: Some(g(4)),
            country: Some(g(6)),
        }
    });
    let full_name = if full.is_empty() { n_name } else { full };
    let (given_name, family_name) = crate::model::name_parts::kept_parts(&full_name, n_parts.unwrap_or_default());
    let input = ContactInput {
        full_name: Some(full_name),
        given_name: Some(given_name),
        family_name: Some(family_name),
        job_title: Some(if title.is_empty() { role } else { title }),
        email: Some(email.map(|e| e.1).unwrap_or_default()),
        mobile: Some(mobile),
        phone: Some(phone),
        website: Some(website),
        linkedin: Some(linkedin),
        facebook: Some(facebook),
        x: Some(x),
        company: Some(company),
        department: Some(department),
        address: Some(address.unwrap_or_default()),
        notes: Some(notes.into_iter().filter(|n| !n.is_empty()).collect::<Vec<_>>().join("\n")),
        groups: None,
    };
    // A card's values are its own lines (real content), but only values within their field's
    // cap are kept.
    let mut errors = over_caps(&input, limits);
    if let Some(e) = groups.error {
        errors.push(("CATEGORIES".to_owned(), e));
    }
    if errors.is_empty() {
        out.keep(ParsedRow { row: card.index, input, group_names: groups.names }, limits)
    } else {
        out.reject(card.index, errors);
        Ok(())
    }
}

/// The fields of `input` over their cap, as (vCard property, why).
fn over_caps(input: &ContactInput, limits: &ImportLimits) -> Vec<(String, String)> {
    let short = limits.fields.max_field_len;
    let a = input.address.as_ref();
    let fields = [
        ("FN", input.full_name.as_ref(), short),
        ("N", input.given_name.as_ref(), short),
        ("N", input.family_name.as_ref(), short),
        ("TITLE", input.job_title.as_ref(), short),
        ("EMAIL", input.email.as_ref(), short),
        ("TEL", input.mobile.as_ref(), short),
        ("TEL", input.phone.as_ref(), short),
        ("URL", input.website.as_ref(), short),
        ("URL", input.linkedin.as_ref(), short),
        ("URL", input.facebook.as_ref(), short),
        ("URL", input.x.as_ref(), short),
        ("ORG", input.company.as_ref(), short),
        ("ORG", input.department.as_ref(), short),
        ("ADR", a.and_then(|a| a.street.as_ref()), short),
        ("ADR", a.and_then(|a| a.city.as_ref()), short),
        ("ADR", a.and_then(|a| a.postal_code.as_ref()), short),
        ("ADR", a.and_then(|a| a.state.as_ref()), short),
        ("ADR", a.and_then(|a| a.country.as_ref()), short),
        ("NOTE", input.notes.as_ref(), limits.fields.max_notes_len),
    ];
    let mut out: Vec<(String, String)> = Vec::new();
    for (prop, v, cap) in fields {
        if v.is_some_and(|v| over_cap(v, cap)) && !out.iter().any(|(p, _)| p == prop) {
            out.push((prop.to_owned(), format!("is longer than {cap} characters")));
        }
    }
    out
}

/// vCard 2.1 has no backslash escapes except `\;` inside compound values; a lone backslash
/// (a Windows path in a note) is kept.
fn unescape_21(s: &str) -> String {
    s.replace("\\;", ";")
}

/// A handle ("@jdoe", "jdoe") where a profile URL is expected becomes the profile's URL.
fn profile_url(kind: Social, v: &str) -> String {
    let lower = v.to_ascii_lowercase();
    if v.is_empty() || lower.starts_with("http://") || lower.starts_with("https://") || v.contains('/') {
        return v.to_owned();
    }
    let handle = v.trim_start_matches('@');
    match kind {
        Social::LinkedIn => format!("https://www.linkedin.com/in/{handle}"),
        Social::Facebook => format!("https://www.facebook.com/{handle}"),
        Social::X => format!("https://x.com/{handle}"),
    }
}

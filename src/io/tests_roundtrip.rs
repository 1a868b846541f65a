//! Export -> import round trips: every writer's output parses back to the same fields.

use super::tests::valid;
use super::*;
use crate::model::{Address, ContactFields, ContactId, Timestamp, UserRef};
use std::collections::HashMap;

const GROUPS: [&str; 5] = ["Clients", "Équipe Café ☕", "Sales, EMEA", "VIP \"gold\"", "=cmd"];

pub(super) fn group_id(i: usize) -> GroupId {
    GroupId::from_u128(1000 + i as u128)
}

pub(super) fn group_names() -> HashMap<GroupId, String> {
    GROUPS.iter().enumerate().map(|(i, g)| (group_id(i), (*g).to_owned())).collect()
}

/// Deterministic awkward contacts: accents, emoji, commas, quotes, newlines, long notes, and
/// text that looks like a formula.
pub(super) fn contacts(n: usize) -> Vec<Contact> {
    let names = [
        "Clément Dupont",
        "Zoë O'Brien",
        "=1+1",
        "+33 6",
        "@x",
        "-5",
        "Åsa \"Ace\" Öberg",
        "李小龍",
        "Ali 🚀 Khan",
        "Smith, John",
    ];
    let notes = [
        "",
        "Line 1\nLine 2, with comma; and semicolon",
        "=HYPERLINK(\"http://evil\",\"x\")",
        "Quote \" and backslash \\ and tab\tinside",
        "@SUM(A1:A9)",
    ];
    (0..n)
        .map(|i| {
            let long = if i % 7 == 3 { "Lorem ipsum dolor sit amet, émoji 😀. ".repeat(200) } else { String::new() };
            let fields = ContactFields {
                full_name: format!("{} {i}", names[i % names.len()]),
                // Stored parts (a source gave them), some with vCard/CSV specials; empty = derived.
                given_name: ["", "Zoë; \"Z\"", "", "Jean-Luc, Jr"][i % 4].to_owned(),
                family_name: ["", "O'Brien", "van der Berg", "=Picard"][i % 4].to_owned(),
                job_title: ["", "Directeur général", "-Head of R&D", "+1 engineer"][i % 4].to_owned(),
                email: if i % 3 == 0 { String::new() } else { format!("user.{i}@exämple.fr") },
                mobile: ["+33 6 12 34 56 78", "", "06 15 88 26 17", "615882617"][i % 4].to_owned(),
                phone: ["", "+1 (425) 555-0100 x12", "-5", "01.23.45.67.89"][i % 4].to_owned(),
                website: if i % 2 == 0 { format!("https://example.com/p?i={i}&a=b,c") } else { String::new() },
                // A LinkedIn URL in Website must stay in Website.
                linkedin: if i % 5 == 1 { "https://www.linkedin.com/in/zoé".to_owned() } else { String::new() },
                facebook: if i % 5 == 2 { "https://facebook.com/a.b".to_owned() } else { String::new() },
                x: if i % 5 == 3 {
                    "https://x.com/handle".to_owned()
                } else if i % 5 == 4 {
                    "https://www.linkedin.com/in/x".to_owned()
                } else {
                    String::new()
                },
                company: ["ACME; Inc.", "Société Générale", "@x", "", "Crème & Café, \"SARL\""][i % 5].to_owned(),
                department: ["", "Ventes", "-5", "R&D; Labs"][i % 4].to_owned(),
                address: Address {
                    street: ["", "10 rue de la Paix, Bât. B", "1 Main St; Apt 4"][i % 3].to_owned(),
                    city: ["", "Besançon", "Zürich"][i % 3].to_owned(),
                    postal_code: ["", "25000", "=8001"][i % 3].to_owned(),
                    state: ["", "Île-de-France", ""][i % 3].to_owned(),
                    country: ["", "France", "Schweiz"][i % 3].to_owned(),
                },
                notes: format!("{}{}", notes[i % notes.len()], long).trim().to_owned(),
                groups: (0..GROUPS.len()).filter(|g| (i >> g) & 1 == 1).map(group_id).collect(),
            };
            Contact {
                id: ContactId::from_u128(i as u128 + 1),
                fields,
                created_at: Timestamp(1_700_000_000_000),
                created_by: UserRef::default(),
                updated_at: Timestamp(1_700_000_000_000 + i as i64),
                updated_by: UserRef::default(),
                version: 1,
            }
        })
        .collect()
}

fn check(format: Format, bytes: &[u8], originals: &[Contact], first_row: usize) {
    assert_eq!(detect_format(None, bytes), Some(format));
    let groups = group_names();
    let p = parse(format, bytes, originals.len()).unwrap_or_else(|e| panic!("{format:?}: {e}"));
    assert!(p.errors.is_empty(), "{format:?}: {:?}", p.errors);
    assert!(p.warnings.is_empty(), "{format:?}: {:?}", p.warnings);
    assert_eq!(p.rows.len(), originals.len(), "{format:?}");
    for (i, (row, c)) in p.rows.iter().zip(originals).enumerate() {
        assert_eq!(row.row, first_row + i, "{format:?}");
        let mut expected = c.fields.clone();
        let names: Vec<String> = expected.groups.iter().map(|g| groups[g].clone()).collect();
        expected.groups.clear();
        assert_same(&valid(row), &expected, &format!("{format:?} row {}", row.row));
        assert_eq!(row.group_names, names, "{format:?} row {}", row.row);
    }
}

/// Field-by-field comparison that names the field and does not print 10 kB notes.
pub(super) fn assert_same(got: &ContactFields, want: &ContactFields, ctx: &str) {
    let (g, w) = (serde_json::to_value(got).unwrap(), serde_json::to_value(want).unwrap());
    let short = |v: &serde_json::Value| v.to_string().chars().take(120).collect::<String>();
    for (k, wv) in w.as_object().unwrap() {
        let gv = &g[k];
        assert!(gv == wv, "{ctx}: field {k}: got {} want {}", short(gv), short(wv));
    }
}

fn lookup() -> impl Fn(GroupId) -> Option<String> {
    let groups = group_names();
    move |g| groups.get(&g).cloned()
}

#[test]
fn xlsx_round_trip() {
    let cs = contacts(60);
    let bytes = write_xlsx(&mut cs.clone().into_iter(), &lookup());
    check(Format::Xlsx, &bytes, &cs, 2);
    // The streamed variant (zip data descriptors, no seeking) reads back the same.
    let mut streamed = Vec::new();
    write_xlsx_stream(&mut streamed, &mut cs.clone().into_iter(), &lookup()).unwrap();
    check(Format::Xlsx, &streamed, &cs, 2);
    if let Ok(dir) = std::env::var("IO_DUMP_DIR") {
        std::fs::write(format!("{dir}/export.xlsx"), &bytes).unwrap();
        std::fs::write(format!("{dir}/export-streamed.xlsx"), &streamed).unwrap();
    }
}

#[test]
fn csv_round_trip() {
    let cs = contacts(60);
    let mut out = Vec::new();
    write_csv(&mut out, &mut cs.clone().into_iter(), &lookup()).unwrap();
    assert!(out.starts_with(b"\xEF\xBB\xBFFull Name,Job Title,Email,"));
    // Neutralised: no cell starts with a formula character (quoted or not).
    let text = String::from_utf8(out.clone()).unwrap();
    assert!(text.contains("\n'=1+1 2,"), "{}", &text[..300]);
    assert!(!text.contains(",=") && !text.contains(",\"=") && !text.contains("\n=") && !text.contains(",@"));
    check(Format::Csv, &out, &cs, 2);
    // International phone numbers are left as they are (Outlook and Google keep an apostrophe).
    let mut phone = contacts(1);
    phone[0].fields.mobile = "+33 6 15 88 26 17".into();
    phone[0].fields.phone = "+1 (555) 010-0199".into();
    phone[0].fields.job_title = "+cmd|' /C calc'!A0".into();
    let mut out = Vec::new();
    write_csv(&mut out, &mut phone.clone().into_iter(), &lookup()).unwrap();
    let text = String::from_utf8(out.clone()).unwrap();
    assert!(text.contains(",+33 6 15 88 26 17,") && text.contains(",+1 (555) 010-0199,"), "{text}");
    assert!(text.contains("'+cmd|"), "a formula that looks like a phone's start is still neutralised: {text}");
    check(Format::Csv, &out, &phone, 2);
    // The ';' variant (Excel in French or German) is detected and reads back the same.
    let mut semi = Vec::new();
    write_csv_delimited(&mut semi, b';', &mut cs.clone().into_iter(), &lookup()).unwrap();
    assert!(semi.starts_with(b"\xEF\xBB\xBFFull Name;Job Title;"));
    check(Format::Csv, &semi, &cs, 2);
}

#[test]
fn vcard_round_trip() {
    let cs = contacts(60);
    let mut out = Vec::new();
    write_vcard(&mut out, &mut cs.clone().into_iter(), &lookup()).unwrap();
    let text = String::from_utf8(out.clone()).unwrap();
    assert!(text.split("\r\n").all(|l| l.len() <= 75), "folded at 75 octets");
    assert!(!text.replace("\r\n", "").contains('\n'), "only CRLF line ends");
    assert!(text.contains("\r\nCATEGORIES:") && text.contains("TEL;TYPE=cell:"));
    check(Format::Vcard, &out, &cs, 1);
}

#[test]
fn empty_exports_parse_to_no_rows() {
    let none = lookup();
    let x = write_xlsx(&mut std::iter::empty(), &none);
    assert!(parse(Format::Xlsx, &x, 10).unwrap().rows.is_empty());
    let mut c = Vec::new();
    write_csv(&mut c, &mut std::iter::empty(), &none).unwrap();
    assert!(parse(Format::Csv, &c, 10).unwrap().rows.is_empty());
}

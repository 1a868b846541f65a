//! Hostile and oversized input: each gives a clear error quickly, with bounded memory.

use super::tests::valid;
use super::*;
use crate::model::Limits;
use std::io::Write;

fn not_a_file(r: Result<Parsed, ImportError>) -> String {
    match r {
        Err(ImportError::NotAFile(m)) => m,
        Err(e) => panic!("expected NotAFile, got {e}"),
        Ok(p) => panic!("expected NotAFile, got {} rows", p.rows.len()),
    }
}

/// A minimal xlsx whose first sheet is `sheet` (deflated).
fn xlsx_with_sheet(sheet: &[u8]) -> Vec<u8> {
    xlsx_with_parts(sheet, None, None)
}

/// A minimal xlsx with a sheet and, optionally, a shared-string table and a styles part.
pub(super) fn xlsx_with_parts(sheet: &[u8], shared: Option<&[u8]>, styles: Option<&[u8]>) -> Vec<u8> {
    let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let opts = zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Deflated);
    const NS: &str = "http://schemas.openxmlformats.org/officeDocument/2006/relationships";
    let rels = format!(
        r#"<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="{NS}/worksheet" Target="worksheets/sheet1.xml"/>{}{}</Relationships>"#,
        if shared.is_some() {
            format!(r#"<Relationship Id="rId2" Type="{NS}/sharedStrings" Target="sharedStrings.xml"/>"#)
        } else {
            String::new()
        },
        if styles.is_some() {
            format!(r#"<Relationship Id="rId3" Type="{NS}/styles" Target="styles.xml"/>"#)
        } else {
            String::new()
        },
    );
    let parts: [(&str, &[u8]); 4] = [
        ("[Content_Types].xml", br#"<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/><Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/><Override PartName="/xl/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/></Types>"#),
        ("_rels/.rels", br#"<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>"#),
        ("xl/workbook.xml", br#"<?xml version="1.0"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="Sheet1" sheetId="1" r:id="rId1"/></sheets></workbook>"#),
        ("xl/_rels/workbook.xml.rels", rels.as_bytes()),
    ];
    for (name, data) in parts {
        zip.start_file(name, opts).unwrap();
        zip.write_all(data).unwrap();
    }
    for (name, data) in [("xl/sharedStrings.xml", shared), ("xl/styles.xml", styles)] {
        if let Some(data) = data {
            zip.start_file(name, opts).unwrap();
            zip.write_all(data).unwrap();
        }
    }
    zip.start_file("xl/worksheets/sheet1.xml", opts).unwrap();
    zip.write_all(sheet).unwrap();
    zip.finish().unwrap().into_inner()
}

/// Overwrite the declared uncompressed size of `name` in its local and central headers, as a
/// crafted archive would.
fn declare_size(zip: &mut [u8], name: &str, size: u32) {
    let mut patched = 0;
    for i in 0..zip.len().saturating_sub(46) {
        let (sig, size_at, name_len_at, name_at) = match &zip[i..i + 4] {
            b"PK\x03\x04" => ("local", 22, 26, 30),
            b"PK\x01\x02" => ("central", 24, 28, 46),
            _ => continue,
        };
        let len = u16::from_le_bytes([zip[i + name_len_at], zip[i + name_len_at + 1]]) as usize;
        if zip.get(i + name_at..i + name_at + len) == Some(name.as_bytes()) {
            zip[i + size_at..i + size_at + 4].copy_from_slice(&size.to_le_bytes());
            patched += 1;
            let _ = sig;
        }
    }
    assert_eq!(patched, 2, "local and central header of {name}");
}

const SHEET_HEAD: &[u8] = br#"<?xml version="1.0"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>Full Name</t></is></c></row><row r="2"><c r="A2" t="inlineStr"><is><t>"#;

/// A sheet whose single cell is `n` bytes of text (one endless XML text node: the shape that
/// makes an XML reader buffer everything).
fn bomb_sheet(n: usize) -> Vec<u8> {
    let mut s = SHEET_HEAD.to_vec();
    s.resize(s.len() + n, b'A');
    s.extend_from_slice(b"</t></is></c></row></sheetData></worksheet>");
    s
}

#[test]
fn minimal_xlsx_reads() {
    let p = parse(Format::Xlsx, &xlsx_with_sheet(&bomb_sheet(5)), 10).unwrap();
    assert_eq!(p.rows[0].input.full_name.as_deref(), Some("AAAAA"));
}

#[test]
fn zip_bomb_declared_size_is_refused_before_inflating() {
    // 16 MB of text compresses to ~16 kB: 1000:1, as only a bomb is (a real one would be GBs;
    // the ratio check is what catches it, and it looks at the central directory only).
    let bomb = xlsx_with_sheet(&bomb_sheet(16 << 20));
    assert!(bomb.len() < 1 << 20);
    let m = not_a_file(parse(Format::Xlsx, &bomb, 10));
    assert!(m.contains("zip bomb") && m.contains("sheet1.xml"), "{m}");
    // A sheet declaring 2 GB is refused on the size alone.
    let mut big = xlsx_with_sheet(&bomb_sheet(10));
    declare_size(&mut big, "xl/worksheets/sheet1.xml", 2_000_000_000);
    let m = not_a_file(parse(Format::Xlsx, &big, 10));
    assert!(m.contains("would expand to 1907 MB"), "{m}");
}

#[test]
fn zip_bomb_lying_about_its_size_stops_at_the_declared_size() {
    // Declares 4 kB, inflates to 8 MB: the zip reader stops at 4 kB, the sheet is cut short.
    let mut bomb = xlsx_with_sheet(&bomb_sheet(8 << 20));
    declare_size(&mut bomb, "xl/worksheets/sheet1.xml", 4096);
    let m = not_a_file(parse(Format::Xlsx, &bomb, 10));
    assert!(m.contains("cannot be read") && m.contains("declared"), "{m}");
}

#[test]
fn truncated_and_random_files() {
    let template = template_xlsx();
    for cut in [template.len() / 2, template.len() - 1, 30] {
        let m = not_a_file(parse(Format::Xlsx, &template[..cut], 10));
        assert!(m.contains("damaged or truncated"), "{cut}: {m}");
    }
    // Random bytes, with and without a zip signature in front.
    let mut x: u64 = 0x9E37_79B9_7F4A_7C15;
    let random: Vec<u8> = (0..8192)
        .map(|_| {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            x as u8
        })
        .collect();
    assert_eq!(detect_format(None, &random), None, "binary data is no format");
    assert!(not_a_file(parse(Format::Xlsx, &random, 10)).contains("not a zip archive"));
    let mut pk = b"PK\x03\x04".to_vec();
    pk.extend_from_slice(&random);
    assert_eq!(detect_format(Some("application/octet-stream"), &pk), Some(Format::Xlsx));
    assert!(not_a_file(parse(Format::Xlsx, &pk, 10)).contains("damaged or truncated"));
    // An old .xls, and a zip that is not a workbook.
    assert!(not_a_file(parse(Format::Xlsx, b"\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1\0\0", 10)).contains(".xls"));
    let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    zip.start_file("hello.txt", zip::write::SimpleFileOptions::default()).unwrap();
    zip.write_all(b"hi").unwrap();
    let plain = zip.finish().unwrap().into_inner();
    assert!(not_a_file(parse(Format::Xlsx, &plain, 10)).contains("not an Excel workbook"));
    // Binary data sent as CSV.
    assert!(not_a_file(parse(Format::Csv, &random, 10)).contains("binary"));
}

#[test]
fn invalid_utf8_csv_is_never_decoded_lossily() {
    // With a UTF-8 BOM the file claims UTF-8: bad bytes are an error, not U+FFFD.
    let m = not_a_file(parse(Format::Csv, b"\xEF\xBB\xBFFull Name\r\nCl\xE9ment\r\n", 10));
    assert!(m.contains("UTF-8"), "{m}");
    // Without a BOM, non-UTF-8 is Windows-1252 (every byte is a character), and said so.
    let p = parse(Format::Csv, b"Full Name\r\nCl\xE9ment \x80\r\n", 10).unwrap();
    assert_eq!(p.rows[0].input.full_name.as_deref(), Some("Clément €"));
    assert!(p.warnings.iter().any(|w| w.contains("windows-1252")), "{:?}", p.warnings);
}

#[test]
fn vcard_giant_line_and_too_many_properties() {
    let mut v = b"BEGIN:VCARD\r\nVERSION:3.0\r\nFN:First\r\nEND:VCARD\r\n".to_vec();
    v.extend_from_slice(b"BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Giant\r\nNOTE:");
    v.resize(v.len() + (10 << 20), b'x');
    v.extend_from_slice(b"\r\nEND:VCARD\r\nBEGIN:VCARD\r\nFN:Third\r\nEND:VCARD\r\n");
    v.extend_from_slice(b"BEGIN:VCARD\r\nFN:Many\r\n");
    for _ in 0..1001 {
        v.extend_from_slice(b"EMAIL:a@b.c\r\n");
    }
    v.extend_from_slice(b"END:VCARD\r\nBEGIN:VCARD\r\nFN:Cut short\r\n");
    let p = parse(Format::Vcard, &v, 10).unwrap();
    let names: Vec<_> = p.rows.iter().map(|r| (r.row, valid(r).full_name)).collect();
    assert_eq!(names, [(1, "First".to_owned()), (3, "Third".to_owned())]);
    let errors: Vec<_> = p.errors.iter().map(|e| (e.row, e.column.as_str())).collect();
    assert_eq!(errors, [(2, "NOTE"), (4, ""), (5, "")]);
    assert!(p.errors[0].message.contains("longer than 1 MB"));
    assert!(p.errors[1].message.contains("more than 1000 properties"));
    assert!(p.errors[2].message.contains("END:VCARD"));
    // A folded giant line is caught the same way.
    let mut folded = b"BEGIN:VCARD\r\nFN:x\r\nNOTE:".to_vec();
    for _ in 0..30_000 {
        folded.extend_from_slice(&[b'y'; 73]);
        folded.extend_from_slice(b"\r\n ");
    }
    folded.extend_from_slice(b"\r\nEND:VCARD\r\n");
    assert_eq!(parse(Format::Vcard, &folded, 10).unwrap().errors[0].column, "NOTE");
    // A file that is one single 10 MB line is not a vCard file at all.
    let mut one = b"BEGIN:VCARD ".to_vec();
    one.resize(10 << 20, b'z');
    assert!(not_a_file(parse(Format::Vcard, &one, 10)).contains("single line"));
    assert!(not_a_file(parse(Format::Vcard, b"FN:no card here\r\n", 10)).contains("BEGIN:VCARD"));
}

#[test]
fn too_many_rows_in_every_format() {
    let contacts = super::tests_roundtrip::contacts(6);
    let names = super::tests_roundtrip::group_names();
    let g = |id: GroupId| names.get(&id).cloned();
    let xlsx = write_xlsx(&mut contacts.clone().into_iter(), &g);
    let mut csv = Vec::new();
    write_csv(&mut csv, &mut contacts.clone().into_iter(), &g).unwrap();
    let mut vcf = Vec::new();
    write_vcard(&mut vcf, &mut contacts.clone().into_iter(), &g).unwrap();
    for (format, bytes) in [(Format::Xlsx, &xlsx), (Format::Csv, &csv), (Format::Vcard, &vcf)] {
        assert!(matches!(parse(format, bytes, 5), Err(ImportError::TooManyRows { max: 5 })), "{format:?}");
        assert_eq!(parse(format, bytes, 6).unwrap().rows.len(), 6, "{format:?}");
    }
}

#[test]
fn ten_thousand_rows_three_invalid() {
    let mut csv = String::from("Full Name;Email;Mobile\r\n");
    let bad = [777, 4242, 9999];
    for i in 0..10_000 {
        match bad.iter().position(|&b| b == i) {
            Some(0) => csv.push_str(";nobody@example.com;\r\n"),
            Some(1) => csv.push_str(&format!("Row {i};not-an-email;\r\n")),
            Some(_) => csv.push_str(&format!("Row {i};;call me\r\n")),
            None => csv.push_str(&format!("Row {i};row{i}@example.com;+33 6 {i:08}\r\n")),
        }
    }
    let p = parse(Format::Csv, csv.as_bytes(), 10_000).unwrap();
    assert_eq!(p.rows.len(), 10_000);
    let rejected: Vec<(usize, Vec<String>)> = p
        .rows
        .iter()
        .filter_map(|r| r.input.clone().into_fields(&Limits::default()).err().map(|e| (r.row, e.into_keys().collect())))
        .collect();
    // Data row i is spreadsheet row i + 2.
    assert_eq!(
        rejected,
        [(779, vec!["full_name".to_owned()]), (4244, vec!["email".to_owned()]), (10_001, vec!["mobile".to_owned()])]
    );
}

#[test]
fn excel_error_cells_reject_only_their_row() {
    let sheet = br#"<?xml version="1.0"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>Full Name</t></is></c><c r="B1" t="inlineStr"><is><t>Email</t></is></c><c r="C1" t="inlineStr"><is><t>Other</t></is></c></row><row r="2"><c r="A2" t="inlineStr"><is><t>Ann</t></is></c><c r="B2" t="e"><v>#N/A</v></c></row><row r="3"><c r="A3" t="inlineStr"><is><t>Bob</t></is></c><c r="C3" t="e"><v>#DIV/0!</v></c></row></sheetData></worksheet>"#;
    let p = parse(Format::Xlsx, &xlsx_with_sheet(sheet), 10).unwrap();
    assert_eq!(p.errors.len(), 1, "an error in an ignored column does not matter");
    assert_eq!((p.errors[0].row, p.errors[0].column.as_str()), (2, "Email"));
    assert!(p.errors[0].message.contains("#N/A"), "{}", p.errors[0].message);
    assert_eq!(p.rows.iter().map(|r| r.row).collect::<Vec<_>>(), [3]);
}

/// `rows` data rows: A = "Person i" (inline), B = shared string 0 (`big`), C = the number
/// 612345678 in style 1 (`mask` as its number format). Headers: Full Name, `b_header`, Mobile.
fn amplifying_xlsx(rows: usize, big: &str, b_header: &str, mask: &str) -> Vec<u8> {
    let shared = format!(
        r#"<?xml version="1.0"?><sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="1" uniqueCount="1"><si><t>{big}</t></si></sst>"#
    );
    let styles = format!(
        r#"<?xml version="1.0"?><styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><numFmts count="1"><numFmt numFmtId="164" formatCode="{mask}"/></numFmts><cellXfs count="2"><xf numFmtId="0"/><xf numFmtId="164" applyNumberFormat="1"/></cellXfs></styleSheet>"#
    );
    let mut sheet = format!(
        r#"<?xml version="1.0"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>Full Name</t></is></c><c r="B1" t="inlineStr"><is><t>{b_header}</t></is></c><c r="C1" t="inlineStr"><is><t>Mobile</t></is></c></row>"#
    );
    for i in 2..rows + 2 {
        sheet.push_str(&format!(
            r#"<row r="{i}"><c r="A{i}" t="inlineStr"><is><t>Person {i}</t></is></c><c r="B{i}" t="s"><v>0</v></c><c r="C{i}" s="1"><v>612345678</v></c></row>"#
        ));
    }
    sheet.push_str("</sheetData></worksheet>");
    xlsx_with_parts(sheet.as_bytes(), Some(shared.as_bytes()), Some(styles.as_bytes()))
}

#[test]
fn a_shared_string_over_its_cap_is_refused_per_row_not_copied() {
    let big = "N".repeat(1 << 20);
    let p = parse(Format::Xlsx, &amplifying_xlsx(400, &big, "Notes", "00 00 00 00 00"), 1000).unwrap();
    assert!(p.rows.is_empty());
    assert_eq!((p.unreadable, p.error_count, p.errors.len()), (400, 400, 400));
    assert!(
        p.errors.iter().all(|e| e.column == "Notes" && e.message == "is longer than 10000 characters"),
        "{:?}",
        p.errors[0]
    );
    assert_eq!(p.errors[0].row, 2);
    // In a column we do not import it costs nothing and is only reported as ignored.
    let p = parse(Format::Xlsx, &amplifying_xlsx(400, &big, "Shoe size", "00 00 00 00 00"), 1000).unwrap();
    assert_eq!(p.rows.len(), 400);
    assert_eq!(p.rows[0].input.mobile.as_deref(), Some("06 12 34 56 78"), "a real mask still applies");
    assert!(p.warnings.iter().any(|w| w.contains("Shoe size")), "{:?}", p.warnings);
    // At the cap exactly, the value is kept.
    let p = parse(Format::Xlsx, &amplifying_xlsx(3, &"é".repeat(10_000), "Notes", "0"), 1000).unwrap();
    assert_eq!(p.rows.len(), 3);
}

#[test]
fn a_long_number_format_is_not_a_digit_mask() {
    let mask = "0".repeat(100_000);
    let p = parse(Format::Xlsx, &amplifying_xlsx(50, "x", "Notes", &mask), 1000).unwrap();
    assert_eq!(p.rows.len(), 50);
    assert!(p.rows.iter().all(|r| r.input.mobile.as_deref() == Some("612345678")));
}

#[test]
fn total_text_is_capped() {
    let limits = ImportLimits { max_text_bytes: 1 << 20, ..ImportLimits::rows(100_000) };
    let mut csv = String::from("Full Name,Notes\n");
    for i in 0..200 {
        csv.push_str(&format!("P{i},{}\n", "n".repeat(9000)));
    }
    let e = parse_with(Format::Csv, csv.as_bytes(), &limits).unwrap_err();
    assert!(matches!(e, ImportError::TooMuchText { max_mb: 1 }), "{e}");
    assert!(parse_with(Format::Csv, csv.as_bytes(), &ImportLimits::rows(1000)).is_ok());
    // The same for xlsx through one shared string under the notes cap, in every row.
    let xlsx = amplifying_xlsx(200, &"s".repeat(9000), "Notes", "0");
    assert!(matches!(parse_with(Format::Xlsx, &xlsx, &limits), Err(ImportError::TooMuchText { .. })));
    // And a non-UTF-8 CSV whose decoded text alone is over the budget (0x80 is 3 bytes in UTF-8).
    let mut cp1252 = b"Full Name\n".to_vec();
    cp1252.resize(400_000, 0x80);
    assert!(matches!(parse_with(Format::Csv, &cp1252, &limits), Err(ImportError::TooMuchText { .. })));
}

#[test]
fn group_names_follow_the_api_rule_and_are_counted_while_split() {
    // 64,000 distinct names in one cell: refused by the cell cap at once.
    let many: Vec<String> = (0..64_000).map(|i| format!("G{i}")).collect();
    // 101 distinct names within the cap; 64,000 copies of one name are one group.
    let over: Vec<String> = (0..101).map(|i| format!("G{i}")).collect();
    let same = vec!["Crew"; 2000].join(";");
    let csv = format!(
        "Full Name,Groups\nMany,{}\nOver,{}\nSame,{same}\nCtrl,ok;bad\u{7}name\nLong,{}\nFine,A; a ;B\n",
        many.join(";"),
        over.join(";"),
        "g".repeat(121)
    );
    let start = std::time::Instant::now();
    let p = parse(Format::Csv, csv.as_bytes(), 100).unwrap();
    assert!(start.elapsed() < std::time::Duration::from_secs(5), "{:?}", start.elapsed());
    let by_row: Vec<(usize, &str)> = p.errors.iter().map(|e| (e.row, e.message.as_str())).collect();
    assert_eq!(by_row.len(), 4, "{by_row:?}");
    assert!(by_row[0].0 == 2 && by_row[0].1.contains("at most 100 groups"), "{by_row:?}");
    assert_eq!(by_row[1], (3, "has more than 100 groups"));
    assert!(by_row[2].0 == 5 && by_row[2].1.contains("contains control characters"), "{by_row:?}");
    assert!(by_row[3].0 == 6 && by_row[3].1.contains("longer than 120"), "{by_row:?}");
    assert!(p.errors.iter().all(|e| e.column == "Groups"));
    let groups: Vec<(&str, Vec<String>)> =
        p.rows.iter().map(|r| (r.input.full_name.as_deref().unwrap(), r.group_names.clone())).collect();
    assert_eq!(groups, [("Same", vec!["Crew".to_owned()]), ("Fine", vec!["A".to_owned(), "B".to_owned()])]);
    // The splitter alone, on a 64,000-name cell: linear, stops at the 101st distinct name.
    let mut set = GroupSet::new(100);
    let cell = many.join(";");
    let start = std::time::Instant::now();
    for g in cell.split(';') {
        if !set.push(g) {
            break;
        }
    }
    assert!(start.elapsed() < std::time::Duration::from_secs(1));
    assert_eq!((set.names.len(), set.error.as_deref()), (100, Some("has more than 100 groups")));
}

#[test]
fn vcard_values_over_their_cap_reject_the_card() {
    let mut v = b"BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Ok\r\nCATEGORIES:A,a,B\r\nEND:VCARD\r\n".to_vec();
    v.extend_from_slice(format!("BEGIN:VCARD\r\nVERSION:3.0\r\nFN:{}\r\nEND:VCARD\r\n", "x".repeat(300)).as_bytes());
    v.extend_from_slice(format!("BEGIN:VCARD\r\nFN:Notes\r\nNOTE:{}\r\nEND:VCARD\r\n", "n".repeat(10_001)).as_bytes());
    let cats: Vec<String> = (0..200).map(|i| format!("C{i}")).collect();
    v.extend_from_slice(format!("BEGIN:VCARD\r\nFN:Cats\r\nCATEGORIES:{}\r\nEND:VCARD\r\n", cats.join(",")).as_bytes());
    let p = parse(Format::Vcard, &v, 10).unwrap();
    assert_eq!(p.rows.len(), 1);
    assert_eq!(p.rows[0].group_names, ["A", "B"]);
    let errors: Vec<(usize, &str, &str)> =
        p.errors.iter().map(|e| (e.row, e.column.as_str(), e.message.as_str())).collect();
    assert_eq!(
        errors,
        [
            (2, "FN", "is longer than 256 characters"),
            (3, "NOTE", "is longer than 10000 characters"),
            (4, "CATEGORIES", "has more than 100 groups")
        ]
    );
}

#[test]
fn only_the_first_thousand_errors_are_kept() {
    let mut csv = String::from("Full Name,Notes\n");
    for _ in 0..2500 {
        csv.push_str(&format!("x,{}\n", "n".repeat(10_001)));
    }
    let p = parse(Format::Csv, csv.as_bytes(), 10_000).unwrap();
    assert_eq!((p.errors.len(), p.error_count, p.unreadable, p.row_count()), (1000, 2500, 2500, 2500));
}

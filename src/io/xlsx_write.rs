//! Streaming xlsx export.
//!
//! rust_xlsxwriter keeps every cell and a shared-string table in memory until it saves:
//! 100,000 contacts took 400 MB and 6 s. An export is one sheet of text cells, so we write the
//! SpreadsheetML ourselves, row by row, with inline strings, straight into the zip stream:
//! memory is one row plus the deflate window, and the output can go directly to the client.
//! The parts mirror what rust_xlsxwriter writes (same styles, frozen header, widths,
//! autofilter, text format on phone and postal code columns). The template, which is small and
//! has data-validation hints, is still built with rust_xlsxwriter (xlsx.rs).

use super::{COLUMNS, contact_cells};
use crate::model::{Contact, GroupId};
use std::fmt::Write as _;
use std::io::{Seek, Write};
use zip::ZipWriter;
use zip::write::SimpleFileOptions;

/// Excel's limit on the text of one cell, and its last row.
const MAX_CELL_CHARS: usize = 32_767;
const MAX_ROWS: u32 = 1_048_576;

/// Column letters A..T for the 20 template columns.
const LETTERS: [&str; 20] =
    ["A", "B", "C", "D", "E", "F", "G", "H", "I", "J", "K", "L", "M", "N", "O", "P", "Q", "R", "S", "T"];

/// Column widths in characters (Excel adds 0.7109375 of padding), in COLUMNS order.
pub(super) const WIDTHS: [f64; 20] = [
    24.0, 22.0, 30.0, 18.0, 18.0, 28.0, 28.0, 28.0, 24.0, 24.0, 20.0, 30.0, 18.0, 12.0, 16.0, 16.0, 40.0, 24.0, 18.0,
    18.0,
];

/// Columns shown as text ("@") so Excel keeps "0612..." as typed: Mobile, Phone, Postal Code.
const TEXT_COLUMNS: [usize; 3] = [3, 4, 13];

const XML_HEAD: &str = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>"#;

const CONTENT_TYPES: &str = r#"<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/></Types>"#;

const ROOT_RELS: &str = r#"<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>"#;

const WORKBOOK_RELS: &str = r#"<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/><Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" Target="styles.xml"/></Relationships>"#;

/// Style 1: the header (bold white on Teams purple, thin bottom border); style 2: text ("@").
const STYLES: &str = r#"<styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><numFmts count="1"><numFmt numFmtId="164" formatCode="@"/></numFmts><fonts count="2"><font><sz val="11"/><color theme="1"/><name val="Calibri"/><family val="2"/><scheme val="minor"/></font><font><b/><sz val="11"/><color rgb="FFFFFFFF"/><name val="Calibri"/><family val="2"/><scheme val="minor"/></font></fonts><fills count="3"><fill><patternFill patternType="none"/></fill><fill><patternFill patternType="gray125"/></fill><fill><patternFill patternType="solid"><fgColor rgb="FF464EB8"/><bgColor indexed="64"/></patternFill></fill></fills><borders count="2"><border><left/><right/><top/><bottom/><diagonal/></border><border><left/><right/><top/><bottom style="thin"><color auto="1"/></bottom><diagonal/></border></borders><cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs><cellXfs count="3"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/><xf numFmtId="0" fontId="1" fillId="2" borderId="1" xfId="0" applyFont="1" applyFill="1" applyBorder="1"/><xf numFmtId="164" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/></cellXfs><cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles><dxfs count="0"/><tableStyles count="0" defaultTableStyle="TableStyleMedium9" defaultPivotStyle="PivotStyleLight16"/></styleSheet>"#;

/// Escape text for an inline string: XML entities, CR kept as a character reference (a raw CR
/// would be normalised away by XML parsers), other control characters and a literal
/// `_xHHHH_` in Excel's own `_xHHHH_` notation, which Excel and calamine both decode.
fn escape(s: &str, out: &mut String) {
    let b = s.as_bytes();
    for (i, c) in s.char_indices() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '\r' => out.push_str("&#13;"),
            '\t' | '\n' => out.push(c),
            c if c.is_control() => {
                let _ = write!(out, "_x{:04X}_", c as u32);
            }
            '_' if b.get(i + 1) == Some(&b'x')
                && b.len() >= i + 7
                && b[i + 2..i + 6].iter().all(u8::is_ascii_hexdigit)
                && b[i + 6] == b'_' =>
            {
                out.push_str("_x005F_");
            }
            c => out.push(c),
        }
    }
}

fn cell(out: &mut String, col: usize, row: u32, style: Option<u8>, text: &str) {
    let _ = write!(out, r#"<c r="{}{row}""#, LETTERS[col]);
    if let Some(s) = style {
        let _ = write!(out, r#" s="{s}""#);
    }
    // xml:space="preserve" keeps leading/trailing whitespace; stored values are trimmed, so it
    // is rarely needed, and leaving it out saves a fifth of the sheet's size.
    if text.starts_with(char::is_whitespace) || text.ends_with(char::is_whitespace) {
        out.push_str(r#" t="inlineStr"><is><t xml:space="preserve">"#);
    } else {
        out.push_str(r#" t="inlineStr"><is><t>"#);
    }
    let text = match text.char_indices().nth(MAX_CELL_CHARS) {
        Some((i, _)) => &text[..i],
        None => text,
    };
    escape(text, out);
    out.push_str("</t></is></c>");
}

fn sheet_head() -> String {
    let mut s = String::from(XML_HEAD);
    s.push_str(r#"<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheetViews><sheetView tabSelected="1" workbookViewId="0"><pane ySplit="1" topLeftCell="A2" activePane="bottomLeft" state="frozen"/><selection pane="bottomLeft" activeCell="A2" sqref="A2"/></sheetView></sheetViews><sheetFormatPr defaultRowHeight="15"/><cols>"#);
    for (i, w) in WIDTHS.iter().enumerate() {
        let style = if TEXT_COLUMNS.contains(&i) { r#" style="2""# } else { "" };
        let _ = write!(s, r#"<col min="{n}" max="{n}" width="{}"{style} customWidth="1"/>"#, w + 0.7109375, n = i + 1);
    }
    s.push_str(r#"</cols><sheetData><row r="1" spans="1:18">"#);
    for (i, name) in COLUMNS.iter().enumerate() {
        cell(&mut s, i, 1, Some(1), name);
    }
    s.push_str("</row>");
    s
}

fn export<W: Write + Seek>(
    mut zip: ZipWriter<W>,
    contacts: &mut dyn Iterator<Item = Contact>,
    group_name: &dyn Fn(GroupId) -> Option<String>,
) -> zip::result::ZipResult<W> {
    // Level 1: the XML is very repetitive, so fast deflate still compresses ~7:1 and is
    // several times faster than the default level.
    let opts =
        SimpleFileOptions::default().compression_method(zip::CompressionMethod::Deflated).compression_level(Some(1));
    let part = |zip: &mut ZipWriter<W>, name: &str, body: &str| -> zip::result::ZipResult<()> {
        zip.start_file(name, opts)?;
        zip.write_all(XML_HEAD.as_bytes())?;
        zip.write_all(body.as_bytes())?;
        Ok(())
    };
    part(&mut zip, "[Content_Types].xml", CONTENT_TYPES)?;
    part(&mut zip, "_rels/.rels", ROOT_RELS)?;
    part(&mut zip, "xl/_rels/workbook.xml.rels", WORKBOOK_RELS)?;
    part(&mut zip, "xl/styles.xml", STYLES)?;
    zip.start_file("xl/worksheets/sheet1.xml", opts)?;
    let mut buf = sheet_head();
    let mut row: u32 = 1;
    for c in contacts {
        if row == MAX_ROWS {
            break; // Excel cannot show more; the server caps exports far below this.
        }
        row += 1;
        let _ = write!(buf, r#"<row r="{row}">"#);
        for (i, v) in contact_cells(&c, group_name).iter().enumerate() {
            if !v.is_empty() {
                cell(&mut buf, i, row, TEXT_COLUMNS.contains(&i).then_some(2), v);
            }
        }
        buf.push_str("</row>");
        if buf.len() >= 1 << 16 {
            zip.write_all(buf.as_bytes())?;
            buf.clear();
        }
    }
    let _ = write!(
        buf,
        r#"</sheetData><autoFilter ref="A1:R{row}"/><pageMargins left="0.7" right="0.7" top="0.75" bottom="0.75" header="0.3" footer="0.3"/></worksheet>"#
    );
    zip.write_all(buf.as_bytes())?;
    // The workbook goes last because its autofilter name needs the row count.
    let workbook = format!(
        r#"<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><workbookPr/><bookViews><workbookView xWindow="240" yWindow="15" windowWidth="16095" windowHeight="9660"/></bookViews><sheets><sheet name="Contacts" sheetId="1" r:id="rId1"/></sheets><definedNames><definedName name="_xlnm._FilterDatabase" localSheetId="0" hidden="1">Contacts!$A$1:$R${row}</definedName></definedNames><calcPr calcId="124519" fullCalcOnLoad="1"/></workbook>"#
    );
    part(&mut zip, "xl/workbook.xml", &workbook)?;
    zip.finish()
}

/// All contacts in the template's columns; every cell is a text (inline string) cell, so
/// "=1+1" stays text and never runs.
pub fn write_xlsx(
    contacts: &mut dyn Iterator<Item = Contact>,
    group_name: &dyn Fn(GroupId) -> Option<String>,
) -> Vec<u8> {
    let zip = ZipWriter::new(std::io::Cursor::new(Vec::new()));
    // Writing into a Vec cannot fail, and every string is escaped and bounded.
    export(zip, contacts, group_name).map(|c| c.into_inner()).expect("xlsx export into memory")
}

/// Same as [`write_xlsx`], streamed: the file goes to `out` as it is produced (zip data
/// descriptors instead of seeking back), so the server can send it without holding it.
pub fn write_xlsx_stream(
    out: &mut dyn Write,
    contacts: &mut dyn Iterator<Item = Contact>,
    group_name: &dyn Fn(GroupId) -> Option<String>,
) -> std::io::Result<()> {
    let zip = ZipWriter::new_stream(out);
    export(zip, contacts, group_name).map(|_| ()).map_err(std::io::Error::other)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes() {
        let mut s = String::new();
        escape("a<b>&c\r\n\t_x0041_ _x12 \u{1}", &mut s);
        assert_eq!(s, "a&lt;b&gt;&amp;c&#13;\n\t_x005F_x0041_ _x12 _x0001_");
    }
}

//! xlsx in (calamine, streamed cell by cell) and the template (rust_xlsxwriter).
//! The export is xlsx_write.rs.

use super::fields::Mapping;
use super::{COLUMNS, HEADER_SCAN_ROWS, ImportError, ImportLimits, Parsed, ParsedRow, over_cap, xlsx_guard};
use calamine::{DataRef, Reader, SheetType, Xlsx};
use rust_xlsxwriter::{Color, DataValidation, Format, FormatBorder, Workbook, Worksheet, XlsxError};
use std::io::Cursor;

/// Columns beyond this are ignored: the template has 18, Outlook's export about 90.
const MAX_COLUMNS: u32 = 1024;
/// Most characters kept from a cell before the header row is known (a header, or a title).
const HEADER_CAP: usize = 1024;
/// Longest number format taken as a digit mask: real ones ("+33 0 00 00 00 00") are ~20.
const MAX_MASK_LEN: usize = 64;
/// What a cell over its cap holds in the row buffer when it does not feed a field: non-empty,
/// so the "ignored columns" warning and the header scan still see it.
const OVER_CAP_MARK: &str = "…";

pub(super) fn parse(bytes: &[u8], limits: &ImportLimits) -> Result<Parsed, ImportError> {
    xlsx_guard::check(bytes)?;
    let not_a_file = |e: calamine::XlsxError| ImportError::NotAFile(format!("the workbook cannot be read: {e}"));
    let mut wb = Xlsx::new(Cursor::new(bytes)).map_err(not_a_file)?;
    let is_1904 = wb.has_1904_epoch();
    // The first worksheet (chart sheets and macro sheets have no rows).
    // The first visible worksheet (else the first worksheet): chart and macro sheets have no
    // rows, and a hidden first sheet is usually a lookup table, not the contacts.
    let sheets = wb.sheets_metadata();
    let is_ws = |s: &&calamine::Sheet| s.typ == SheetType::WorkSheet;
    let sheet = (sheets.iter().filter(is_ws).find(|s| s.visible == calamine::SheetVisible::Visible))
        .or_else(|| sheets.iter().find(is_ws))
        .map(|s| s.name.clone())
        .ok_or_else(|| ImportError::NotAFile("the workbook has no worksheet".into()))?;
    let mut cells = wb.worksheet_cells_reader(&sheet).map_err(not_a_file)?;

    let mut st = State { out: Parsed::default(), mapping: None, scanned: 0, first_header: None, limits };
    let mut row: Vec<String> = Vec::new();
    let mut row_errors: Vec<(u32, String)> = Vec::new(); // (column, message) of the current row
    let mut current: Option<u32> = None;
    // Digit masks per style ("00 00 00 00 00" shows 612345678 as 06 12 34 56 78), computed once.
    let masks: Vec<Option<String>> =
        cells.styles().iter().map(|s| s.number_format.as_ref().and_then(|f| digit_mask(&f.format_code))).collect();
    while let Some((cell, style)) = cells.next_cell_with_style_id().map_err(not_a_file)? {
        let (r, c) = cell.get_position();
        if current != Some(r) {
            if let Some(prev) = current {
                st.row(prev as usize + 1, &mut row, &mut row_errors)?;
            }
            current = Some(r);
        }
        if c >= MAX_COLUMNS {
            continue;
        }
        let c = c as usize;
        if row.len() <= c {
            row.resize(c + 1, String::new());
        }
        // A shared string is stored once and may be referenced by every cell: refuse a value
        // over its column's cap here, before it is copied.
        if let Some(s) = text_ref(cell.get_value())
            && over_cap(s, st.cap(c))
        {
            row[c].clear();
            match st.mapping.as_ref().filter(|m| m.is_mapped(c)) {
                Some(m) => row_errors.push((c as u32, m.too_long(c))),
                None => row[c].push_str(OVER_CAP_MARK),
            }
            continue;
        }
        match cell.get_value() {
            DataRef::Error(e) => row_errors.push((c as u32, format!("the cell holds an Excel error ({e})"))),
            DataRef::Float(f)
                if f.fract() == 0.0 && *f >= 0.0 && *f < 1e15 && masks.get(style).is_some_and(Option::is_some) =>
            {
                row[c].clear();
                apply_mask(*f as u64, masks[style].as_deref().unwrap_or("0"), &mut row[c]);
            }
            v => text_of(v, is_1904, &mut row[c]),
        }
    }
    if let Some(prev) = current {
        st.row(prev as usize + 1, &mut row, &mut row_errors)?;
    }
    let Some(mapping) = st.mapping else {
        return Err(st.first_header.unwrap_or_else(|| ImportError::NoHeader("the first sheet is empty".into())));
    };
    st.out.warnings.extend(mapping.warning());
    Ok(st.out)
}

struct State<'l> {
    out: Parsed,
    mapping: Option<Mapping>,
    scanned: usize,
    first_header: Option<ImportError>,
    limits: &'l ImportLimits,
}

impl State<'_> {
    /// Most characters a cell of column `c` may hold.
    fn cap(&self, c: usize) -> usize {
        self.mapping.as_ref().map_or(HEADER_CAP, |m| m.cap(c))
    }

    /// One complete spreadsheet row (1-based `n`); clears the buffers for the next.
    fn row(&mut self, n: usize, cells: &mut [String], errors: &mut Vec<(u32, String)>) -> Result<(), ImportError> {
        let result = self.row_inner(n, cells, errors);
        cells.iter_mut().for_each(String::clear);
        errors.clear();
        result
    }

    fn row_inner(&mut self, n: usize, cells: &[String], errors: &[(u32, String)]) -> Result<(), ImportError> {
        let Some(map) = self.mapping.as_mut() else {
            if cells.iter().all(|c| c.trim().is_empty()) {
                return Ok(());
            }
            let headers: Vec<String> = cells.iter().map(|h| h.trim().to_owned()).collect();
            let m = Mapping::new(&headers, self.limits);
            if m.recognised() > 0 {
                self.mapping = Some(m);
            } else {
                // Maybe a title row: look a few rows further, but report the first one.
                self.first_header.get_or_insert_with(|| super::csv::no_header(n, &headers));
                self.scanned += 1;
                if self.scanned >= HEADER_SCAN_ROWS {
                    return Err(self.first_header.take().unwrap_or_else(|| ImportError::NoHeader(String::new())));
                }
            }
            return Ok(());
        };
        let error = errors.iter().find(|(c, _)| map.is_mapped(*c as usize));
        if error.is_none() && cells.iter().all(|c| c.trim().is_empty()) {
            return Ok(()); // empty row (maybe formatted): not a row of data
        }
        // Rows that fail to read count too: the limit is on the file, not on what succeeds.
        let max_rows = self.limits.max_rows;
        if self.out.row_count() == max_rows {
            return Err(ImportError::TooManyRows { max: max_rows });
        }
        if let Some((col, message)) = error {
            let column = map.column_label(*col as usize);
            self.out.reject(n, [(column, message.clone())]);
        } else if let Some(built) = map.build(cells.len(), |i| cells[i].as_str()) {
            if built.errors.is_empty() {
                self.out.keep(ParsedRow { row: n, input: built.input, group_names: built.groups }, self.limits)?;
            } else {
                self.out.reject(n, built.errors);
            }
        }
        Ok(())
    }
}

/// The text a cell refers to, when it is text (shared strings included).
fn text_ref<'a>(v: &'a DataRef<'_>) -> Option<&'a str> {
    match v {
        DataRef::String(s) | DataRef::DateTimeIso(s) | DataRef::DurationIso(s) => Some(s),
        DataRef::SharedString(s) => Some(s),
        _ => None,
    }
}

/// A cell as text: numbers without exponent or ".0" (a phone typed as a number comes back as
/// its digits), dates as ISO dates, booleans as Excel shows them.
fn text_of(v: &DataRef<'_>, is_1904: bool, out: &mut String) {
    use std::fmt::Write;
    out.clear();
    match v {
        DataRef::String(s) | DataRef::DateTimeIso(s) | DataRef::DurationIso(s) => out.push_str(s),
        DataRef::SharedString(s) => out.push_str(s),
        DataRef::Int(i) => {
            let _ = write!(out, "{i}");
        }
        DataRef::Float(f) => push_number(*f, out),
        DataRef::Bool(b) => out.push_str(if *b { "TRUE" } else { "FALSE" }),
        DataRef::DateTime(d) if d.is_datetime() => push_date(d.as_f64(), is_1904, out),
        DataRef::DateTime(d) => push_number(d.as_f64(), out),
        DataRef::Error(_) | DataRef::Empty => {}
    }
}

/// A number format that only places digits ("0000000000", "00 00 00 00 00", "\+33 0 00",
/// "000-000-0000"): the mask with literals unquoted, `0` and `#` as digit places. Formats
/// with decimals, thousands separators, dates, colours or several sections are not masks.
fn digit_mask(code: &str) -> Option<String> {
    // A mask is applied to every number of its style: a long one would be copied per cell.
    if code.len() > MAX_MASK_LEN {
        return None;
    }
    let (mut out, mut chars, mut zeros) = (String::new(), code.chars(), 0);
    while let Some(c) = chars.next() {
        match c {
            '0' => {
                zeros += 1;
                out.push('0');
            }
            '#' => out.push('#'),
            '\\' => out.push(chars.next().map(|l| if l == '0' || l == '#' { '\u{1}' } else { l })?),
            '"' => {
                for l in chars.by_ref() {
                    if l == '"' {
                        break;
                    }
                    out.push(if l == '0' || l == '#' { '\u{1}' } else { l });
                }
            }
            ' ' | '-' | '(' | ')' | '+' | '/' => out.push(c),
            // Decimals, thousands, sections, colours, dates: not a digit mask.
            _ => return None,
        }
    }
    // A lone "0" is Excel's plain integer format: nothing to keep.
    (zeros >= 2).then_some(out)
}

/// Lay the digits of `n` into a mask from the right; extra digits go before the first place.
fn apply_mask(n: u64, mask: &str, out: &mut String) {
    let digits = n.to_string();
    let mut d = digits.bytes().rev().peekable();
    let mut rev: Vec<char> = Vec::with_capacity(mask.len() + digits.len());
    let places = mask.chars().filter(|&c| c == '0' || c == '#').count();
    let mut seen = 0;
    for m in mask.chars().rev() {
        match m {
            '0' | '#' => {
                seen += 1;
                match d.next() {
                    Some(x) => rev.push(x as char),
                    None if m == '0' => rev.push('0'),
                    None => {}
                }
                if seen == places {
                    rev.extend(d.by_ref().map(char::from));
                }
            }
            '\u{1}' => {}
            c => rev.push(c),
        }
    }
    out.extend(rev.into_iter().rev());
}

fn push_number(f: f64, out: &mut String) {
    use std::fmt::Write;
    // f64's Display never uses an exponent, and prints integral values without ".0".
    if f.fract() == 0.0 && f.abs() < 1e17 {
        let _ = write!(out, "{}", f as i64);
    } else {
        let _ = write!(out, "{f}");
    }
}

/// An Excel serial date as `YYYY-MM-DD` (or `YYYY-MM-DD HH:MM:SS` when it has a time).
fn push_date(serial: f64, is_1904: bool, out: &mut String) {
    use std::fmt::Write;
    use time::{Date, Duration, Month};
    let (base, mut days) = if is_1904 {
        (Date::from_calendar_date(1904, Month::January, 1), serial.floor() as i64)
    } else {
        // Excel counts a 29 February 1900 that never was: serials from 61 on are one day ahead.
        let d = serial.floor() as i64;
        (Date::from_calendar_date(1899, Month::December, 31), if d >= 61 { d - 1 } else { d })
    };
    let secs = ((serial - serial.floor()) * 86_400.0).round() as i64;
    if secs >= 86_400 {
        days += 1;
    }
    let Some(date) = base.ok().and_then(|b| b.checked_add(Duration::days(days))) else {
        return push_number(serial, out);
    };
    let _ = write!(out, "{:04}-{:02}-{:02}", date.year(), u8::from(date.month()), date.day());
    let secs = secs % 86_400;
    if secs != 0 {
        let _ = write!(out, " {:02}:{:02}:{:02}", secs / 3600, secs / 60 % 60, secs % 60);
    }
}

/// The example row's person, recognised (and left out) when a filled template is imported.
pub(super) const EXAMPLE_PERSON: (&str, &str) = (EXAMPLE[0], EXAMPLE[2]);

const EXAMPLE: [&str; 20] = [
    "Clément Dupont",
    "Sales Manager",
    "clement.dupont@example.com",
    "+33 6 12 34 56 78",
    "+33 1 23 45 67 89",
    "https://example.com",
    "https://www.linkedin.com/in/clement-dupont",
    "",
    "https://x.com/clementdupont",
    "Example SA",
    "Sales",
    "10 rue de la Paix",
    "Paris",
    "75002",
    "Île-de-France",
    "France",
    "Met at the 2024 trade fair",
    "Customers; Paris",
    "Clément",
    "Dupont",
];

fn header_format() -> Format {
    Format::new()
        .set_bold()
        .set_font_color(Color::White)
        .set_background_color(Color::RGB(0x464EB8)) // Teams purple
        .set_border_bottom(FormatBorder::Thin)
}

/// The header row, widths, frozen first row; text format on the phone and postal code
/// columns so that Excel keeps "0612..." as typed instead of turning it into a number.
fn setup_sheet(ws: &mut Worksheet) -> Result<(), XlsxError> {
    ws.set_name("Contacts")?;
    let header = header_format();
    let text = Format::new().set_num_format("@");
    for (i, name) in COLUMNS.iter().enumerate() {
        let col = i as u16;
        ws.write_string_with_format(0, col, *name, &header)?;
        ws.set_column_width(col, super::xlsx_write::WIDTHS[i])?;
        if matches!(*name, "Mobile" | "Phone" | "Postal Code") {
            ws.set_column_format(col, &text)?;
        }
    }
    ws.set_freeze_panes(1, 0)?;
    Ok(())
}

fn hint(title: &str, message: &str) -> Result<DataValidation, XlsxError> {
    DataValidation::new().allow_any_value().set_input_title(title)?.set_input_message(message)
}

fn build_template() -> Result<Vec<u8>, XlsxError> {
    let mut wb = Workbook::new();
    let ws = wb.add_worksheet();
    setup_sheet(ws)?;
    for (i, v) in EXAMPLE.iter().enumerate() {
        if !v.is_empty() {
            ws.write_string(1, i as u16, *v)?;
        }
    }
    // Excel shows an input message when a cell of the column is selected; that is the only
    // "validation" that cannot reject a legitimate value, so it is the one we use.
    let last = 1_048_575;
    let col = |name: &str| COLUMNS.iter().position(|c| *c == name).unwrap_or(0) as u16;
    ws.add_data_validation(
        1,
        col("Full Name"),
        last,
        col("Full Name"),
        &hint("Required", "The contact's full name, e.g. Clément Dupont.")?,
    )?;
    ws.add_data_validation(
        1,
        col("Email"),
        last,
        col("Email"),
        &hint("E-mail", "One address, e.g. name@example.com.")?,
    )?;
    for c in ["Website", "LinkedIn", "Facebook", "X"] {
        ws.add_data_validation(
            1,
            col(c),
            last,
            col(c),
            &hint("Web address", "A full address starting with https://")?,
        )?;
    }
    ws.add_data_validation(
        1,
        col("Groups"),
        last,
        col("Groups"),
        &hint("Groups", "Group names separated by ; (created if they do not exist).")?,
    )?;
    wb.save_to_buffer()
}

/// The import template: styled frozen header in [`COLUMNS`] order, one example row.
pub fn template_xlsx() -> Vec<u8> {
    // Only constant input above can fail here, which the tests exercise.
    build_template().expect("the template is built from constants")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_and_dates() {
        let t = |v: DataRef<'_>| {
            let mut s = String::new();
            text_of(&v, false, &mut s);
            s
        };
        assert_eq!(t(DataRef::Float(615882617.0)), "615882617");
        assert_eq!(t(DataRef::Float(33612345678.0)), "33612345678");
        assert_eq!(t(DataRef::Float(1.5)), "1.5");
        assert_eq!(t(DataRef::Int(42)), "42");
        let d = |serial: f64, is_1904: bool| {
            let mut s = String::new();
            push_date(serial, is_1904, &mut s);
            s
        };
        assert_eq!(d(45292.0, false), "2024-01-01");
        assert_eq!(d(1.0, false), "1900-01-01");
        assert_eq!(d(61.0, false), "1900-03-01");
        assert_eq!(d(45292.5, false), "2024-01-01 12:00:00");
        assert_eq!(d(0.0, true), "1904-01-01");
    }

    #[test]
    fn digit_masks_keep_leading_zeros() {
        let fmt = |code: &str, n: u64| {
            let mut s = String::new();
            apply_mask(n, &digit_mask(code).unwrap_or_else(|| panic!("{code}")), &mut s);
            s
        };
        assert_eq!(fmt("0000000000", 612345678), "0612345678");
        assert_eq!(fmt("00 00 00 00 00", 612345678), "06 12 34 56 78");
        assert_eq!(fmt("\"+33 \"0 00 00 00 00", 612345678), "+33 6 12 34 56 78");
        assert_eq!(fmt("\\(000\\) 000-0000", 4255550100), "(425) 555-0100");
        assert_eq!(fmt("000-000-0000", 4255550100), "425-555-0100");
        assert_eq!(fmt("00000", 75002), "75002");
        assert_eq!(fmt("00000", 1234567), "1234567");
        for not_mask in ["0", "0.00", "#,##0", "yyyy-mm-dd", "0;[Red]0", "General", "@"] {
            assert!(digit_mask(not_mask).is_none(), "{not_mask}");
        }
        // Through a real file: a French phone column formatted as "00 00 00 00 00".
        let mut wb = rust_xlsxwriter::Workbook::new();
        let ws = wb.add_worksheet();
        ws.write_string(0, 0, "Full Name").unwrap();
        ws.write_string(0, 1, "Mobile").unwrap();
        ws.write_string(1, 0, "A").unwrap();
        let f = Format::new().set_num_format("00 00 00 00 00");
        ws.write_number_with_format(1, 1, 612345678.0, &f).unwrap();
        let p = parse(&wb.save_to_buffer().unwrap(), &ImportLimits::rows(10)).unwrap();
        assert_eq!(p.rows[0].input.mobile.as_deref(), Some("06 12 34 56 78"));
    }

    #[test]
    fn template_reads_back_as_one_row() {
        let p = parse(&template_xlsx(), &ImportLimits::rows(10)).unwrap();
        assert!(p.errors.is_empty() && p.warnings.is_empty(), "{p:?}");
        assert_eq!(p.rows.len(), 1);
        assert_eq!(p.rows[0].row, 2);
        assert_eq!(p.rows[0].input.full_name.as_deref(), Some("Clément Dupont"));
        assert_eq!(p.rows[0].group_names, ["Customers", "Paris"]);
    }
}

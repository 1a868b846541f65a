//! Refuse hostile xlsx files before calamine touches them.
//!
//! calamine inflates sharedStrings.xml and styles into memory when it opens a workbook and
//! streams the sheet through quick-xml, whose buffer grows to the size of the largest element:
//! a zip bomb (a few MB that inflate to GBs, typically one endless text node) would take the
//! process down. The zip central directory declares every entry's uncompressed size, and the
//! `zip` crate (>= 9.8) refuses to inflate past the declared size while reading, so checking
//! the declared sizes here bounds what is actually decompressed later.

use super::ImportError;
use std::io::Cursor;

/// Largest worksheet XML accepted (declared, uncompressed). 100,000 rows of the template are
/// about 40-70 MB.
pub const MAX_SHEET_BYTES: u64 = 200 << 20;
/// Largest other part (sharedStrings.xml, styles, ...). These are held in memory whole.
pub const MAX_PART_BYTES: u64 = 100 << 20;
/// Sum of all declared sizes.
const MAX_TOTAL_BYTES: u64 = 300 << 20;
/// Deflate tops out near 1032:1; real spreadsheets compress 5-30:1, very regular ones ~100:1.
const MAX_RATIO: u64 = 400;
/// Ratios are only meaningful on parts big enough to hurt.
const RATIO_MIN_BYTES: u64 = 10 << 20;
/// An xlsx has a dozen parts; thousands of entries is not a spreadsheet.
const MAX_ENTRIES: usize = 10_000;

pub(super) const OLE2_MAGIC: &[u8] = b"\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1";

pub(super) fn check(bytes: &[u8]) -> Result<(), ImportError> {
    let bad = |m: String| Err(ImportError::NotAFile(m));
    if bytes.starts_with(OLE2_MAGIC) {
        return bad("this is an old Excel 97-2003 (.xls) file or a password-protected workbook; save it as .xlsx (Excel Workbook) and import that".into());
    }
    if !bytes.starts_with(b"PK") {
        return bad("not an Excel .xlsx file (it is not a zip archive)".into());
    }
    let archive = zip::ZipArchive::new(Cursor::new(bytes)).map_err(|e| {
        ImportError::NotAFile(format!("the .xlsx archive is damaged or truncated ({e}); save it again from Excel"))
    })?;
    if archive.len() > MAX_ENTRIES {
        return bad(format!("the archive has {} entries, which no spreadsheet has", archive.len()));
    }
    let mut total: u64 = 0;
    let mut has_workbook = false;
    for i in 0..archive.len() {
        let entry = archive
            .by_index_data(i)
            .map_err(|e| ImportError::NotAFile(format!("the .xlsx archive is damaged ({e})")))?;
        let name = entry.name().map(|n| n.into_owned()).unwrap_or_default();
        let name = name.as_str();
        let (size, packed) = (entry.size(), entry.compressed_size().max(1));
        has_workbook |= name.eq_ignore_ascii_case("xl/workbook.xml") || name.eq_ignore_ascii_case("xl/workbook.bin");
        let is_sheet = name.starts_with("xl/worksheets/");
        let limit = if is_sheet { MAX_SHEET_BYTES } else { MAX_PART_BYTES };
        if size > limit {
            return bad(format!(
                "the part {name} would expand to {} MB (limit {} MB); the file is too large or a zip bomb",
                size >> 20,
                limit >> 20
            ));
        }
        if size >= RATIO_MIN_BYTES && size / packed > MAX_RATIO {
            return bad(format!("the part {name} is compressed {}:1, which only a zip bomb is", size / packed));
        }
        total = total.saturating_add(size);
    }
    if total > MAX_TOTAL_BYTES {
        return bad(format!("the workbook would expand to {} MB (limit {} MB)", total >> 20, MAX_TOTAL_BYTES >> 20));
    }
    if !has_workbook {
        return bad("a zip archive but not an Excel workbook (no xl/workbook.xml)".into());
    }
    Ok(())
}

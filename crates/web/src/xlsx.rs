//! Excel workbooks of lists: sheets with a bold header row, set widths and text cells.

use crate::error::{AppError, AppResult};

/// One worksheet: its name, its columns (header, width) and its rows of text.
pub struct Sheet<'a> {
    /// Worksheet name (at most 31 characters).
    pub name: &'a str,
    /// (header, column width) of each column.
    pub header: &'a [(&'a str, f64)],
    /// The rows, one text per column.
    pub rows: Vec<Vec<String>>,
}

/// A workbook of `sheets`, as the bytes of an .xlsx file.
pub fn workbook(sheets: &[Sheet<'_>]) -> AppResult<Vec<u8>> {
    let fail = |e: rust_xlsxwriter::XlsxError| AppError::Internal(anyhow::anyhow!("xlsx: {e}"));
    let mut wb = rust_xlsxwriter::Workbook::new();
    let bold = rust_xlsxwriter::Format::new().set_bold();
    for s in sheets {
        let ws = wb.add_worksheet();
        ws.set_name(s.name).map_err(fail)?;
        for (i, (h, width)) in s.header.iter().enumerate() {
            ws.write_string_with_format(0, i as u16, *h, &bold).map_err(fail)?;
            ws.set_column_width(i as u16, *width).map_err(fail)?;
        }
        for (n, row) in s.rows.iter().enumerate() {
            for (i, v) in row.iter().enumerate() {
                ws.write_string((n + 1) as u32, i as u16, v).map_err(fail)?;
            }
        }
    }
    wb.save_to_buffer().map_err(fail)
}

//! Printed documents (出版物): a [`pocnet_domain::document::Document`] — the
//! white paper, and later certificates and reports — typeset as an A4 PDF
//! ([`pdf`]) with the Chinese font shipped in `fonts/` ([`font`]), and written
//! as an Excel workbook of its tables ([`xlsx`]). [`layout`] holds the pure
//! rules (line breaking with 避头尾, table columns) the PDF follows.

pub mod font;
pub mod layout;
pub mod pdf;
pub mod xlsx;

pub use pdf::{render as pdf, PrintError, Printed};
pub use xlsx::workbook as xlsx;

//! Printed documents (出版物): a [`pocnet_domain::document::Document`] — the
//! white paper — typeset as an A4 PDF ([`mod@pdf`]) with the Chinese font shipped
//! in `fonts/` ([`font`]), and written as an Excel workbook of its tables
//! ([`mod@xlsx`]); a signed document's [`pocnet_domain::document::Certificate`]
//! printed with its QR code and its evidence bundle attached ([`certificate`]).
//! [`layout`] holds the pure rules (line breaking with 避头尾, table columns)
//! the PDFs follow.

pub mod certificate;
pub mod font;
pub mod layout;
pub mod pdf;
pub mod xlsx;

pub use pdf::{render as pdf, PrintError, Printed};
pub use xlsx::workbook as xlsx;

//! Intake of a research result (成果入库申请): the fields a researcher's
//! form, an operator's entry or a spreadsheet row carry, parsed into a draft
//! with every error named.

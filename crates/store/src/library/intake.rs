//! Storing results at intake: one from a form, or a spreadsheet's rows in a
//! single transaction.

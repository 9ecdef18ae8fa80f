//! A small bank ledger: parse entries, apply them to a balance, print a report.
//! The bundled example for trim: a library, a binary, unit and integration
//! tests, and a second package (`audit`) that depends on this one.

pub mod balance;
pub mod entry;
pub mod report;

pub use balance::{apply, Account, LedgerError};
pub use entry::{parse_entry, Entry};

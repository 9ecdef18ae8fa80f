use crate::balance::{apply, Account};
use crate::entry::parse_entry;

const HEADER: &str = include_str!("report_header.txt");

/// Runs every line of `text` through the ledger and describes the result.
pub fn report(text: &str) -> String {
    let mut account = Account::default();
    let mut refused = 0;
    for line in text.lines().filter(|l| !l.trim().is_empty()) {
        match parse_entry(line) {
            Some(entry) => {
                if apply(&mut account, entry).is_err() {
                    refused += 1;
                }
            }
            None => refused += 1,
        }
    }
    format!("{}balance: {}\nfees: {}\nrefused: {}\n", HEADER, account.balance, account.fees_paid, refused)
}

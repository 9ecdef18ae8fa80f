//! Audits a ledger: flags accounts that paid more in fees than they hold.
use ledger::{apply, parse_entry, Account};

pub fn suspicious(text: &str) -> bool {
    let mut account = Account::default();
    for entry in text.lines().filter_map(parse_entry) {
        let _ = apply(&mut account, entry);
    }
    account.fees_paid > account.balance
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fees_above_balance_are_suspicious() {
        assert!(suspicious("deposit 3\nfee\nfee\n"));
    }

    #[test]
    fn healthy_account_is_not() {
        assert!(!suspicious("deposit 100\nfee\n"));
    }
}

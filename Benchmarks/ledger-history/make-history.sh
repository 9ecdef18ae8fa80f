#!/usr/bin/env bash
# Builds a git repository holding a scripted history of the bundled example
# workspace (Examples/ledger): 25 commits of the kinds a real project sees —
# features with their tests, bug fixes, refactors, constant changes,
# comment-only and test-only changes, a data file change, two commits that
# break tests (and the commits that repair them), one that does not build,
# and a release that only bumps the versions.
#
#   Benchmarks/ledger-history/make-history.sh DEST
#
# DEST must not exist. Authors and dates are fixed, so the commit ids (and
# with them the mutants simulate-history picks) are the same on every run.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=../history-lib.sh
. "$here/../history-lib.sh"
start_history ledger "${1:?usage: make-history.sh DEST}" "Ledger Developer" "dev@ledger.example" 2025-01

commit "Import the ledger example"

replace src/entry.rs 'let kind = words.next()?;' 'let kind = words.next()?.to_ascii_lowercase();'
replace src/entry.rs 'match kind {' 'match kind.as_str() {'
before_last_brace src/entry.rs <<'EOF'

    #[test]
    fn parses_upper_case() {
        assert_eq!(parse_entry("DEPOSIT 7"), Some(Entry::Deposit(7)));
    }
EOF
commit "entry: accept upper-case keywords"

replace src/balance.rs 'pub const FEE: u64 = 2;' 'pub const FEE: u64 = 3;'
replace src/balance.rs 'Account { balance: 8, fees_paid: 2 }' 'Account { balance: 7, fees_paid: 3 }'
commit "balance: raise the fee to 3"

replace src/balance.rs '/// Applies one entry; a withdrawal larger than the balance is refused.' \
'/// Applies one entry to the account.
///
/// A withdrawal larger than the balance is refused and leaves the account
/// as it was; a fee never takes the balance below zero.'
commit "balance: document the overdraft rule"

replace src/report.rs 'use crate::entry::parse_entry;' 'use crate::entry::{parse_entry, Entry};'
replace src/report.rs '    let mut refused = 0;' '    let mut refused = 0;
    let mut deposits = 0;'
replace src/report.rs '            Some(entry) => {' '            Some(entry) => {
                if let Entry::Deposit(_) = entry {
                    deposits += 1;
                }'
replace src/report.rs 'format!("{}balance: {}\nfees: {}\nrefused: {}\n", HEADER, account.balance, account.fees_paid, refused)' \
'format!(
        "{}balance: {}\nfees: {}\nrefused: {}\ndeposits: {}\n",
        HEADER, account.balance, account.fees_paid, refused, deposits
    )'
cat >> tests/report.rs <<'EOF'

#[test]
fn counts_deposits() {
    let out = report("deposit 1\ndeposit 2\nwithdraw 1\n");
    assert!(out.contains("deposits: 2"), "{out}");
}
EOF
commit "report: count deposits"

replace audit/src/lib.rs '#[cfg(test)]' '/// Lines of `text` the ledger cannot read (blank lines are fine).
pub fn unreadable(text: &str) -> usize {
    text.lines().filter(|l| !l.trim().is_empty() && parse_entry(l).is_none()).count()
}

#[cfg(test)]'
before_last_brace audit/src/lib.rs <<'EOF'

    #[test]
    fn counts_unreadable_lines() {
        assert_eq!(unreadable("deposit 1\nsteal 2\n\nfee\nnope\n"), 2);
    }
EOF
commit "audit: count unreadable lines"

replace src/entry.rs '"deposit" => words.next()?.parse().ok().map(Entry::Deposit),' '"deposit" => amount(words.next()?).map(Entry::Deposit),'
replace src/entry.rs '"withdraw" => words.next()?.parse().ok().map(Entry::Withdrawal),' '"withdraw" => amount(words.next()?).map(Entry::Withdrawal),'
replace src/entry.rs '#[cfg(test)]' '/// An amount, with `_` or `,` allowed between digits (`1_000`, `2,500`).
fn amount(word: &str) -> Option<u64> {
    word.replace(['"'"'_'"'"', '"'"','"'"'], "").parse().ok()
}

#[cfg(test)]'
before_last_brace src/entry.rs <<'EOF'

    #[test]
    fn parses_digit_separators() {
        assert_eq!(parse_entry("deposit 1_000"), Some(Entry::Deposit(1000)));
        assert_eq!(parse_entry("withdraw 2,500"), Some(Entry::Withdrawal(2500)));
    }
EOF
commit "entry: allow digit separators in amounts"

replace src/balance.rs '        Entry::Withdrawal(amount) => {
            if account.balance < amount {
                return Err(LedgerError::Overdrawn { balance: account.balance, wanted: amount });
            }
            account.balance -= amount;
        }' '        Entry::Withdrawal(amount) => withdraw(account, amount)?,'
replace src/balance.rs '#[cfg(test)]' 'fn withdraw(account: &mut Account, amount: u64) -> Result<(), LedgerError> {
    if account.balance < amount {
        return Err(LedgerError::Overdrawn { balance: account.balance, wanted: amount });
    }
    account.balance -= amount;
    Ok(())
}

#[cfg(test)]'
commit "balance: move withdrawals into their own function"

replace src/report_header.txt '=============' '-------------'
commit "report: lighter header rule"

replace src/balance.rs '    if account.balance < amount {' '    if account.balance <= amount {'
commit "balance: refuse withdrawals that would empty the account"

replace src/balance.rs '    if account.balance <= amount {' '    if account.balance < amount {'
commit "balance: an exact withdrawal is allowed again (fixes exact_withdrawal_empties_the_account)"

replace src/main.rs 'fn main() {
    let mut text = String::new();' 'const USAGE: &str = "usage: ledger < FILE\nReads entries (deposit N, withdraw N, fee) and prints a report.\n";

fn wants_help(args: &[String]) -> bool {
    args.iter().any(|a| a == "--help" || a == "-h")
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    if wants_help(&args) {
        print!("{USAGE}");
        return;
    }
    let mut text = String::new();'
cat >> src/main.rs <<'EOF'

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn help_flags_are_recognised() {
        assert!(wants_help(&["-h".to_string()]));
        assert!(wants_help(&["x".to_string(), "--help".to_string()]));
        assert!(!wants_help(&[]));
    }
}
EOF
commit "main: --help prints usage"

replace src/entry.rs '    Fee,
}' '    Fee,
    /// Fees given back (never more than were paid).
    Refund(u64),
}'
replace src/entry.rs '"fee" => Some(Entry::Fee),' '"fee" => Some(Entry::Fee),
        "refund" => amount(words.next()?).map(Entry::Refund),'
replace src/balance.rs '    }
    Ok(())
}

fn withdraw' '        Entry::Refund(amount) => {
            let back = amount.min(account.fees_paid);
            account.fees_paid -= back;
            account.balance += back;
        }
    }
    Ok(())
}

fn withdraw'
before_last_brace src/balance.rs <<'EOF'

    #[test]
    fn refund_returns_at_most_the_fees_paid() {
        let mut account = Account { balance: 1, fees_paid: 2 };
        apply(&mut account, Entry::Refund(5)).unwrap();
        assert_eq!(account, Account { balance: 3, fees_paid: 0 });
    }
EOF
before_last_brace src/entry.rs <<'EOF'

    #[test]
    fn parses_refund() {
        assert_eq!(parse_entry("refund 4"), Some(Entry::Refund(4)));
    }
EOF
commit "entry, balance: refunds"

replace src/balance.rs '    pub balance: u64,' '    pub funds: u64,'
commit "WIP: rename Account::balance to funds"

replace src/balance.rs '    pub funds: u64,' '    pub balance: u64,'
commit "balance: keep the name balance (undo the WIP rename)"

cat >> tests/report.rs <<'EOF'

#[test]
fn refuses_overdrafts() {
    let out = report("deposit 5\nwithdraw 6\n");
    assert!(out.contains("balance: 5") && out.contains("refused: 1"), "{out}");
}
EOF
commit "tests: a report refuses overdrafts"

replace src/report.rs '.filter(|l| !l.trim().is_empty())' '.filter(|l| !l.trim().is_empty() && !l.trim_start().starts_with('"'"'#'"'"'))'
cat >> tests/report.rs <<'EOF'

#[test]
fn skips_comment_lines() {
    let out = report("# salary\ndeposit 5\n");
    assert!(out.contains("refused: 0") && out.contains("balance: 5"), "{out}");
}
EOF
commit "report: skip comment lines"

replace src/balance.rs 'pub const FEE: u64 = 3;' 'pub const FEE: u64 = 3;

/// The largest single withdrawal.
pub const DAILY_LIMIT: u64 = 1_000;'
replace src/balance.rs '    Overdrawn { balance: u64, wanted: u64 },' '    Overdrawn { balance: u64, wanted: u64 },
    OverLimit { wanted: u64 },'
replace src/balance.rs 'fn withdraw(account: &mut Account, amount: u64) -> Result<(), LedgerError> {' 'fn withdraw(account: &mut Account, amount: u64) -> Result<(), LedgerError> {
    if amount > DAILY_LIMIT {
        return Err(LedgerError::OverLimit { wanted: amount });
    }'
before_last_brace src/balance.rs <<'EOF'

    #[test]
    fn large_withdrawal_is_refused() {
        let mut account = Account { balance: 20_000, fees_paid: 0 };
        let result = apply(&mut account, Entry::Withdrawal(10_000));
        assert_eq!(result, Err(LedgerError::OverLimit { wanted: 10_000 }));
        assert_eq!(account.balance, 20_000);
    }
EOF
commit "balance: a daily withdrawal limit"

replace src/entry.rs '    let mut words = line.split_whitespace();' '    let line = line.split('"'"'#'"'"').next().unwrap_or("");
    let mut words = line.split_whitespace();'
before_last_brace src/entry.rs <<'EOF'

    #[test]
    fn ignores_trailing_comments() {
        assert_eq!(parse_entry("deposit 5 # salary"), Some(Entry::Deposit(5)));
    }
EOF
commit "entry: ignore trailing comments"

replace src/balance.rs '/// What the bank charges for a `fee` entry.' '/// What the bank charges per `fee` entry.'
commit "balance: doc wording"

replace src/report.rs '"{}balance: {}\nfees: {}\nrefused: {}\ndeposits: {}\n",' '"{}Balance: {}\nFees: {}\nrefused: {}\ndeposits: {}\n",'
commit "report: capitalise the balance and fee labels"

replace tests/report.rs 'out.contains("balance: 70")' 'out.contains("Balance: 70")'
replace tests/report.rs 'out.contains("balance: 5") && out.contains("refused: 1")' 'out.contains("Balance: 5") && out.contains("refused: 1")'
replace tests/report.rs 'out.contains("refused: 0") && out.contains("balance: 5")' 'out.contains("refused: 0") && out.contains("Balance: 5")'
commit "tests: expect the capitalised labels"

replace audit/src/lib.rs '    let mut account = Account::default();
    for entry in text.lines().filter_map(parse_entry) {
        let _ = apply(&mut account, entry);
    }
    account.fees_paid > account.balance' '    let account = text.lines().filter_map(parse_entry).fold(Account::default(), |mut account, entry| {
        let _ = apply(&mut account, entry);
        account
    });
    account.fees_paid > account.balance'
commit "audit: suspicious() as a fold"

replace src/balance.rs 'pub const DAILY_LIMIT: u64 = 1_000;' 'pub const DAILY_LIMIT: u64 = 5_000;'
commit "balance: raise the daily limit to 5000"

replace Cargo.toml 'version = "0.1.0"' 'version = "0.2.0"'
replace audit/Cargo.toml 'version = "0.1.0"' 'version = "0.2.0"'
commit "release 0.2.0"

echo "make-history: $n commits in $dest"

/// One line of a ledger file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Entry {
    Deposit(u64),
    Withdrawal(u64),
    Fee,
}

/// Parses `deposit 100`, `withdraw 30` or `fee`.
pub fn parse_entry(line: &str) -> Option<Entry> {
    let mut words = line.split_whitespace();
    let kind = words.next()?;
    match kind {
        "deposit" => words.next()?.parse().ok().map(Entry::Deposit),
        "withdraw" => words.next()?.parse().ok().map(Entry::Withdrawal),
        "fee" => Some(Entry::Fee),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_deposit() {
        assert_eq!(parse_entry("deposit 100"), Some(Entry::Deposit(100)));
    }

    #[test]
    fn parses_withdrawal() {
        assert_eq!(parse_entry("withdraw 30"), Some(Entry::Withdrawal(30)));
    }

    #[test]
    fn rejects_garbage() {
        assert_eq!(parse_entry("steal 5"), None);
        assert_eq!(parse_entry("deposit lots"), None);
    }
}

use crate::entry::Entry;

/// What the bank charges for a `fee` entry.
pub const FEE: u64 = 2;

#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Account {
    pub balance: u64,
    pub fees_paid: u64,
}

#[derive(Debug, PartialEq, Eq)]
pub enum LedgerError {
    Overdrawn { balance: u64, wanted: u64 },
}

/// Applies one entry; a withdrawal larger than the balance is refused.
pub fn apply(account: &mut Account, entry: Entry) -> Result<(), LedgerError> {
    match entry {
        Entry::Deposit(amount) => account.balance += amount,
        Entry::Withdrawal(amount) => {
            if account.balance < amount {
                return Err(LedgerError::Overdrawn { balance: account.balance, wanted: amount });
            }
            account.balance -= amount;
        }
        Entry::Fee => {
            let fee = FEE.min(account.balance);
            account.balance -= fee;
            account.fees_paid += fee;
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn deposit_adds() {
        let mut account = Account::default();
        apply(&mut account, Entry::Deposit(10)).unwrap();
        assert_eq!(account.balance, 10);
    }

    #[test]
    fn overdraft_is_refused() {
        let mut account = Account { balance: 5, fees_paid: 0 };
        let result = apply(&mut account, Entry::Withdrawal(6));
        assert_eq!(result, Err(LedgerError::Overdrawn { balance: 5, wanted: 6 }));
    }

    #[test]
    fn exact_withdrawal_empties_the_account() {
        let mut account = Account { balance: 5, fees_paid: 0 };
        apply(&mut account, Entry::Withdrawal(5)).unwrap();
        assert_eq!(account.balance, 0);
    }

    #[test]
    fn fee_is_charged() {
        let mut account = Account { balance: 10, fees_paid: 0 };
        apply(&mut account, Entry::Fee).unwrap();
        assert_eq!(account, Account { balance: 8, fees_paid: 2 });
    }
}

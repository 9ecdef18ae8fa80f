//! Amounts of money in minor units (cents), tied to their currency.
//!
//! Arithmetic between two amounts is checked: different currencies and
//! overflow are errors, never silent.

use std::cmp::Ordering;
use std::fmt;
use std::ops::Neg;
use std::str::FromStr;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Currency {
    Eur,
    Usd,
    Gbp,
    Jpy,
}

impl Currency {
    pub const ALL: [Currency; 4] = [Currency::Eur, Currency::Usd, Currency::Gbp, Currency::Jpy];

    /// The ISO 4217 code.
    pub fn code(self) -> &'static str {
        match self {
            Currency::Eur => "EUR",
            Currency::Usd => "USD",
            Currency::Gbp => "GBP",
            Currency::Jpy => "JPY",
        }
    }

    /// Digits after the decimal point.
    pub fn minor_digits(self) -> u32 {
        match self {
            Currency::Jpy => 0,
            Currency::Eur | Currency::Usd | Currency::Gbp => 2,
        }
    }

    /// Minor units in one major unit (100 cents to the euro).
    pub fn minor_per_major(self) -> i64 {
        10_i64.pow(self.minor_digits())
    }

    pub fn from_code(code: &str) -> Option<Currency> {
        Currency::ALL.into_iter().find(|c| c.code().eq_ignore_ascii_case(code.trim()))
    }
}

impl fmt::Display for Currency {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum MoneyError {
    CurrencyMismatch { left: Currency, right: Currency },
    Overflow,
    Malformed(String),
    UnknownCurrency(String),
    TooManyDecimals { currency: Currency, found: usize },
}

impl fmt::Display for MoneyError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            MoneyError::CurrencyMismatch { left, right } => write!(f, "cannot combine {left} with {right}"),
            MoneyError::Overflow => f.write_str("amount out of range"),
            MoneyError::Malformed(text) => write!(f, "not an amount: {text:?}"),
            MoneyError::UnknownCurrency(code) => write!(f, "unknown currency {code:?}"),
            MoneyError::TooManyDecimals { currency, found } => {
                write!(f, "{currency} has {} decimals, found {found}", currency.minor_digits())
            }
        }
    }
}

impl std::error::Error for MoneyError {}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Money {
    minor: i64,
    currency: Currency,
}

impl Money {
    pub const fn from_minor(minor: i64, currency: Currency) -> Money {
        Money { minor, currency }
    }

    pub const fn zero(currency: Currency) -> Money {
        Money { minor: 0, currency }
    }

    pub fn from_major(major: i64, currency: Currency) -> Money {
        Money::from_minor(major * currency.minor_per_major(), currency)
    }

    pub fn minor(self) -> i64 {
        self.minor
    }

    pub fn currency(self) -> Currency {
        self.currency
    }

    pub fn is_zero(self) -> bool {
        self.minor == 0
    }

    pub fn is_negative(self) -> bool {
        self.minor < 0
    }

    fn same_currency(self, other: Money) -> Result<(), MoneyError> {
        if self.currency != other.currency {
            return Err(MoneyError::CurrencyMismatch { left: self.currency, right: other.currency });
        }
        Ok(())
    }

    pub fn checked_add(self, other: Money) -> Result<Money, MoneyError> {
        self.same_currency(other)?;
        let minor = self.minor.checked_add(other.minor).ok_or(MoneyError::Overflow)?;
        Ok(Money::from_minor(minor, self.currency))
    }

    pub fn checked_sub(self, other: Money) -> Result<Money, MoneyError> {
        self.same_currency(other)?;
        let minor = self.minor.checked_sub(other.minor).ok_or(MoneyError::Overflow)?;
        Ok(Money::from_minor(minor, self.currency))
    }

    /// The amount `quantity` times.
    pub fn times(self, quantity: u32) -> Result<Money, MoneyError> {
        let minor = self.minor.checked_mul(i64::from(quantity)).ok_or(MoneyError::Overflow)?;
        Ok(Money::from_minor(minor, self.currency))
    }

    /// `basis_points` hundredths of a percent of the amount (1950 is 19.5%),
    /// rounded half away from zero.
    pub fn percent_bp(self, basis_points: u32) -> Money {
        let product = i128::from(self.minor) * i128::from(basis_points);
        Money::from_minor(round_div(product, 10_000) as i64, self.currency)
    }

    /// The smaller of two amounts of the same currency.
    pub fn min(self, other: Money) -> Money {
        debug_assert_eq!(self.currency, other.currency);
        if other.minor < self.minor {
            other
        } else {
            self
        }
    }

    /// Splits the amount into `parts` amounts that differ by at most one
    /// minor unit and add up to it exactly; the first parts get the extra units.
    pub fn allocate(self, parts: usize) -> Vec<Money> {
        if parts == 0 {
            return Vec::new();
        }
        self.allocate_by(&vec![1; parts])
    }

    /// Splits the amount in proportion to `weights`; the remainder goes one
    /// unit at a time to the largest fractional shares. All-zero weights
    /// split evenly.
    pub fn allocate_by(self, weights: &[u64]) -> Vec<Money> {
        let total: u128 = weights.iter().map(|&w| u128::from(w)).sum();
        if total == 0 {
            return self.allocate(weights.len());
        }
        let magnitude = u128::from(self.minor.unsigned_abs());
        let mut shares: Vec<u128> = Vec::with_capacity(weights.len());
        let mut remainders: Vec<(u128, usize)> = Vec::with_capacity(weights.len());
        for (index, &weight) in weights.iter().enumerate() {
            let exact = magnitude * u128::from(weight);
            shares.push(exact / total);
            remainders.push((exact % total, index));
        }
        let mut left = magnitude - shares.iter().sum::<u128>();
        remainders.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
        for &(_, index) in &remainders {
            if left == 0 {
                break;
            }
            shares[index] += 1;
            left -= 1;
        }
        let sign = if self.minor < 0 { -1 } else { 1 };
        shares.into_iter().map(|s| Money::from_minor(sign * s as i64, self.currency)).collect()
    }

    /// The sum of `amounts`, all in `currency`.
    pub fn sum<I>(currency: Currency, amounts: I) -> Result<Money, MoneyError>
    where
        I: IntoIterator<Item = Money>,
    {
        amounts.into_iter().try_fold(Money::zero(currency), Money::checked_add)
    }
}

/// Amounts of different currencies are not ordered.
impl PartialOrd for Money {
    fn partial_cmp(&self, other: &Money) -> Option<Ordering> {
        if self.currency != other.currency {
            return None;
        }
        Some(self.minor.cmp(&other.minor))
    }
}

impl Neg for Money {
    type Output = Money;

    fn neg(self) -> Money {
        Money::from_minor(-self.minor, self.currency)
    }
}

/// `numerator / denominator` rounded half away from zero (`denominator` > 0).
pub(crate) fn round_div(numerator: i128, denominator: i128) -> i128 {
    let half = denominator / 2;
    if numerator >= 0 {
        (numerator + half) / denominator
    } else {
        (numerator - half) / denominator
    }
}

fn group_thousands(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, ch) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(ch);
    }
    out
}

impl fmt::Display for Money {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let sign = if self.minor < 0 { "-" } else { "" };
        let magnitude = self.minor.unsigned_abs();
        let digits = self.currency.minor_digits() as usize;
        if digits == 0 {
            return write!(f, "{sign}{} {}", group_thousands(magnitude), self.currency);
        }
        let per_major = self.currency.minor_per_major() as u64;
        let whole = group_thousands(magnitude / per_major);
        write!(f, "{sign}{whole}.{:0digits$} {}", magnitude % per_major, self.currency)
    }
}

/// Reads an amount such as `12.50`, `-3` or `1,200.5` in `currency`.
pub fn parse_amount(text: &str, currency: Currency) -> Result<Money, MoneyError> {
    let text = text.trim();
    let malformed = || MoneyError::Malformed(text.to_string());
    let (negative, unsigned) = match text.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, text),
    };
    let plain = unsigned.replace(',', "");
    let (whole, fraction) = plain.split_once('.').unwrap_or((plain.as_str(), ""));
    let all_digits = |s: &str| s.bytes().all(|b| b.is_ascii_digit());
    if whole.is_empty() || !all_digits(whole) || !all_digits(fraction) {
        return Err(malformed());
    }
    let allowed = currency.minor_digits() as usize;
    if fraction.len() > allowed {
        return Err(MoneyError::TooManyDecimals { currency, found: fraction.len() });
    }
    let whole: i64 = whole.parse().map_err(|_| MoneyError::Overflow)?;
    let mut cents: i64 = if fraction.is_empty() { 0 } else { fraction.parse().map_err(|_| malformed())? };
    for _ in fraction.len()..allowed {
        cents *= 10;
    }
    let minor = whole
        .checked_mul(currency.minor_per_major())
        .and_then(|m| m.checked_add(cents))
        .ok_or(MoneyError::Overflow)?;
    Ok(Money::from_minor(if negative { -minor } else { minor }, currency))
}

impl FromStr for Money {
    type Err = MoneyError;

    /// `12.50 EUR`, `-3 USD`, `1,200 JPY`.
    fn from_str(s: &str) -> Result<Money, MoneyError> {
        let s = s.trim();
        let (amount, code) = s.rsplit_once(' ').ok_or_else(|| MoneyError::Malformed(s.to_string()))?;
        let currency = Currency::from_code(code).ok_or_else(|| MoneyError::UnknownCurrency(code.to_string()))?;
        parse_amount(amount, currency)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn eur(minor: i64) -> Money {
        Money::from_minor(minor, Currency::Eur)
    }

    #[test]
    fn formats_cents() {
        assert_eq!(eur(1250).to_string(), "12.50 EUR");
        assert_eq!(eur(5).to_string(), "0.05 EUR");
    }

    #[test]
    fn formats_yen_without_decimals() {
        assert_eq!(Money::from_minor(1500, Currency::Jpy).to_string(), "1,500 JPY");
    }

    #[test]
    fn formats_negative_amounts_and_thousands() {
        assert_eq!(eur(-12_345_678).to_string(), "-123,456.78 EUR");
        assert_eq!(group_thousands(999), "999");
        assert_eq!(group_thousands(1_000_000), "1,000,000");
    }

    #[test]
    fn parses_amount_with_currency() {
        assert_eq!("12.50 EUR".parse::<Money>(), Ok(eur(1250)));
        assert_eq!("-3 usd".parse::<Money>(), Ok(Money::from_minor(-300, Currency::Usd)));
        assert_eq!("1,200 JPY".parse::<Money>(), Ok(Money::from_minor(1200, Currency::Jpy)));
    }

    #[test]
    fn short_fraction_is_padded() {
        assert_eq!(parse_amount("4.5", Currency::Eur), Ok(eur(450)));
    }

    #[test]
    fn rejects_bad_amounts() {
        assert_eq!(
            parse_amount("1.005", Currency::Eur),
            Err(MoneyError::TooManyDecimals { currency: Currency::Eur, found: 3 })
        );
        assert_eq!(parse_amount("12a", Currency::Eur), Err(MoneyError::Malformed("12a".into())));
        assert_eq!(parse_amount(".5", Currency::Eur), Err(MoneyError::Malformed(".5".into())));
        assert_eq!("5 XYZ".parse::<Money>(), Err(MoneyError::UnknownCurrency("XYZ".into())));
    }

    #[test]
    fn adding_different_currencies_fails() {
        let dollars = Money::from_minor(100, Currency::Usd);
        assert_eq!(
            eur(100).checked_add(dollars),
            Err(MoneyError::CurrencyMismatch { left: Currency::Eur, right: Currency::Usd })
        );
    }

    #[test]
    fn overflow_is_reported() {
        assert_eq!(eur(i64::MAX).checked_add(eur(1)), Err(MoneyError::Overflow));
        assert_eq!(eur(i64::MAX / 2).times(3), Err(MoneyError::Overflow));
    }

    #[test]
    fn percent_rounds_half_away_from_zero() {
        assert_eq!(eur(1000).percent_bp(1900), eur(190));
        assert_eq!(eur(5).percent_bp(1000), eur(1)); // 0.5 rounds up
        assert_eq!(eur(-5).percent_bp(1000), eur(-1));
        assert_eq!(eur(999).percent_bp(550), eur(55)); // 54.945
    }

    #[test]
    fn allocate_spreads_the_remainder() {
        assert_eq!(eur(100).allocate(3), vec![eur(34), eur(33), eur(33)]);
        assert_eq!(eur(-100).allocate(3), vec![eur(-34), eur(-33), eur(-33)]);
        assert!(eur(100).allocate(0).is_empty());
    }

    #[test]
    fn allocate_by_weights_adds_up() {
        let parts = eur(1000).allocate_by(&[1, 2, 3]);
        assert_eq!(parts, vec![eur(167), eur(333), eur(500)]);
        assert_eq!(Money::sum(Currency::Eur, parts), Ok(eur(1000)));
        assert_eq!(eur(10).allocate_by(&[0, 0]), vec![eur(5), eur(5)]);
    }

    #[test]
    fn sums_and_minimum() {
        assert_eq!(Money::sum(Currency::Eur, [eur(1), eur(2), eur(3)]), Ok(eur(6)));
        assert_eq!(Money::sum(Currency::Eur, []), Ok(eur(0)));
        assert_eq!(eur(7).min(eur(3)), eur(3));
        assert_eq!(-eur(7), eur(-7));
    }
}

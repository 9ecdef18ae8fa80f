//! Currency conversion at the shop's fixed reference rates.
//!
//! Catalog prices are in euros; orders are charged in the currency of the
//! region they ship to. Rates are set by finance once a quarter.

use crate::money::{round_div, Currency, Money};

/// Units of each currency per euro, in millionths.
const RATES_PER_EUR_MICRO: [(Currency, i64); 4] = [
    (Currency::Eur, 1_000_000),
    (Currency::Usd, 1_080_000),
    (Currency::Gbp, 850_000),
    (Currency::Jpy, 162_000_000),
];

fn micro_rate(currency: Currency) -> i64 {
    RATES_PER_EUR_MICRO
        .iter()
        .find(|(c, _)| *c == currency)
        .map(|&(_, rate)| rate)
        .expect("every currency has a rate")
}

/// `amount` in `to`, rounded half away from zero to `to`'s minor unit.
pub fn convert(amount: Money, to: Currency) -> Money {
    let from = amount.currency();
    if from == to {
        return amount;
    }
    // minor_to = minor_from * rate_to / rate_from * 10^(digits_to - digits_from)
    let numerator = i128::from(amount.minor()) * i128::from(micro_rate(to)) * i128::from(to.minor_per_major());
    let denominator = i128::from(micro_rate(from)) * i128::from(from.minor_per_major());
    Money::from_minor(round_div(numerator, denominator) as i64, to)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn same_currency_is_unchanged() {
        let amount = Money::from_minor(1234, Currency::Gbp);
        assert_eq!(convert(amount, Currency::Gbp), amount);
    }

    #[test]
    fn euro_to_dollar() {
        assert_eq!(convert(Money::from_minor(1000, Currency::Eur), Currency::Usd), Money::from_minor(1080, Currency::Usd));
    }

    #[test]
    fn euro_to_yen_drops_the_decimals() {
        assert_eq!(convert(Money::from_minor(490, Currency::Eur), Currency::Jpy), Money::from_minor(794, Currency::Jpy));
    }

    #[test]
    fn pound_to_euro_rounds() {
        // 1.00 GBP = 1.17647... EUR
        assert_eq!(convert(Money::from_minor(100, Currency::Gbp), Currency::Eur), Money::from_minor(118, Currency::Eur));
    }
}

//! Sales tax (VAT) by destination region and product category.
//!
//! Rates are in basis points (1900 = 19%). Tax is computed on the sum of
//! the lines at each rate and rounded once per rate, the way an invoice
//! shows it.

use std::collections::BTreeMap;
use std::fmt;

use crate::catalog::Category;
use crate::money::{Currency, Money};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Region {
    Germany,
    France,
    Netherlands,
    Ireland,
    UnitedKingdom,
    UnitedStates,
    Japan,
}

impl Region {
    pub const ALL: [Region; 7] = [
        Region::Germany,
        Region::France,
        Region::Netherlands,
        Region::Ireland,
        Region::UnitedKingdom,
        Region::UnitedStates,
        Region::Japan,
    ];

    pub fn code(self) -> &'static str {
        match self {
            Region::Germany => "DE",
            Region::France => "FR",
            Region::Netherlands => "NL",
            Region::Ireland => "IE",
            Region::UnitedKingdom => "GB",
            Region::UnitedStates => "US",
            Region::Japan => "JP",
        }
    }

    /// Accepts the two-letter code in any case; `UK` is taken for `GB`.
    pub fn from_code(code: &str) -> Option<Region> {
        let code = code.trim().to_ascii_uppercase();
        if code == "UK" {
            return Some(Region::UnitedKingdom);
        }
        Region::ALL.into_iter().find(|r| r.code() == code)
    }

    pub fn is_eu(self) -> bool {
        matches!(self, Region::Germany | Region::France | Region::Netherlands | Region::Ireland)
    }

    /// What customers there pay in.
    pub fn currency(self) -> Currency {
        match self {
            Region::UnitedKingdom => Currency::Gbp,
            Region::UnitedStates => Currency::Usd,
            Region::Japan => Currency::Jpy,
            _ => Currency::Eur,
        }
    }
}

impl fmt::Display for Region {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

/// Which rate a category pays.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RateKind {
    Standard,
    Reduced,
    /// Books in some countries.
    Zero,
    /// Not a supply of goods (gift cards): no tax at sale.
    Exempt,
}

/// (region, standard, reduced) in basis points.
const RATES: [(Region, u32, u32); 7] = [
    (Region::Germany, 1900, 700),
    (Region::France, 2000, 550),
    (Region::Netherlands, 2100, 900),
    (Region::Ireland, 2300, 1350),
    (Region::UnitedKingdom, 2000, 500),
    // The shop does not collect US sales tax.
    (Region::UnitedStates, 0, 0),
    (Region::Japan, 1000, 800),
];

pub fn rate_kind(region: Region, category: Category) -> RateKind {
    match category {
        Category::Gift => RateKind::Exempt,
        Category::Grocery => RateKind::Reduced,
        Category::Books if region == Region::UnitedKingdom || region == Region::Ireland => RateKind::Zero,
        Category::Books => RateKind::Reduced,
        Category::Kitchen | Category::Appliance => RateKind::Standard,
    }
}

/// The rate for a region's rate kind, in basis points.
pub fn rate_bp(region: Region, kind: RateKind) -> u32 {
    let (_, standard, reduced) = RATES.iter().find(|(r, _, _)| *r == region).copied().expect("every region has rates");
    match kind {
        RateKind::Standard => standard,
        RateKind::Reduced => reduced,
        RateKind::Zero | RateKind::Exempt => 0,
    }
}

pub fn rate_for(region: Region, category: Category) -> u32 {
    rate_bp(region, rate_kind(region, category))
}

/// `1900` → `19%`, `550` → `5.5%`.
pub fn format_rate(basis_points: u32) -> String {
    let whole = basis_points / 100;
    let fraction = basis_points % 100;
    if fraction == 0 {
        format!("{whole}%")
    } else if fraction.is_multiple_of(10) {
        format!("{whole}.{}%", fraction / 10)
    } else {
        format!("{whole}.{fraction:02}%")
    }
}

/// The tax at one rate.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TaxLine {
    pub rate_bp: u32,
    /// Sum of the amounts taxed at this rate.
    pub base: Money,
    pub tax: Money,
}

/// Groups the net `amounts` by rate (highest first) and taxes each group.
/// Zero-rated amounts are listed; exempt ones are not.
pub fn tax_lines(region: Region, currency: Currency, amounts: &[(RateKind, Money)]) -> Vec<TaxLine> {
    let mut by_rate: BTreeMap<u32, Money> = BTreeMap::new();
    for &(kind, amount) in amounts {
        if kind == RateKind::Exempt {
            continue;
        }
        let rate = rate_bp(region, kind);
        let base = by_rate.entry(rate).or_insert(Money::zero(currency));
        *base = base.checked_add(amount).expect("amounts are in the order's currency");
    }
    by_rate
        .into_iter()
        .rev()
        .map(|(rate_bp, base)| TaxLine { rate_bp, base, tax: base.percent_bp(rate_bp) })
        .collect()
}

pub fn total_tax(currency: Currency, lines: &[TaxLine]) -> Money {
    Money::sum(currency, lines.iter().map(|l| l.tax)).expect("one currency")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn eur(minor: i64) -> Money {
        Money::from_minor(minor, Currency::Eur)
    }

    #[test]
    fn region_codes() {
        assert_eq!(Region::from_code("de"), Some(Region::Germany));
        assert_eq!(Region::from_code("UK"), Some(Region::UnitedKingdom));
        assert_eq!(Region::from_code("XX"), None);
        for region in Region::ALL {
            assert_eq!(Region::from_code(region.code()), Some(region));
        }
    }

    #[test]
    fn currencies_by_region() {
        assert_eq!(Region::France.currency(), Currency::Eur);
        assert_eq!(Region::Japan.currency(), Currency::Jpy);
        assert!(Region::Ireland.is_eu());
        assert!(!Region::UnitedKingdom.is_eu());
    }

    #[test]
    fn rates_by_category() {
        assert_eq!(rate_for(Region::Germany, Category::Kitchen), 1900);
        assert_eq!(rate_for(Region::Germany, Category::Grocery), 700);
        assert_eq!(rate_for(Region::France, Category::Books), 550);
        assert_eq!(rate_for(Region::UnitedKingdom, Category::Books), 0);
        assert_eq!(rate_for(Region::UnitedStates, Category::Appliance), 0);
        assert_eq!(rate_kind(Region::Germany, Category::Gift), RateKind::Exempt);
    }

    #[test]
    fn formats_rates() {
        assert_eq!(format_rate(1900), "19%");
        assert_eq!(format_rate(550), "5.5%");
        assert_eq!(format_rate(1350), "13.5%");
        assert_eq!(format_rate(825), "8.25%");
        assert_eq!(format_rate(0), "0%");
    }

    #[test]
    fn groups_by_rate_highest_first() {
        let lines = tax_lines(
            Region::Germany,
            Currency::Eur,
            &[
                (RateKind::Reduced, eur(1000)),
                (RateKind::Standard, eur(2000)),
                (RateKind::Reduced, eur(500)),
                (RateKind::Exempt, eur(2500)),
            ],
        );
        assert_eq!(
            lines,
            vec![
                TaxLine { rate_bp: 1900, base: eur(2000), tax: eur(380) },
                TaxLine { rate_bp: 700, base: eur(1500), tax: eur(105) },
            ]
        );
        assert_eq!(total_tax(Currency::Eur, &lines), eur(485));
    }

    #[test]
    fn rounds_once_per_rate() {
        // Three lines of 0.07 at 7%: 0.0049 each would round to 0 per line.
        let amounts = [(RateKind::Reduced, eur(7)); 3];
        let lines = tax_lines(Region::Germany, Currency::Eur, &amounts);
        assert_eq!(lines[0].tax, eur(1));
    }

    #[test]
    fn zero_rated_books_are_listed() {
        let lines = tax_lines(Region::UnitedKingdom, Currency::Gbp, &[(RateKind::Zero, Money::from_minor(900, Currency::Gbp))]);
        assert_eq!(lines.len(), 1);
        assert_eq!(lines[0].rate_bp, 0);
        assert!(lines[0].tax.is_zero());
    }
}

//! Promotions: discount rules and what they take off a cart.
//!
//! Line rules (a category percentage, buy-X-get-Y) do not stack: each line
//! gets the best one that applies. Order rules (an amount off above a
//! threshold, a coupon) then apply to what is left.

use std::fmt;

use crate::cart::Cart;
use crate::catalog::{Category, Sku, CATALOG_CURRENCY};
use crate::fx;
use crate::money::{parse_amount, Money};

const STANDARD: &str = include_str!("data/promotions.txt");

/// The largest percentage a rule may give.
pub const MAX_PERCENT: u32 = 100;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Rule {
    /// `percent` off every line of a category.
    CategoryPercent { category: Category, percent: u32 },
    /// For every `buy` units of a product, `free` more are free.
    BuyXGetY { sku: Sku, buy: u32, free: u32 },
    /// `amount` off an order whose subtotal (after line discounts) reaches
    /// `threshold`. Both in catalog currency.
    AmountOffOver { threshold: Money, amount: Money },
    /// `percent` off the order with this code, at most `cap` (catalog currency).
    Coupon { code: String, percent: u32, cap: Option<Money> },
}

/// One reduction, as shown on the receipt.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Discount {
    pub label: String,
    /// Positive, in the cart's currency.
    pub amount: Money,
    /// The cart line it applies to; None for the whole order.
    pub line: Option<usize>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RuleError {
    pub line: usize,
    pub message: String,
}

impl fmt::Display for RuleError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "promotion line {}: {}", self.line, self.message)
    }
}

impl std::error::Error for RuleError {}

/// The standing promotions bundled with the shop.
pub fn standard_rules() -> Vec<Rule> {
    parse_rules(STANDARD).expect("the bundled promotions are valid")
}

/// One rule a line; blank lines and `#` comments are skipped.
pub fn parse_rules(text: &str) -> Result<Vec<Rule>, RuleError> {
    let mut rules = Vec::new();
    for (index, raw) in text.lines().enumerate() {
        let line = raw.split('#').next().unwrap_or("").trim();
        if line.is_empty() {
            continue;
        }
        let rule = parse_rule(line).map_err(|message| RuleError { line: index + 1, message })?;
        rules.push(rule);
    }
    Ok(rules)
}

/// `percent CATEGORY N`, `bxgy SKU BUY FREE`, `over THRESHOLD AMOUNT`,
/// `coupon CODE N [cap AMOUNT]`.
pub fn parse_rule(line: &str) -> Result<Rule, String> {
    let words: Vec<&str> = line.split_whitespace().collect();
    match words.as_slice() {
        ["percent", category, percent] => {
            let category = Category::parse(category).ok_or_else(|| format!("unknown category {category:?}"))?;
            Ok(Rule::CategoryPercent { category, percent: parse_percent(percent)? })
        }
        ["bxgy", sku, buy, free] => {
            let sku = Sku::parse(sku).ok_or_else(|| format!("bad SKU {sku:?}"))?;
            let buy = parse_count(buy)?;
            let free = parse_count(free)?;
            Ok(Rule::BuyXGetY { sku, buy, free })
        }
        ["over", threshold, amount] => {
            let threshold = parse_amount(threshold, CATALOG_CURRENCY).map_err(|e| e.to_string())?;
            let amount = parse_amount(amount, CATALOG_CURRENCY).map_err(|e| e.to_string())?;
            if amount > threshold {
                return Err("the amount off is larger than the threshold".to_string());
            }
            Ok(Rule::AmountOffOver { threshold, amount })
        }
        ["coupon", code, percent, rest @ ..] => {
            let cap = match rest {
                [] => None,
                ["cap", amount] => Some(parse_amount(amount, CATALOG_CURRENCY).map_err(|e| e.to_string())?),
                _ => return Err(format!("unexpected {:?}", rest.join(" "))),
            };
            Ok(Rule::Coupon { code: code.to_ascii_uppercase(), percent: parse_percent(percent)?, cap })
        }
        [] => Err("empty rule".to_string()),
        [kind, ..] => Err(format!("unknown rule {kind:?} or wrong number of words")),
    }
}

fn parse_percent(text: &str) -> Result<u32, String> {
    match text.parse::<u32>() {
        Ok(p) if p > 0 && p <= MAX_PERCENT => Ok(p),
        _ => Err(format!("bad percentage {text:?}")),
    }
}

fn parse_count(text: &str) -> Result<u32, String> {
    match text.parse::<u32>() {
        Ok(n) if n > 0 => Ok(n),
        _ => Err(format!("bad count {text:?}")),
    }
}

/// What `rules` take off `cart`. `coupon` is the code the customer entered.
/// The discounts never add up to more than the subtotal.
pub fn apply(rules: &[Rule], cart: &Cart, coupon: Option<&str>) -> Vec<Discount> {
    let currency = cart.currency();
    let mut discounts = Vec::new();
    for (index, line) in cart.lines().iter().enumerate() {
        let mut best: Option<Discount> = None;
        for rule in rules {
            let candidate = match rule {
                Rule::CategoryPercent { category, percent } if *category == line.category => Some(Discount {
                    label: format!("{percent}% off {}", category.name()),
                    amount: line.total().percent_bp(percent * 100),
                    line: Some(index),
                }),
                Rule::BuyXGetY { sku, buy, free } if *sku == line.sku => {
                    let free_units = line.quantity / (buy + free) * free;
                    (free_units > 0).then(|| Discount {
                        label: format!("{} for {buy}", buy + free),
                        amount: line.unit_price.times(free_units).expect("within the line total"),
                        line: Some(index),
                    })
                }
                _ => None,
            };
            if let Some(candidate) = candidate {
                if best.as_ref().is_none_or(|b| candidate.amount.minor() > b.amount.minor()) {
                    best = Some(candidate);
                }
            }
        }
        discounts.extend(best);
    }

    let subtotal = cart.subtotal();
    let line_total = Money::sum(currency, discounts.iter().map(|d| d.amount)).expect("one currency");
    let mut remaining = subtotal.checked_sub(line_total).expect("one currency");

    let threshold_discount = rules
        .iter()
        .filter_map(|rule| match rule {
            Rule::AmountOffOver { threshold, amount } if remaining >= fx::convert(*threshold, currency) => {
                Some(fx::convert(*amount, currency))
            }
            _ => None,
        })
        .max_by_key(|amount| amount.minor());
    if let Some(amount) = threshold_discount {
        let amount = amount.min(remaining);
        discounts.push(Discount { label: "order discount".to_string(), amount, line: None });
        remaining = remaining.checked_sub(amount).expect("one currency");
    }

    if let Some(entered) = coupon.map(str::trim).filter(|c| !c.is_empty()) {
        for rule in rules {
            if let Rule::Coupon { code, percent, cap } = rule {
                if !code.eq_ignore_ascii_case(entered) {
                    continue;
                }
                let mut amount = remaining.percent_bp(percent * 100);
                if let Some(cap) = cap {
                    amount = amount.min(fx::convert(*cap, currency));
                }
                if !amount.is_zero() {
                    discounts.push(Discount { label: format!("coupon {code}"), amount, line: None });
                }
                break;
            }
        }
    }
    discounts
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::catalog::Catalog;
    use crate::money::Currency;

    fn eur(minor: i64) -> Money {
        Money::from_minor(minor, Currency::Eur)
    }

    fn cart(items: &[(&str, u32)]) -> Cart {
        let catalog = Catalog::standard();
        let mut cart = Cart::new(Currency::Eur);
        for (sku, quantity) in items {
            cart.add(&catalog, sku, *quantity).unwrap();
        }
        cart
    }

    fn amounts(discounts: &[Discount]) -> Vec<i64> {
        discounts.iter().map(|d| d.amount.minor()).collect()
    }

    #[test]
    fn standard_rules_load() {
        let rules = standard_rules();
        assert_eq!(rules.len(), 5);
        assert_eq!(rules[0], Rule::CategoryPercent { category: Category::Books, percent: 10 });
    }

    #[test]
    fn parses_each_kind() {
        assert_eq!(
            parse_rule("bxgy tea-001 2 1"),
            Ok(Rule::BuyXGetY { sku: Sku::parse("TEA-001").unwrap(), buy: 2, free: 1 })
        );
        assert_eq!(parse_rule("over 50 5"), Ok(Rule::AmountOffOver { threshold: eur(5000), amount: eur(500) }));
        assert_eq!(
            parse_rule("coupon hello 5 cap 2.50"),
            Ok(Rule::Coupon { code: "HELLO".into(), percent: 5, cap: Some(eur(250)) })
        );
    }

    #[test]
    fn rejects_bad_rules() {
        assert!(parse_rule("percent toys 10").is_err());
        assert!(parse_rule("percent books 0").is_err());
        assert!(parse_rule("percent books 101").is_err());
        assert!(parse_rule("bxgy TEA-001 0 1").is_err());
        assert!(parse_rule("over 5 50").is_err());
        assert!(parse_rule("coupon X 10 limit 5").is_err());
        assert!(parse_rule("sale").is_err());
        let err = parse_rules("percent books 10\n\nnope 1\n").unwrap_err();
        assert_eq!(err.line, 3);
    }

    #[test]
    fn category_percent_applies_to_its_lines() {
        let rules = [Rule::CategoryPercent { category: Category::Books, percent: 10 }];
        let discounts = apply(&rules, &cart(&[("BOOK-01", 1), ("MUG-001", 1)]), None);
        assert_eq!(amounts(&discounts), [240]);
        assert_eq!(discounts[0].line, Some(0));
        assert_eq!(discounts[0].label, "10% off books");
    }

    #[test]
    fn buy_three_get_one_free() {
        let rules = [Rule::BuyXGetY { sku: Sku::parse("TEA-001").unwrap(), buy: 3, free: 1 }];
        assert!(apply(&rules, &cart(&[("TEA-001", 3)]), None).is_empty());
        assert_eq!(amounts(&apply(&rules, &cart(&[("TEA-001", 4)]), None)), [490]);
        assert_eq!(amounts(&apply(&rules, &cart(&[("TEA-001", 9)]), None)), [980]);
    }

    #[test]
    fn best_line_rule_wins() {
        let rules = [
            Rule::CategoryPercent { category: Category::Grocery, percent: 5 },
            Rule::BuyXGetY { sku: Sku::parse("TEA-001").unwrap(), buy: 3, free: 1 },
        ];
        let discounts = apply(&rules, &cart(&[("TEA-001", 4)]), None);
        assert_eq!(amounts(&discounts), [490]);
        let discounts = apply(&rules, &cart(&[("TEA-001", 2)]), None);
        assert_eq!(amounts(&discounts), [49]);
    }

    #[test]
    fn amount_off_needs_the_threshold_after_line_discounts() {
        let rules = [
            Rule::CategoryPercent { category: Category::Appliance, percent: 10 },
            Rule::AmountOffOver { threshold: eur(8500), amount: eur(500) },
        ];
        // 89.00 - 8.90 = 80.10: below the threshold.
        assert_eq!(amounts(&apply(&rules, &cart(&[("GRN-001", 1)]), None)), [890]);
        assert_eq!(amounts(&apply(&rules, &cart(&[("GRN-001", 1), ("MUG-001", 1)]), None)), [890, 500]);
    }

    #[test]
    fn coupon_needs_its_code_and_is_capped() {
        let rules = [Rule::Coupon { code: "WELCOME".into(), percent: 10, cap: Some(eur(1500)) }];
        let small = cart(&[("MUG-002", 1)]);
        assert!(apply(&rules, &small, None).is_empty());
        assert!(apply(&rules, &small, Some("OTHER")).is_empty());
        assert_eq!(amounts(&apply(&rules, &small, Some("welcome"))), [199]);
        let big = cart(&[("GRN-001", 2)]);
        assert_eq!(amounts(&apply(&rules, &big, Some("WELCOME"))), [1500]);
    }

    #[test]
    fn discounts_never_exceed_the_subtotal() {
        let rules = [
            Rule::AmountOffOver { threshold: eur(300), amount: eur(300) },
            Rule::Coupon { code: "ALL".into(), percent: 100, cap: None },
        ];
        let cart = cart(&[("FLT-001", 1)]);
        let discounts = apply(&rules, &cart, Some("ALL"));
        assert_eq!(amounts(&discounts), [300, 20]);
    }
}

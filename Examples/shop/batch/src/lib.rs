//! Nightly batch processing of order files: every order is priced and its
//! stock reserved; bad orders are rejected with their reason, and orders
//! worth a second look are flagged for the fraud desk.

use std::collections::{BTreeMap, HashMap};
use std::fmt::Write;

use shop::fx::convert;
use shop::{parse_orders, place, Catalog, Currency, Inventory, Money, ReservationId, Rule};

/// Orders above this value (in euros, minor units) are flagged.
pub const LARGE_ORDER_EUR: i64 = 50_000;
/// Orders with more units than this are flagged.
pub const MANY_UNITS: u32 = 30;
/// A customer placing more orders than this in one batch is flagged.
pub const REPEAT_ORDERS: usize = 2;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Accepted {
    pub order_id: String,
    pub total: Money,
    pub reservation: Option<ReservationId>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rejected {
    /// The order's id, or `line N` when the order could not be read.
    pub order: String,
    pub reason: String,
}

#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub enum Flag {
    LargeOrder { order_id: String },
    ManyUnits { order_id: String, units: u32 },
    RepeatCustomer { email: String, orders: usize },
}

#[derive(Debug, Default)]
pub struct Outcome {
    pub accepted: Vec<Accepted>,
    pub rejected: Vec<Rejected>,
    pub revenue: BTreeMap<Currency, Money>,
    pub flags: Vec<Flag>,
}

impl Outcome {
    /// Revenue of the batch in euros at the reference rates.
    pub fn revenue_in_eur(&self) -> Money {
        Money::sum(Currency::Eur, self.revenue.values().map(|m| convert(*m, Currency::Eur))).expect("in euros")
    }
}

/// Processes every order of `text` in order, reserving stock in `inventory`.
pub fn process(text: &str, catalog: &Catalog, rules: &[Rule], inventory: &mut Inventory) -> Outcome {
    let mut outcome = Outcome::default();
    let mut orders_by_email: HashMap<String, usize> = HashMap::new();
    for parsed in parse_orders(text) {
        let order = match parsed {
            Ok(order) => order,
            Err(error) => {
                outcome.rejected.push(Rejected { order: format!("line {}", error.line), reason: error.kind.to_string() });
                continue;
            }
        };
        let placed = match place(&order, catalog, rules, inventory) {
            Ok(placed) => placed,
            Err(error) => {
                outcome.rejected.push(Rejected { order: order.id.clone(), reason: error.to_string() });
                continue;
            }
        };
        let total = placed.quote.total;
        let revenue = outcome.revenue.entry(total.currency()).or_insert(Money::zero(total.currency()));
        *revenue = revenue.checked_add(total).expect("same currency");

        if convert(total, Currency::Eur).minor() > LARGE_ORDER_EUR {
            outcome.flags.push(Flag::LargeOrder { order_id: order.id.clone() });
        }
        let units: u32 = order.items.iter().map(|item| item.quantity).sum();
        if units > MANY_UNITS {
            outcome.flags.push(Flag::ManyUnits { order_id: order.id.clone(), units });
        }
        if let Some(email) = &order.email {
            *orders_by_email.entry(email.clone()).or_insert(0) += 1;
        }
        outcome.accepted.push(Accepted { order_id: order.id, total, reservation: placed.reservation });
    }
    for (email, orders) in orders_by_email {
        if orders > REPEAT_ORDERS {
            outcome.flags.push(Flag::RepeatCustomer { email, orders });
        }
    }
    outcome.flags.sort();
    outcome
}

/// The summary mailed to the shop owner.
pub fn render(outcome: &Outcome) -> String {
    let mut out = String::new();
    writeln!(out, "accepted: {}", outcome.accepted.len()).unwrap();
    writeln!(out, "rejected: {}", outcome.rejected.len()).unwrap();
    for money in outcome.revenue.values() {
        writeln!(out, "revenue: {money}").unwrap();
    }
    for rejected in &outcome.rejected {
        writeln!(out, "  rejected {}: {}", rejected.order, rejected.reason).unwrap();
    }
    for flag in &outcome.flags {
        let text = match flag {
            Flag::LargeOrder { order_id } => format!("large order {order_id}"),
            Flag::ManyUnits { order_id, units } => format!("{units} units in {order_id}"),
            Flag::RepeatCustomer { email, orders } => format!("{orders} orders from {email}"),
        };
        writeln!(out, "  flag: {text}").unwrap();
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use shop::standard_rules;

    fn run(text: &str) -> Outcome {
        let catalog = Catalog::standard();
        let mut inventory = Inventory::stocked(&catalog, 20);
        process(text, &catalog, &standard_rules(), &mut inventory)
    }

    fn order(id: &str, email: &str, region: &str, items: &str) -> String {
        format!("order: {id}\ncustomer: C\nemail: {email}\nregion: {region}\nitems:\n{items}\n---\n")
    }

    #[test]
    fn accepts_good_orders_and_sums_revenue() {
        let outcome = run(&(order("A", "a@x.de", "DE", "TEA-001, 1") + &order("B", "b@x.de", "FR", "MUG-002, 1")));
        assert_eq!(outcome.accepted.len(), 2);
        assert!(outcome.rejected.is_empty());
        let sum = outcome.accepted[0].total.checked_add(outcome.accepted[1].total).unwrap();
        assert_eq!(outcome.revenue[&Currency::Eur], sum);
    }

    #[test]
    fn rejects_unreadable_and_unplaceable_orders() {
        let text = order("A", "a@x.de", "DE", "TEA-001, 1") + "order: B\nregion: FR\n---\n" + &order("C", "c@x.de", "DE", "KET-001, 25");
        let outcome = run(&text);
        assert_eq!(outcome.accepted.len(), 1);
        assert_eq!(outcome.rejected[0], Rejected { order: "line 8".into(), reason: "missing field `customer`".into() });
        assert_eq!(outcome.rejected[1].order, "C");
        assert!(outcome.rejected[1].reason.starts_with("stock:"), "{:?}", outcome.rejected[1]);
    }

    #[test]
    fn revenue_per_currency() {
        let outcome = run(&(order("A", "a@x.de", "DE", "TEA-001, 1") + &order("B", "b@x.de", "GB", "TEA-001, 1")));
        assert_eq!(outcome.revenue.len(), 2);
        assert!(outcome.revenue.contains_key(&Currency::Gbp));
        let eur = outcome.revenue_in_eur();
        assert!(eur.minor() > outcome.revenue[&Currency::Eur].minor());
    }

    #[test]
    fn flags_large_orders() {
        let outcome = run(&order("BIG", "a@x.de", "DE", "GRN-001, 6"));
        assert_eq!(outcome.flags, vec![Flag::LargeOrder { order_id: "BIG".into() }]);
    }

    #[test]
    fn flags_many_units() {
        let outcome = run(&order("M", "a@x.de", "DE", "GIFT-25, 31"));
        assert!(outcome.flags.contains(&Flag::ManyUnits { order_id: "M".into(), units: 31 }));
    }

    #[test]
    fn flags_repeat_customers() {
        let mut text = String::new();
        for id in ["1", "2", "3"] {
            text += &order(id, "same@x.de", "DE", "FLT-001, 1");
        }
        text += &order("4", "other@x.de", "DE", "FLT-001, 1");
        let outcome = run(&text);
        assert_eq!(outcome.flags, vec![Flag::RepeatCustomer { email: "same@x.de".into(), orders: 3 }]);
    }

    #[test]
    fn renders_a_summary() {
        let text = order("A", "a@x.de", "DE", "TEA-001, 1") + "order: B\n";
        let summary = render(&run(&text));
        assert!(summary.starts_with("accepted: 1\nrejected: 1\nrevenue: "), "{summary}");
        assert!(summary.contains("  rejected line 8: missing field `customer`"), "{summary}");
    }
}

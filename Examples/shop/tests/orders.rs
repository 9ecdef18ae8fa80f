//! End to end: order files in, quotes, stock and receipts out.

use shop::report::{csv_line, receipt};
use shop::{parse_order, parse_orders, place, quote, standard_rules, Catalog, Currency, Inventory, Money, ShopError, Sku};

const WEB_ORDER: &str = "\
order: W-2001
customer: Jane Doe
email: jane@example.com
region: DE
coupon: WELCOME
items:
COF-001, 2
MUG-001, 2
BOOK-01, 1
";

#[test]
fn web_order_is_priced_end_to_end() {
    let order = parse_order(WEB_ORDER).unwrap();
    let quote = quote(&order, &Catalog::standard(), &standard_rules()).unwrap();
    // 36.00 + 24.00 + 24.00 = 84.00; 2.40 off books; WELCOME: 10% of 81.60.
    assert_eq!(quote.subtotal, Money::from_minor(8400, Currency::Eur));
    assert_eq!(quote.discount_total, Money::from_minor(240 + 816, Currency::Eur));
    assert!(quote.shipping.cost.is_zero(), "free domestic shipping above 60.00");
    assert_eq!(quote.total.minor(), quote.subtotal.minor() - 1056 + quote.tax_total.minor());
}

#[test]
fn receipt_and_csv_agree_on_the_total() {
    let order = parse_order(WEB_ORDER).unwrap();
    let quote = quote(&order, &Catalog::standard(), &standard_rules()).unwrap();
    let text = receipt(&order, &quote);
    assert!(text.contains(&quote.total.to_string()), "{text}");
    assert!(csv_line(&order, &quote).ends_with(&format!(",{}", quote.total.minor())));
}

#[test]
fn japanese_order_in_yen() {
    let order = parse_order("order: J-1\ncustomer: Sato\nregion: JP\nitems:\nTEA-002, 2\n").unwrap();
    let quote = quote(&order, &Catalog::standard(), &[]).unwrap();
    assert_eq!(quote.currency, Currency::Jpy);
    assert_eq!(quote.subtotal, Money::from_minor(2430, Currency::Jpy));
    assert!(quote.total.to_string().ends_with(" JPY"));
}

#[test]
fn stock_runs_out_across_orders() {
    let catalog = Catalog::standard();
    let mut inventory = Inventory::stocked(&catalog, 3);
    let text = "order: A\ncustomer: A\nregion: FR\nitems:\nKET-001, 2\n---\norder: B\ncustomer: B\nregion: FR\nitems:\nKET-001, 2\n";
    let results: Vec<_> = parse_orders(text)
        .into_iter()
        .map(|order| place(&order.unwrap(), &catalog, &[], &mut inventory))
        .collect();
    assert!(results[0].is_ok());
    assert!(matches!(results[1], Err(ShopError::Inventory(_))));
    assert_eq!(inventory.available(&Sku::parse("KET-001").unwrap()), 1);
}

#[test]
fn express_abroad_is_refused() {
    let order = parse_order("order: X\ncustomer: X\nregion: US\nshipping: express\nitems:\nMUG-002, 1\n").unwrap();
    let err = quote(&order, &Catalog::standard(), &[]).unwrap_err();
    assert_eq!(err.to_string(), "shipping: no express shipping to US");
}

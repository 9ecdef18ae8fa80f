use shop::{{firstModule}}::{price_with_tax, Stock, Tier};
use shop::{{reducingModule}}::reduce;

#[test]
fn checkout_takes_stock_and_prices_it() {
    let mut stock = Stock::new();
    stock.add("lamp", 3);
    assert_eq!(stock.take("lamp", 2), Ok(1));
    assert!(price_with_tax(2 * 1500, Tier::Gold) < price_with_tax(2 * 1500, Tier::Basic));
}

#[test]
fn shares_are_reduced() {
    assert_eq!(reduce(12, 18), Some((2, 3)));
    assert_eq!(reduce(5, 0), None);
}

#[test]
fn shelves_hold_every_item() {
    let mut stock = Stock::new();
    for name in ["a", "b", "c", "d", "e", "f", "g"] {
        stock.add(name, 1);
    }
    let shelves = stock.shelves();
    assert_eq!(shelves.iter().map(|s| s.len()).sum::<usize>(), 7);
}

#[test]
fn empty_stock_totals_zero() {
    assert_eq!(Stock::new().total(), 0);
}

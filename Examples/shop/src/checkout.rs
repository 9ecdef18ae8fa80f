//! Checkout: from an order request to a priced quote, and placing the order.
//!
//! Prices are net; tax is added per rate on the discounted amounts. Order
//! discounts are spread over the lines in proportion to their value, so
//! each rate is taxed on what the customer actually pays for it. In the EU,
//! shipping is taxed at the standard rate.

use crate::cart::{Cart, LineItem};
use crate::catalog::{Catalog, Sku};
use crate::discount::{self, Discount, Rule};
use crate::error::ShopError;
use crate::inventory::{Inventory, ReservationId};
use crate::money::{Currency, Money};
use crate::order_file::OrderRequest;
use crate::shipping::{self, ShippingQuote};
use crate::tax::{self, RateKind, TaxLine};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Quote {
    pub order_id: String,
    pub currency: Currency,
    pub lines: Vec<LineItem>,
    pub subtotal: Money,
    pub discounts: Vec<Discount>,
    pub discount_total: Money,
    pub shipping: ShippingQuote,
    pub tax: Vec<TaxLine>,
    pub tax_total: Money,
    pub total: Money,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PlacedOrder {
    pub quote: Quote,
    /// None when nothing needs to leave the warehouse (gift cards only).
    pub reservation: Option<ReservationId>,
}

/// The order's items in a cart priced in the region's currency.
pub fn build_cart(order: &OrderRequest, catalog: &Catalog) -> Result<Cart, ShopError> {
    let mut cart = Cart::new(order.region.currency());
    for item in &order.items {
        cart.add(catalog, item.sku.as_str(), item.quantity)?;
    }
    Ok(cart)
}

/// Each line's total after its own discounts and its share of the order discounts.
fn net_line_amounts(cart: &Cart, discounts: &[Discount]) -> Vec<Money> {
    let mut net: Vec<Money> = cart.lines().iter().map(LineItem::total).collect();
    for discount in discounts {
        if let Some(index) = discount.line {
            net[index] = net[index].checked_sub(discount.amount).expect("one currency");
        }
    }
    let order_wide = Money::sum(cart.currency(), discounts.iter().filter(|d| d.line.is_none()).map(|d| d.amount))
        .expect("one currency");
    if !order_wide.is_zero() {
        let weights: Vec<u64> = net.iter().map(|m| m.minor().max(0) as u64).collect();
        for (amount, share) in net.iter_mut().zip(order_wide.allocate_by(&weights)) {
            *amount = amount.checked_sub(share).expect("one currency");
        }
    }
    net
}

pub fn quote(order: &OrderRequest, catalog: &Catalog, rules: &[Rule]) -> Result<Quote, ShopError> {
    let region = order.region;
    let cart = build_cart(order, catalog)?;
    let currency = cart.currency();
    let subtotal = cart.subtotal();
    let discounts = discount::apply(rules, &cart, order.coupon.as_deref());
    let discount_total = Money::sum(currency, discounts.iter().map(|d| d.amount))?;
    let goods = subtotal.checked_sub(discount_total)?;

    let shipping = shipping::quote(
        region,
        cart.shipping_weight_grams(),
        goods,
        cart.has_fragile_items(),
        order.speed,
    )?;

    let mut taxable: Vec<(RateKind, Money)> = cart
        .lines()
        .iter()
        .zip(net_line_amounts(&cart, &discounts))
        .map(|(line, net)| (tax::rate_kind(region, line.category), net))
        .collect();
    if region.is_eu() && !shipping.cost.is_zero() {
        taxable.push((RateKind::Standard, shipping.cost));
    }
    let tax = tax::tax_lines(region, currency, &taxable);
    let tax_total = tax::total_tax(currency, &tax);
    let total = goods.checked_add(shipping.cost)?.checked_add(tax_total)?;

    Ok(Quote {
        order_id: order.id.clone(),
        currency,
        lines: cart.lines().to_vec(),
        subtotal,
        discounts,
        discount_total,
        shipping,
        tax,
        tax_total,
        total,
    })
}

/// Prices the order and reserves its physical items.
pub fn place(
    order: &OrderRequest,
    catalog: &Catalog,
    rules: &[Rule],
    inventory: &mut Inventory,
) -> Result<PlacedOrder, ShopError> {
    let quote = quote(order, catalog, rules)?;
    let physical: Vec<(Sku, u32)> =
        quote.lines.iter().filter(|line| !line.digital).map(|line| (line.sku.clone(), line.quantity)).collect();
    let reservation = if physical.is_empty() { None } else { Some(inventory.reserve(&physical)?) };
    Ok(PlacedOrder { quote, reservation })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cart::CartError;
    use crate::inventory::InventoryError;
    use crate::order_file::parse_order;

    fn order(region: &str, items: &str) -> OrderRequest {
        let items = items.replace(';', "\n");
        parse_order(&format!("order: T-1\ncustomer: Test\nregion: {region}\nitems:\n{items}\n")).unwrap()
    }

    fn eur(minor: i64) -> Money {
        Money::from_minor(minor, Currency::Eur)
    }

    #[test]
    fn domestic_order_without_promotions() {
        let quote = quote(&order("DE", "TEA-002, 2; MUG-002, 1"), &Catalog::standard(), &[]).unwrap();
        assert_eq!(quote.subtotal, eur(3490));
        assert!(quote.discounts.is_empty());
        assert_eq!(quote.shipping.cost, eur(590));
        // 15.00 at 7%; 19.90 and 5.90 shipping at 19%
        assert_eq!(quote.tax_total, eur(105 + 490));
        assert_eq!(quote.total, eur(3490 + 590 + 595));
    }

    #[test]
    fn standard_promotions_apply() {
        let rules = discount::standard_rules();
        let quote = quote(&order("DE", "BOOK-02, 1; TEA-001, 4"), &Catalog::standard(), &rules).unwrap();
        assert_eq!(quote.discount_total, eur(320 + 490));
    }

    #[test]
    fn coupon_comes_from_the_order() {
        let mut request = order("FR", "KET-001, 1");
        request.coupon = Some("WELCOME".to_string());
        let quote = quote(&request, &Catalog::standard(), &discount::standard_rules()).unwrap();
        assert_eq!(quote.discounts.len(), 1);
        assert_eq!(quote.discount_total, eur(390));
    }

    #[test]
    fn order_discount_is_spread_before_tax() {
        let rules = [Rule::AmountOffOver { threshold: eur(1000), amount: eur(1000) }];
        // 10.00 off 3.20 + 6.20 + 19.90: 1.09, 2.12 and 6.79 off the lines.
        let quote = quote(&order("DE", "FLT-001, 1; TEA-003, 1; MUG-002, 1"), &Catalog::standard(), &rules).unwrap();
        assert_eq!(quote.subtotal, eur(320 + 620 + 1990));
        assert_eq!(quote.shipping.cost, eur(590));
        let bases: Vec<(u32, i64)> = quote.tax.iter().map(|t| (t.rate_bp, t.base.minor())).collect();
        assert_eq!(bases, [(1900, 211 + 1311 + 590), (700, 408)]);
    }

    #[test]
    fn shipping_is_taxed_in_the_eu_only() {
        let catalog = Catalog::standard();
        let eu = quote(&order("NL", "SCL-001, 1"), &catalog, &[]).unwrap();
        assert_eq!(eu.tax, vec![TaxLine { rate_bp: 2100, base: eur(2950 + 1190), tax: eur(869) }]);
        let us = quote(&order("US", "SCL-001, 1"), &catalog, &[]).unwrap();
        assert!(us.tax_total.is_zero());
    }

    #[test]
    fn foreign_orders_are_priced_in_their_currency() {
        let quote = quote(&order("GB", "BOOK-01, 1"), &Catalog::standard(), &[]).unwrap();
        assert_eq!(quote.currency, Currency::Gbp);
        assert_eq!(quote.subtotal, Money::from_minor(2040, Currency::Gbp));
        assert!(quote.tax_total.is_zero());
    }

    #[test]
    fn unknown_products_fail_the_quote() {
        let err = quote(&order("DE", "ZZZ-1, 1"), &Catalog::standard(), &[]).unwrap_err();
        assert_eq!(err, ShopError::Cart(CartError::UnknownSku("ZZZ-1".into())));
    }

    #[test]
    fn placing_reserves_physical_items_only() {
        let catalog = Catalog::standard();
        let mut inventory = Inventory::stocked(&catalog, 5);
        let placed = place(&order("DE", "GIFT-25, 1"), &catalog, &[], &mut inventory).unwrap();
        assert_eq!(placed.reservation, None);
        let placed = place(&order("DE", "GIFT-25, 1; MUG-001, 2"), &catalog, &[], &mut inventory).unwrap();
        assert!(placed.reservation.is_some());
        assert_eq!(inventory.available(&Sku::parse("MUG-001").unwrap()), 3);
    }

    #[test]
    fn placing_fails_without_stock() {
        let catalog = Catalog::standard();
        let mut inventory = Inventory::stocked(&catalog, 1);
        let err = place(&order("DE", "MUG-001, 2"), &catalog, &[], &mut inventory).unwrap_err();
        assert!(matches!(err, ShopError::Inventory(InventoryError::OutOfStock { requested: 2, available: 1, .. })));
    }
}

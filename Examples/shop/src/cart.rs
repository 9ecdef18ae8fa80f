//! A shopping cart: products and quantities, priced in the order's currency.

use std::fmt;

use crate::catalog::{Catalog, Category, Sku};
use crate::fx;
use crate::money::{Currency, Money};

/// More than this of one product is a wholesale order, handled by phone.
pub const MAX_QUANTITY_PER_LINE: u32 = 99;
/// Lines in one cart.
pub const MAX_LINES: usize = 40;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LineItem {
    pub sku: Sku,
    pub name: String,
    pub category: Category,
    /// In the cart's currency.
    pub unit_price: Money,
    pub quantity: u32,
    pub weight_grams: u32,
    pub fragile: bool,
    pub digital: bool,
}

impl LineItem {
    pub fn total(&self) -> Money {
        self.unit_price.times(self.quantity).expect("line totals fit in an i64")
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CartError {
    UnknownSku(String),
    ZeroQuantity(Sku),
    QuantityTooLarge { sku: Sku, quantity: u32 },
    TooManyLines,
}

impl fmt::Display for CartError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            CartError::UnknownSku(sku) => write!(f, "no product {sku:?}"),
            CartError::ZeroQuantity(sku) => write!(f, "{sku}: quantity 0"),
            CartError::QuantityTooLarge { sku, quantity } => {
                write!(f, "{sku}: {quantity} is more than {MAX_QUANTITY_PER_LINE}")
            }
            CartError::TooManyLines => write!(f, "a cart holds at most {MAX_LINES} products"),
        }
    }
}

impl std::error::Error for CartError {}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Cart {
    currency: Currency,
    lines: Vec<LineItem>,
}

impl Cart {
    pub fn new(currency: Currency) -> Cart {
        Cart { currency, lines: Vec::new() }
    }

    pub fn currency(&self) -> Currency {
        self.currency
    }

    pub fn lines(&self) -> &[LineItem] {
        &self.lines
    }

    pub fn is_empty(&self) -> bool {
        self.lines.is_empty()
    }

    fn position(&self, sku: &Sku) -> Option<usize> {
        self.lines.iter().position(|line| &line.sku == sku)
    }

    /// Adds `quantity` of a product; a product already in the cart gets the
    /// quantity added to its line.
    pub fn add(&mut self, catalog: &Catalog, sku: &str, quantity: u32) -> Result<(), CartError> {
        let product = catalog.get(sku).ok_or_else(|| CartError::UnknownSku(sku.trim().to_string()))?;
        if quantity == 0 {
            return Err(CartError::ZeroQuantity(product.sku.clone()));
        }
        if let Some(index) = self.position(&product.sku) {
            let line = &mut self.lines[index];
            let wanted = line.quantity + quantity;
            if wanted > MAX_QUANTITY_PER_LINE {
                return Err(CartError::QuantityTooLarge { sku: line.sku.clone(), quantity: wanted });
            }
            line.quantity = wanted;
            return Ok(());
        }
        if quantity > MAX_QUANTITY_PER_LINE {
            return Err(CartError::QuantityTooLarge { sku: product.sku.clone(), quantity });
        }
        if self.lines.len() >= MAX_LINES {
            return Err(CartError::TooManyLines);
        }
        self.lines.push(LineItem {
            sku: product.sku.clone(),
            name: product.name.clone(),
            category: product.category,
            unit_price: fx::convert(product.price, self.currency),
            quantity,
            weight_grams: product.weight_grams,
            fragile: product.fragile,
            digital: product.digital,
        });
        Ok(())
    }

    /// Sets a line's quantity; 0 removes the line. False when the product
    /// is not in the cart.
    pub fn set_quantity(&mut self, sku: &str, quantity: u32) -> Result<bool, CartError> {
        let Some(sku) = Sku::parse(sku) else { return Ok(false) };
        let Some(index) = self.position(&sku) else { return Ok(false) };
        if quantity == 0 {
            self.lines.remove(index);
        } else if quantity > MAX_QUANTITY_PER_LINE {
            return Err(CartError::QuantityTooLarge { sku, quantity });
        } else {
            self.lines[index].quantity = quantity;
        }
        Ok(true)
    }

    pub fn remove(&mut self, sku: &str) -> bool {
        self.set_quantity(sku, 0).unwrap_or(false)
    }

    pub fn subtotal(&self) -> Money {
        Money::sum(self.currency, self.lines.iter().map(LineItem::total)).expect("one currency per cart")
    }

    pub fn item_count(&self) -> u32 {
        self.lines.iter().map(|line| line.quantity).sum()
    }

    /// Weight of what goes in the parcel (digital products weigh nothing).
    pub fn shipping_weight_grams(&self) -> u32 {
        self.lines
            .iter()
            .filter(|line| !line.digital)
            .map(|line| line.weight_grams * line.quantity)
            .sum()
    }

    pub fn needs_shipping(&self) -> bool {
        self.lines.iter().any(|line| !line.digital)
    }

    pub fn has_fragile_items(&self) -> bool {
        self.lines.iter().any(|line| line.fragile)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn eur(minor: i64) -> Money {
        Money::from_minor(minor, Currency::Eur)
    }

    #[test]
    fn adding_prices_the_line() {
        let mut cart = Cart::new(Currency::Eur);
        cart.add(&Catalog::standard(), "TEA-002", 2).unwrap();
        assert_eq!(cart.lines().len(), 1);
        assert_eq!(cart.lines()[0].total(), eur(1500));
        assert_eq!(cart.subtotal(), eur(1500));
    }

    #[test]
    fn adding_again_merges_lines() {
        let catalog = Catalog::standard();
        let mut cart = Cart::new(Currency::Eur);
        cart.add(&catalog, "TEA-001", 1).unwrap();
        cart.add(&catalog, "tea-001", 2).unwrap();
        assert_eq!(cart.lines().len(), 1);
        assert_eq!(cart.item_count(), 3);
    }

    #[test]
    fn prices_are_converted_to_the_cart_currency() {
        let mut cart = Cart::new(Currency::Usd);
        cart.add(&Catalog::standard(), "MUG-001", 1).unwrap();
        assert_eq!(cart.subtotal(), Money::from_minor(1296, Currency::Usd));
    }

    #[test]
    fn rejects_unknown_and_zero() {
        let catalog = Catalog::standard();
        let mut cart = Cart::new(Currency::Eur);
        assert_eq!(cart.add(&catalog, "XYZ-9", 1), Err(CartError::UnknownSku("XYZ-9".into())));
        assert!(matches!(cart.add(&catalog, "TEA-001", 0), Err(CartError::ZeroQuantity(_))));
        assert!(cart.is_empty());
    }

    #[test]
    fn quantity_limit_applies_to_the_merged_line() {
        let catalog = Catalog::standard();
        let mut cart = Cart::new(Currency::Eur);
        cart.add(&catalog, "FLT-001", 60).unwrap();
        let err = cart.add(&catalog, "FLT-001", 40).unwrap_err();
        assert_eq!(err, CartError::QuantityTooLarge { sku: Sku::parse("FLT-001").unwrap(), quantity: 100 });
        assert_eq!(cart.item_count(), 60);
        assert!(cart.add(&catalog, "TEA-001", 100).is_err());
    }

    #[test]
    fn set_quantity_and_remove() {
        let catalog = Catalog::standard();
        let mut cart = Cart::new(Currency::Eur);
        cart.add(&catalog, "TEA-001", 1).unwrap();
        cart.add(&catalog, "MUG-002", 1).unwrap();
        assert_eq!(cart.set_quantity("TEA-001", 4), Ok(true));
        assert_eq!(cart.item_count(), 5);
        assert!(cart.remove("MUG-002"));
        assert!(!cart.remove("MUG-002"));
        assert_eq!(cart.set_quantity("TEA-001", 0), Ok(true));
        assert!(cart.is_empty());
    }

    #[test]
    fn too_many_lines() {
        let mut text = String::new();
        for i in 0..=MAX_LINES {
            text.push_str(&format!("P-{i:03},Product {i},kitchen,1.00,10,\n"));
        }
        let catalog = Catalog::parse(&text).unwrap();
        let mut cart = Cart::new(Currency::Eur);
        for i in 0..MAX_LINES {
            cart.add(&catalog, &format!("P-{i:03}"), 1).unwrap();
        }
        assert_eq!(cart.add(&catalog, &format!("P-{MAX_LINES:03}"), 1), Err(CartError::TooManyLines));
    }

    #[test]
    fn weight_leaves_out_digital_products() {
        let catalog = Catalog::standard();
        let mut cart = Cart::new(Currency::Eur);
        cart.add(&catalog, "GIFT-25", 2).unwrap();
        assert!(!cart.needs_shipping());
        cart.add(&catalog, "BOOK-01", 2).unwrap();
        assert_eq!(cart.shipping_weight_grams(), 1300);
        assert!(cart.needs_shipping());
        assert!(!cart.has_fragile_items());
        cart.add(&catalog, "POT-001", 1).unwrap();
        assert!(cart.has_fragile_items());
    }
}

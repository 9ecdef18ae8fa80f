//! The error of the shop's top-level operations.

use std::fmt;

use crate::cart::CartError;
use crate::catalog::CatalogError;
use crate::inventory::InventoryError;
use crate::money::MoneyError;
use crate::order_file::ParseError;
use crate::shipping::ShippingError;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ShopError {
    Parse(ParseError),
    Catalog(CatalogError),
    Cart(CartError),
    Inventory(InventoryError),
    Shipping(ShippingError),
    Money(MoneyError),
}

impl fmt::Display for ShopError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ShopError::Parse(e) => write!(f, "order file: {e}"),
            ShopError::Catalog(e) => write!(f, "catalog: {e}"),
            ShopError::Cart(e) => write!(f, "cart: {e}"),
            ShopError::Inventory(e) => write!(f, "stock: {e}"),
            ShopError::Shipping(e) => write!(f, "shipping: {e}"),
            ShopError::Money(e) => write!(f, "amount: {e}"),
        }
    }
}

impl std::error::Error for ShopError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            ShopError::Parse(e) => Some(e),
            ShopError::Catalog(e) => Some(e),
            ShopError::Cart(e) => Some(e),
            ShopError::Inventory(e) => Some(e),
            ShopError::Shipping(e) => Some(e),
            ShopError::Money(e) => Some(e),
        }
    }
}

macro_rules! from_error {
    ($($source:ty => $variant:ident),* $(,)?) => {
        $(impl From<$source> for ShopError {
            fn from(error: $source) -> ShopError {
                ShopError::$variant(error)
            }
        })*
    };
}

from_error! {
    ParseError => Parse,
    CatalogError => Catalog,
    CartError => Cart,
    InventoryError => Inventory,
    ShippingError => Shipping,
    MoneyError => Money,
}

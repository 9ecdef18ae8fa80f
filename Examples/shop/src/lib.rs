//! A small order-processing library: a catalog, carts priced with
//! promotions, VAT by region, shipping by zone and weight, stock
//! reservations, an order file format and receipts.
//!
//! The second bundled example for trim (see `Benchmarks/shop-history/`):
//! unit tests in every module, integration tests in `tests/`, and a second
//! package (`batch`) that depends on this one.

pub mod cart;
pub mod catalog;
pub mod checkout;
pub mod discount;
pub mod error;
pub mod fx;
pub mod inventory;
pub mod money;
pub mod order_file;
pub mod report;
pub mod shipping;
pub mod tax;

pub use cart::{Cart, CartError, LineItem};
pub use catalog::{Catalog, Category, Product, Sku};
pub use checkout::{place, quote, PlacedOrder, Quote};
pub use discount::{standard_rules, Discount, Rule};
pub use error::ShopError;
pub use inventory::{Inventory, InventoryError, ReservationId};
pub use money::{Currency, Money, MoneyError};
pub use order_file::{parse_order, parse_orders, OrderRequest};
pub use shipping::Speed;
pub use tax::Region;

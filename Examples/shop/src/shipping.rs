//! Shipping cost and delivery time by zone, weight and speed.
//!
//! Parcels weigh at most `MAX_PARCEL_GRAMS`; a heavier order goes as several
//! parcels, each charged by its own weight band.

use std::fmt;

use crate::catalog::CATALOG_CURRENCY;
use crate::fx;
use crate::money::Money;
use crate::tax::Region;

/// Where the warehouse is.
pub const SHOP_REGION: Region = Region::Germany;
pub const MAX_PARCEL_GRAMS: u32 = 10_000;
/// Domestic standard shipping is free from this order value (catalog currency, minor units).
pub const FREE_SHIPPING_FROM: i64 = 60_00;
/// Padding for fragile goods, per parcel (catalog currency, minor units).
pub const FRAGILE_SURCHARGE: i64 = 3_50;
/// Express costs this share of standard, in basis points.
pub const EXPRESS_FACTOR_BP: u32 = 15_000;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Zone {
    Domestic,
    Eu,
    /// Europe outside the EU.
    Europe,
    World,
}

impl Zone {
    fn column(self) -> usize {
        match self {
            Zone::Domestic => 0,
            Zone::Eu => 1,
            Zone::Europe => 2,
            Zone::World => 3,
        }
    }
}

pub fn zone_for(destination: Region) -> Zone {
    if destination == SHOP_REGION {
        Zone::Domestic
    } else if destination.is_eu() {
        Zone::Eu
    } else if destination == Region::UnitedKingdom {
        Zone::Europe
    } else {
        Zone::World
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Speed {
    #[default]
    Standard,
    Express,
}

impl Speed {
    pub fn parse(text: &str) -> Option<Speed> {
        match text.trim().to_ascii_lowercase().as_str() {
            "standard" | "" => Some(Speed::Standard),
            "express" => Some(Speed::Express),
            _ => None,
        }
    }
}

/// Upper weight bound of each band (grams) and its price per zone
/// (catalog currency, minor units): domestic, EU, Europe, world.
const BANDS: [(u32, [i64; 4]); 4] = [
    (500, [3_90, 7_90, 9_90, 14_90]),
    (2_000, [5_90, 11_90, 14_90, 24_90]),
    (5_000, [7_90, 15_90, 19_90, 39_90]),
    (MAX_PARCEL_GRAMS, [11_90, 23_90, 29_90, 59_90]),
];

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ShippingError {
    ExpressUnavailable(Region),
}

impl fmt::Display for ShippingError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ShippingError::ExpressUnavailable(region) => write!(f, "no express shipping to {region}"),
        }
    }
}

impl std::error::Error for ShippingError {}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ShippingQuote {
    pub zone: Zone,
    pub parcels: u32,
    /// In the currency of the order value given to `quote`.
    pub cost: Money,
    /// Fastest and slowest delivery, in working days.
    pub days: (u32, u32),
}

/// The weight of each parcel: full parcels first, the rest in the last one.
pub fn parcels(weight_grams: u32) -> Vec<u32> {
    let mut left = weight_grams;
    let mut parcels = Vec::new();
    while left > 0 {
        let parcel = left.min(MAX_PARCEL_GRAMS);
        parcels.push(parcel);
        left -= parcel;
    }
    parcels
}

fn band_price(zone: Zone, grams: u32) -> i64 {
    let (_, prices) = BANDS.iter().find(|(max, _)| grams <= *max).expect("parcels never exceed the last band");
    prices[zone.column()]
}

fn delivery_days(zone: Zone, speed: Speed) -> (u32, u32) {
    match (zone, speed) {
        (Zone::Domestic, Speed::Standard) => (1, 2),
        (Zone::Domestic, Speed::Express) => (1, 1),
        (Zone::Eu, Speed::Standard) => (2, 4),
        (Zone::Eu, Speed::Express) => (1, 2),
        (Zone::Europe, Speed::Standard) => (3, 5),
        (Zone::Europe, Speed::Express) => (2, 3),
        (Zone::World, _) => (5, 10),
    }
}

/// What shipping `weight_grams` to `destination` costs. `order_value` is
/// the order's value after discounts; the cost is in its currency.
pub fn quote(
    destination: Region,
    weight_grams: u32,
    order_value: Money,
    fragile: bool,
    speed: Speed,
) -> Result<ShippingQuote, ShippingError> {
    let zone = zone_for(destination);
    if speed == Speed::Express && zone == Zone::World {
        return Err(ShippingError::ExpressUnavailable(destination));
    }
    let currency = order_value.currency();
    let days = delivery_days(zone, speed);
    let parcels = parcels(weight_grams);
    if parcels.is_empty() {
        return Ok(ShippingQuote { zone, parcels: 0, cost: Money::zero(currency), days: (0, 0) });
    }
    let free_from = fx::convert(Money::from_minor(FREE_SHIPPING_FROM, CATALOG_CURRENCY), currency);
    if zone == Zone::Domestic && speed == Speed::Standard && order_value >= free_from {
        return Ok(ShippingQuote { zone, parcels: parcels.len() as u32, cost: Money::zero(currency), days });
    }
    let mut minor: i64 = parcels.iter().map(|&grams| band_price(zone, grams)).sum();
    if fragile {
        minor += FRAGILE_SURCHARGE * parcels.len() as i64;
    }
    let mut cost = Money::from_minor(minor, CATALOG_CURRENCY);
    if speed == Speed::Express {
        cost = cost.percent_bp(EXPRESS_FACTOR_BP);
    }
    Ok(ShippingQuote { zone, parcels: parcels.len() as u32, cost: fx::convert(cost, currency), days })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::money::Currency;

    fn eur(minor: i64) -> Money {
        Money::from_minor(minor, Currency::Eur)
    }

    #[test]
    fn zones() {
        assert_eq!(zone_for(Region::Germany), Zone::Domestic);
        assert_eq!(zone_for(Region::France), Zone::Eu);
        assert_eq!(zone_for(Region::UnitedKingdom), Zone::Europe);
        assert_eq!(zone_for(Region::Japan), Zone::World);
    }

    #[test]
    fn speeds() {
        assert_eq!(Speed::parse("Express"), Some(Speed::Express));
        assert_eq!(Speed::parse(""), Some(Speed::Standard));
        assert_eq!(Speed::parse("overnight"), None);
    }

    #[test]
    fn splits_heavy_orders_into_parcels() {
        assert_eq!(parcels(0), Vec::<u32>::new());
        assert_eq!(parcels(2_500), vec![2_500]);
        assert_eq!(parcels(23_000), vec![10_000, 10_000, 3_000]);
    }

    #[test]
    fn domestic_light_parcel() {
        let quote = quote(Region::Germany, 400, eur(2000), false, Speed::Standard).unwrap();
        assert_eq!(quote.cost, eur(390));
        assert_eq!(quote.parcels, 1);
        assert_eq!(quote.days, (1, 2));
    }

    #[test]
    fn band_edges_are_inclusive() {
        assert_eq!(quote(Region::France, 500, eur(100), false, Speed::Standard).unwrap().cost, eur(790));
        assert_eq!(quote(Region::France, 501, eur(100), false, Speed::Standard).unwrap().cost, eur(1190));
    }

    #[test]
    fn free_domestic_shipping_from_the_threshold() {
        assert!(quote(Region::Germany, 3_000, eur(6000), true, Speed::Standard).unwrap().cost.is_zero());
        assert_eq!(quote(Region::Germany, 3_000, eur(5999), false, Speed::Standard).unwrap().cost, eur(790));
        assert_eq!(quote(Region::France, 3_000, eur(9000), false, Speed::Standard).unwrap().cost, eur(1590));
    }

    #[test]
    fn fragile_surcharge_per_parcel() {
        let quote = quote(Region::Netherlands, 12_000, eur(100), true, Speed::Standard).unwrap();
        assert_eq!(quote.parcels, 2);
        assert_eq!(quote.cost, eur(2390 + 1190 + 2 * 350));
    }

    #[test]
    fn express_costs_half_again() {
        let quote = quote(Region::Germany, 400, eur(9000), false, Speed::Express).unwrap();
        assert_eq!(quote.cost, eur(585));
        assert_eq!(quote.days, (1, 1));
        assert_eq!(
            super::quote(Region::Japan, 400, eur(100), false, Speed::Express),
            Err(ShippingError::ExpressUnavailable(Region::Japan))
        );
    }

    #[test]
    fn cost_in_the_order_currency() {
        let yen = Money::from_minor(5000, Currency::Jpy);
        let quote = quote(Region::Japan, 1_000, yen, false, Speed::Standard).unwrap();
        assert_eq!(quote.cost, Money::from_minor(4034, Currency::Jpy));
    }

    #[test]
    fn nothing_to_ship() {
        let quote = quote(Region::France, 0, eur(100), false, Speed::Express).unwrap();
        assert_eq!(quote.parcels, 0);
        assert!(quote.cost.is_zero());
    }
}

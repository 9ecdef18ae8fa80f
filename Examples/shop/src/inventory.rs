//! Stock levels and reservations.
//!
//! Placing an order reserves its items; shipping commits the reservation
//! (the stock goes down), cancelling releases it. A reservation is all or
//! nothing.

use std::collections::{BTreeMap, HashMap};
use std::fmt;

use crate::catalog::{Catalog, Sku};

/// Products at or below this many units are reported as low on stock.
pub const LOW_STOCK_THRESHOLD: u32 = 5;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ReservationId(pub u64);

impl fmt::Display for ReservationId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "R{:05}", self.0)
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum InventoryError {
    OutOfStock { sku: Sku, requested: u32, available: u32 },
    UnknownSku(Sku),
    UnknownReservation(ReservationId),
    EmptyReservation,
}

impl fmt::Display for InventoryError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            InventoryError::OutOfStock { sku, requested, available } => {
                write!(f, "{sku}: {requested} wanted, {available} available")
            }
            InventoryError::UnknownSku(sku) => write!(f, "{sku} is not stocked"),
            InventoryError::UnknownReservation(id) => write!(f, "no reservation {id}"),
            InventoryError::EmptyReservation => f.write_str("nothing to reserve"),
        }
    }
}

impl std::error::Error for InventoryError {}

#[derive(Debug, Clone, Default)]
pub struct Inventory {
    on_hand: BTreeMap<Sku, u32>,
    reservations: HashMap<ReservationId, Vec<(Sku, u32)>>,
    next_id: u64,
}

impl Inventory {
    pub fn new() -> Inventory {
        Inventory { next_id: 1, ..Inventory::default() }
    }

    /// Every physical product of the catalog with `units` on hand; digital
    /// products are not stocked (they never run out).
    pub fn stocked(catalog: &Catalog, units: u32) -> Inventory {
        let mut inventory = Inventory::new();
        for product in catalog.products().iter().filter(|p| !p.digital) {
            inventory.restock(&product.sku, units);
        }
        inventory
    }

    pub fn restock(&mut self, sku: &Sku, units: u32) {
        *self.on_hand.entry(sku.clone()).or_insert(0) += units;
    }

    pub fn on_hand(&self, sku: &Sku) -> u32 {
        self.on_hand.get(sku).copied().unwrap_or(0)
    }

    fn reserved(&self, sku: &Sku) -> u32 {
        self.reservations.values().flatten().filter(|(s, _)| s == sku).map(|(_, n)| n).sum()
    }

    /// On hand minus reserved.
    pub fn available(&self, sku: &Sku) -> u32 {
        self.on_hand(sku).saturating_sub(self.reserved(sku))
    }

    pub fn is_stocked(&self, sku: &Sku) -> bool {
        self.on_hand.contains_key(sku)
    }

    /// Reserves every item or none. The same product may appear twice.
    pub fn reserve(&mut self, items: &[(Sku, u32)]) -> Result<ReservationId, InventoryError> {
        let mut wanted: BTreeMap<&Sku, u32> = BTreeMap::new();
        for (sku, units) in items.iter().filter(|(_, units)| *units > 0) {
            *wanted.entry(sku).or_insert(0) += units;
        }
        if wanted.is_empty() {
            return Err(InventoryError::EmptyReservation);
        }
        for (&sku, &requested) in &wanted {
            if !self.is_stocked(sku) {
                return Err(InventoryError::UnknownSku(sku.clone()));
            }
            let available = self.available(sku);
            if requested > available {
                return Err(InventoryError::OutOfStock { sku: sku.clone(), requested, available });
            }
        }
        let id = ReservationId(self.next_id);
        self.next_id += 1;
        let lines = wanted.into_iter().map(|(sku, units)| (sku.clone(), units)).collect();
        self.reservations.insert(id, lines);
        Ok(id)
    }

    /// Gives the reserved units back.
    pub fn release(&mut self, id: ReservationId) -> Result<(), InventoryError> {
        self.reservations.remove(&id).map(|_| ()).ok_or(InventoryError::UnknownReservation(id))
    }

    /// The reserved units leave the warehouse.
    pub fn commit(&mut self, id: ReservationId) -> Result<(), InventoryError> {
        let lines = self.reservations.remove(&id).ok_or(InventoryError::UnknownReservation(id))?;
        for (sku, units) in lines {
            let on_hand = self.on_hand.get_mut(&sku).expect("reserved products are stocked");
            *on_hand -= units;
        }
        Ok(())
    }

    pub fn open_reservations(&self) -> usize {
        self.reservations.len()
    }

    /// Stocked products with at most `LOW_STOCK_THRESHOLD` available, by SKU.
    pub fn low_stock(&self) -> Vec<(Sku, u32)> {
        self.on_hand
            .keys()
            .map(|sku| (sku.clone(), self.available(sku)))
            .filter(|(_, available)| *available <= LOW_STOCK_THRESHOLD)
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sku(text: &str) -> Sku {
        Sku::parse(text).unwrap()
    }

    fn inventory() -> Inventory {
        let mut inventory = Inventory::new();
        inventory.restock(&sku("TEA-001"), 10);
        inventory.restock(&sku("MUG-001"), 3);
        inventory
    }

    #[test]
    fn stocked_from_the_catalog_skips_digital_products() {
        let inventory = Inventory::stocked(&Catalog::standard(), 7);
        assert_eq!(inventory.on_hand(&sku("KET-001")), 7);
        assert!(!inventory.is_stocked(&sku("GIFT-25")));
    }

    #[test]
    fn reserving_lowers_availability() {
        let mut inventory = inventory();
        let id = inventory.reserve(&[(sku("TEA-001"), 4)]).unwrap();
        assert_eq!(id.to_string(), "R00001");
        assert_eq!(inventory.available(&sku("TEA-001")), 6);
        assert_eq!(inventory.on_hand(&sku("TEA-001")), 10);
    }

    #[test]
    fn reservation_is_all_or_nothing() {
        let mut inventory = inventory();
        let err = inventory.reserve(&[(sku("TEA-001"), 2), (sku("MUG-001"), 4)]).unwrap_err();
        assert_eq!(err, InventoryError::OutOfStock { sku: sku("MUG-001"), requested: 4, available: 3 });
        assert_eq!(inventory.available(&sku("TEA-001")), 10);
        assert_eq!(inventory.open_reservations(), 0);
    }

    #[test]
    fn repeated_products_are_added_up() {
        let mut inventory = inventory();
        let err = inventory.reserve(&[(sku("MUG-001"), 2), (sku("MUG-001"), 2)]).unwrap_err();
        assert!(matches!(err, InventoryError::OutOfStock { requested: 4, .. }));
    }

    #[test]
    fn unknown_and_empty_reservations() {
        let mut inventory = inventory();
        assert_eq!(inventory.reserve(&[(sku("KET-001"), 1)]), Err(InventoryError::UnknownSku(sku("KET-001"))));
        assert_eq!(inventory.reserve(&[(sku("TEA-001"), 0)]), Err(InventoryError::EmptyReservation));
        assert_eq!(inventory.release(ReservationId(9)), Err(InventoryError::UnknownReservation(ReservationId(9))));
    }

    #[test]
    fn release_gives_units_back() {
        let mut inventory = inventory();
        let id = inventory.reserve(&[(sku("MUG-001"), 3)]).unwrap();
        assert_eq!(inventory.available(&sku("MUG-001")), 0);
        inventory.release(id).unwrap();
        assert_eq!(inventory.available(&sku("MUG-001")), 3);
        assert!(inventory.release(id).is_err());
    }

    #[test]
    fn commit_takes_units_out() {
        let mut inventory = inventory();
        let id = inventory.reserve(&[(sku("TEA-001"), 4)]).unwrap();
        inventory.commit(id).unwrap();
        assert_eq!(inventory.on_hand(&sku("TEA-001")), 6);
        assert_eq!(inventory.available(&sku("TEA-001")), 6);
        assert!(inventory.commit(id).is_err());
    }

    #[test]
    fn low_stock_report() {
        let mut inventory = inventory();
        inventory.reserve(&[(sku("TEA-001"), 5)]).unwrap();
        assert_eq!(inventory.low_stock(), vec![(sku("MUG-001"), 3), (sku("TEA-001"), 5)]);
    }
}

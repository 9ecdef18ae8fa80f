#!/usr/bin/env bash
# Builds a git repository holding a scripted history of the second bundled
# example workspace (Examples/shop: an order-processing library of about
# 3,100 lines of Rust, 102 tests at the import, 119 at the end): 31 commits,
# the import and 30 of the kinds a real project's log shows — bug fixes
# inside one branch or condition, small features with their tests (a match
# arm, a field, an enum variant, a function and its caller), refactors
# (extract a function, simplify a lookup, move code), constant and rate
# changes, doc- and comment-only commits, test-only commits, changes to the
# data files read through include_str!, a commit that breaks tests (and the
# one that repairs them), a commit that does not build (and its fix), and
# changes in the second package (batch), and a release that only bumps
# the versions. The edits were chosen as a
# developer would make them, not for any grain.
#
#   Benchmarks/shop-history/make-history.sh DEST
#
# DEST must not exist. Authors and dates are fixed, so the commit ids (and
# with them the mutants simulate-history picks) are the same on every run.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=../history-lib.sh
. "$here/../history-lib.sh"
start_history shop "${1:?usage: make-history.sh DEST}" "Shop Developer" "dev@shop.example" 2025-03

commit "Import the shop example"

# 2 --------------------------------------------------------------------------
replace src/order_file.rs "$(text <<'EOF'
fn strip_comment(line: &str) -> &str {
    line.split('#').next().unwrap_or("").trim()
}
EOF
)" "$(text <<'EOF'
/// A comment is a `#` at the start of a line or one between spaces
/// (`TEA-001, 2  # gift`); a `#` inside a value (`order: #1042`) is kept.
fn strip_comment(line: &str) -> &str {
    let line = line.trim();
    if line.starts_with('#') {
        return "";
    }
    let bytes = line.as_bytes();
    let end = (1..bytes.len())
        .find(|&i| {
            bytes[i] == b'#'
                && bytes[i - 1].is_ascii_whitespace()
                && bytes.get(i + 1).is_none_or(|b| b.is_ascii_whitespace())
        })
        .unwrap_or(bytes.len());
    line[..end].trim()
}
EOF
)"
before_last_brace src/order_file.rs <<'EOF'

    #[test]
    fn hash_inside_a_value_is_kept() {
        let order = parse_order("order: #1042\ncustomer: Bo # shop\nregion: FR\nitems:\nBOOK-01, 1 #\n").unwrap();
        assert_eq!(order.id, "#1042");
        assert_eq!(order.customer, "Bo");
        assert_eq!(order.items[0].quantity, 1);
    }
EOF
commit "order_file: a # inside a value (order: #1042) is not a comment"

# 3 --------------------------------------------------------------------------
replace src/shipping.rs 'pub const FREE_SHIPPING_FROM: i64 = 60_00;' 'pub const FREE_SHIPPING_FROM: i64 = 50_00;'
replace src/shipping.rs 'assert!(quote(Region::Germany, 3_000, eur(6000), true, Speed::Standard).unwrap().cost.is_zero());
        assert_eq!(quote(Region::Germany, 3_000, eur(5999), false, Speed::Standard).unwrap().cost, eur(790));' \
'assert!(quote(Region::Germany, 3_000, eur(5000), true, Speed::Standard).unwrap().cost.is_zero());
        assert_eq!(quote(Region::Germany, 3_000, eur(4999), false, Speed::Standard).unwrap().cost, eur(790));'
replace tests/orders.rs '"free domestic shipping above 60.00"' '"free domestic shipping from 50.00"'
commit "shipping: free domestic shipping from 50.00 (was 60.00)"

# 4 --------------------------------------------------------------------------
replace src/discount.rs 'use crate::cart::Cart;' 'use crate::cart::{Cart, LineItem};'
replace src/discount.rs "$(text <<'EOF'
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
EOF
)" "$(text <<'EOF'
/// The largest discount a line rule gives `line`, the `index`th of its cart.
fn best_line_discount(rules: &[Rule], index: usize, line: &LineItem) -> Option<Discount> {
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
    best
}

/// What `rules` take off `cart`. `coupon` is the code the customer entered.
/// The discounts never add up to more than the subtotal.
pub fn apply(rules: &[Rule], cart: &Cart, coupon: Option<&str>) -> Vec<Discount> {
    let currency = cart.currency();
    let mut discounts = Vec::new();
    for (index, line) in cart.lines().iter().enumerate() {
        discounts.extend(best_line_discount(rules, index, line));
    }
EOF
)"
commit "discount: move the choice of a line's best discount into its own function"

# 5 --------------------------------------------------------------------------
replace src/tax.rs '    Netherlands,
    Ireland,' '    Netherlands,
    Austria,
    Ireland,'
replace src/tax.rs '    pub const ALL: [Region; 7] = [' '    pub const ALL: [Region; 8] = ['
replace src/tax.rs '        Region::Netherlands,
        Region::Ireland,' '        Region::Netherlands,
        Region::Austria,
        Region::Ireland,'
replace src/tax.rs '            Region::Netherlands => "NL",' '            Region::Netherlands => "NL",
            Region::Austria => "AT",'
replace src/tax.rs 'matches!(self, Region::Germany | Region::France | Region::Netherlands | Region::Ireland)' \
'matches!(self, Region::Germany | Region::France | Region::Netherlands | Region::Austria | Region::Ireland)'
replace src/tax.rs 'const RATES: [(Region, u32, u32); 7] = [' 'const RATES: [(Region, u32, u32); 8] = ['
replace src/tax.rs '    (Region::Netherlands, 2100, 900),' '    (Region::Netherlands, 2100, 900),
    (Region::Austria, 2000, 1000),'
before_last_brace src/tax.rs <<'EOF'

    #[test]
    fn austria() {
        assert_eq!(Region::from_code("at"), Some(Region::Austria));
        assert!(Region::Austria.is_eu());
        assert_eq!(rate_for(Region::Austria, Category::Appliance), 2000);
        assert_eq!(rate_for(Region::Austria, Category::Books), 1000);
    }
EOF
commit "tax: ship to Austria (20% / 10%)"

# 6 --------------------------------------------------------------------------
replace src/money.rs '/// `numerator / denominator` rounded half away from zero (`denominator` > 0).' \
'/// `numerator / denominator` rounded half away from zero (`denominator` > 0):
/// commercial rounding, as tax offices and payment providers expect. Banker'"'"'s
/// rounding (half to even) would differ by a cent on about one amount in
/// two hundred and make receipts disagree with the payment provider.'
commit "money: document why amounts round half away from zero"

# 7 --------------------------------------------------------------------------
replace src/fx.rs '//! region they ship to. Rates are set by finance once a quarter.' \
'//! region they ship to. Rates are set by finance once a quarter (last: Q2).'
replace src/fx.rs '    (Currency::Usd, 1_080_000),' '    (Currency::Usd, 1_090_000),'
commit "fx: Q2 reference rate for the dollar (1.09)"

# 8 --------------------------------------------------------------------------
replace src/fx.rs 'Money::from_minor(1000, Currency::Eur), Currency::Usd), Money::from_minor(1080, Currency::Usd)' \
'Money::from_minor(1000, Currency::Eur), Currency::Usd), Money::from_minor(1090, Currency::Usd)'
replace src/cart.rs 'assert_eq!(cart.subtotal(), Money::from_minor(1296, Currency::Usd));' \
'assert_eq!(cart.subtotal(), Money::from_minor(1308, Currency::Usd));'
commit "tests: expect the Q2 dollar rate (fixes euro_to_dollar, prices_are_converted_to_the_cart_currency)"

# 9 --------------------------------------------------------------------------
replace src/money.rs "$(text <<'EOF'
    let plain = unsigned.replace(',', "");
EOF
)" "$(text <<'EOF'
    if unsigned.contains(',') {
        let (whole, fraction) = unsigned.split_once('.').unwrap_or((unsigned, ""));
        if fraction.contains(',') || !grouped_by_thousands(whole) {
            return Err(malformed());
        }
    }
    let plain = unsigned.replace(',', "");
EOF
)"
replace src/money.rs '/// Reads an amount such as `12.50`, `-3` or `1,200.5` in `currency`.' \
'/// `1,234,567` is grouped right; `1,2` and `12,34` are not.
fn grouped_by_thousands(whole: &str) -> bool {
    let mut groups = whole.split('"'"','"'"');
    let first = groups.next().unwrap_or("");
    (1..=3).contains(&first.len()) && groups.all(|group| group.len() == 3)
}

/// Reads an amount such as `12.50`, `-3` or `1,200.5` in `currency`.'
before_last_brace src/money.rs <<'EOF'

    #[test]
    fn thousands_separators_must_group_by_three() {
        assert_eq!(parse_amount("1,200.50", Currency::Eur), Ok(eur(120_050)));
        assert_eq!(parse_amount("12,345,678", Currency::Jpy), Ok(Money::from_minor(12_345_678, Currency::Jpy)));
        assert_eq!(parse_amount("1,2", Currency::Eur), Err(MoneyError::Malformed("1,2".into())));
        assert!(parse_amount("12,34,567", Currency::Eur).is_err());
        assert!(parse_amount("1,000.0,5", Currency::Eur).is_err());
        assert!(parse_amount(",100", Currency::Eur).is_err());
    }
EOF
commit "money: reject misplaced thousands separators (1,2 was read as 12)"

# 10 -------------------------------------------------------------------------
replace src/data/catalog.csv 'TEA-003,Rooibos 200g,grocery,6.20,230,' 'TEA-003,Rooibos 200g,grocery,6.20,230,
TEA-004,Jasmine tea 100g,grocery,5.40,120,'
replace src/data/catalog.csv 'POT-001,Glass teapot 1l,kitchen,27.00,900,fragile' 'POT-001,Glass teapot 1l,kitchen,29.00,900,fragile'
replace src/catalog.rs 'assert_eq!(catalog.len(), 16);' 'assert_eq!(catalog.len(), 17);'
replace src/catalog.rs 'assert_eq!(catalog.search("tea").len(), 3);' 'assert_eq!(catalog.search("tea").len(), 4);'
commit "catalog: add jasmine tea, glass teapot now 29.00"

# 11 -------------------------------------------------------------------------
replace src/order_file.rs '//! coupon: WELCOME' '//! coupon: WELCOME
//! note: leave it with the neighbours'
replace src/order_file.rs '    pub coupon: Option<String>,
    pub speed: Speed,
    pub items: Vec<OrderItem>,' '    pub coupon: Option<String>,
    /// Free text for the warehouse.
    pub note: Option<String>,
    pub speed: Speed,
    pub items: Vec<OrderItem>,'
replace src/order_file.rs '    coupon: Option<String>,
    speed: Option<Speed>,' '    coupon: Option<String>,
    note: Option<String>,
    speed: Option<Speed>,'
replace src/order_file.rs '        "coupon" => set_once(&mut header.coupon, value.to_ascii_uppercase(), key, line),' \
'        "coupon" => set_once(&mut header.coupon, value.to_ascii_uppercase(), key, line),
        "note" => set_once(&mut header.note, value.to_string(), key, line),'
replace src/order_file.rs '        coupon: header.coupon,' '        coupon: header.coupon,
        note: header.note,'
before_last_brace src/order_file.rs <<'EOF'

    #[test]
    fn keeps_the_note() {
        let order = parse_order("order: N-1\ncustomer: Bo\nregion: FR\nnote: back door, ring twice\nitems:\nBOOK-01\n").unwrap();
        assert_eq!(order.note.as_deref(), Some("back door, ring twice"));
        assert_eq!(parse_order(SAMPLE).unwrap().note, None);
    }
EOF
commit "order_file: a free-text note: field for the warehouse"

# 12 -------------------------------------------------------------------------
replace src/inventory.rs '#[derive(Debug, Clone, Default)]
pub struct Inventory {
    on_hand: BTreeMap<Sku, u32>,
    reservations: HashMap<ReservationId, Vec<(Sku, u32)>>,' '#[derive(Debug, Clone)]
struct Reservation {
    order_id: String,
    lines: Vec<(Sku, u32)>,
}

#[derive(Debug, Clone, Default)]
pub struct Inventory {
    on_hand: BTreeMap<Sku, u32>,
    reservations: HashMap<ReservationId, Reservation>,'
replace src/inventory.rs 'self.reservations.values().flatten().filter(|(s, _)| s == sku)' \
'self.reservations.values().flat_map(|r| &r.lines).filter(|(s, _)| s == sku)'
replace src/inventory.rs '    /// Reserves every item or none. The same product may appear twice.
    pub fn reserve(&mut self, items: &[(Sku, u32)]) -> Result<ReservationId, InventoryError> {' \
'    /// Reserves every item for `order_id`, or none. The same product may appear twice.
    pub fn reserve(&mut self, order_id: &str, items: &[(Sku, u32)]) -> Result<ReservationId, InventoryError> {'
replace src/inventory.rs '        self.reservations.insert(id, lines);' '        self.reservations.insert(id, Reservation { order_id: order_id.to_string(), lines });'
replace src/inventory.rs '        let lines = self.reservations.remove(&id).ok_or(InventoryError::UnknownReservation(id))?;
        for (sku, units) in lines {' '        let reservation = self.reservations.remove(&id).ok_or(InventoryError::UnknownReservation(id))?;
        for (sku, units) in reservation.lines {'
replace src/inventory.rs '    pub fn open_reservations(&self) -> usize {' '    /// The open reservations of an order, oldest first.
    pub fn reservations_of(&self, order_id: &str) -> Vec<ReservationId> {
        let mut ids: Vec<ReservationId> =
            self.reservations.iter().filter(|(_, r)| r.order_id == order_id).map(|(&id, _)| id).collect();
        ids.sort();
        ids
    }

    pub fn open_reservations(&self) -> usize {'
replace_all src/inventory.rs 'inventory.reserve(&[' 'inventory.reserve("T-1", &['
before_last_brace src/inventory.rs <<'EOF'

    #[test]
    fn reservations_are_found_by_order() {
        let mut inventory = inventory();
        let first = inventory.reserve("A-1", &[(sku("TEA-001"), 1)]).unwrap();
        inventory.reserve("B-2", &[(sku("TEA-001"), 1)]).unwrap();
        let second = inventory.reserve("A-1", &[(sku("MUG-001"), 1)]).unwrap();
        assert_eq!(inventory.reservations_of("A-1"), vec![first, second]);
        inventory.release(first).unwrap();
        assert_eq!(inventory.reservations_of("A-1"), vec![second]);
        assert!(inventory.reservations_of("C-3").is_empty());
    }
EOF
commit "inventory: reservations remember their order (WIP)"

# 13 -------------------------------------------------------------------------
replace src/checkout.rs 'Some(inventory.reserve(&physical)?)' 'Some(inventory.reserve(&order.id, &physical)?)'
replace src/checkout.rs '        assert!(placed.reservation.is_some());' '        assert!(placed.reservation.is_some());
        assert_eq!(inventory.reservations_of("T-1"), vec![placed.reservation.unwrap()]);'
commit "checkout: reserve stock under the order id (fixes the build)"

# 14 -------------------------------------------------------------------------
replace batch/src/lib.rs '    for money in outcome.revenue.values() {
        writeln!(out, "revenue: {money}").unwrap();
    }' '    for money in outcome.revenue.values() {
        writeln!(out, "revenue: {money}").unwrap();
    }
    if outcome.revenue.len() > 1 {
        writeln!(out, "revenue in total: {}", outcome.revenue_in_eur()).unwrap();
    }'
before_last_brace batch/src/lib.rs <<'EOF'

    #[test]
    fn summary_totals_several_currencies_in_euros() {
        let one = render(&run(&order("A", "a@x.de", "DE", "TEA-001, 1")));
        assert!(!one.contains("revenue in total"), "{one}");
        let two = render(&run(&(order("A", "a@x.de", "DE", "TEA-001, 1") + &order("B", "b@x.de", "US", "TEA-001, 1"))));
        assert!(two.contains("revenue: ") && two.contains(" USD\n"), "{two}");
        assert!(two.contains("revenue in total: ") && two.contains(" EUR\n"), "{two}");
    }
EOF
commit "batch: the summary adds up revenue in several currencies (in euros)"

# 15 -------------------------------------------------------------------------
before_last_brace src/money.rs <<'EOF'

    #[test]
    fn parses_signs_spaces_and_empty_input() {
        assert_eq!(parse_amount(" -0.50 ", Currency::Eur), Ok(eur(-50)));
        assert_eq!(parse_amount("1,234.5", Currency::Usd), Ok(Money::from_minor(123_450, Currency::Usd)));
        assert_eq!(" 7 gbp ".parse::<Money>(), Ok(Money::from_minor(700, Currency::Gbp)));
        assert_eq!("7".parse::<Money>(), Err(MoneyError::Malformed("7".into())));
        assert!(parse_amount("", Currency::Eur).is_err());
        assert!(parse_amount("-", Currency::Eur).is_err());
        assert!(parse_amount("99999999999999999999", Currency::Eur).is_err());
    }
EOF
commit "tests: amount parsing with signs, spaces, empty and huge input"

# 16 -------------------------------------------------------------------------
replace src/shipping.rs '    Standard,
    Express,
}' '    Standard,
    Express,
    /// Collected at the warehouse: free, domestic orders only.
    Pickup,
}'
replace src/shipping.rs '            "express" => Some(Speed::Express),' '            "express" => Some(Speed::Express),
            "pickup" | "collect" => Some(Speed::Pickup),'
replace src/shipping.rs '    ExpressUnavailable(Region),
}' '    ExpressUnavailable(Region),
    PickupUnavailable(Region),
}'
replace src/shipping.rs '            ShippingError::ExpressUnavailable(region) => write!(f, "no express shipping to {region}"),' \
'            ShippingError::ExpressUnavailable(region) => write!(f, "no express shipping to {region}"),
            ShippingError::PickupUnavailable(region) => write!(f, "orders to {region} cannot be collected"),'
replace src/shipping.rs '    /// Fastest and slowest delivery, in working days.
    pub days: (u32, u32),
}' '    /// Fastest and slowest delivery, in working days.
    pub days: (u32, u32),
    pub speed: Speed,
}'
replace src/shipping.rs '    match (zone, speed) {
        (Zone::Domestic, Speed::Standard) => (1, 2),' '    match (zone, speed) {
        (_, Speed::Pickup) => (0, 1),
        (Zone::Domestic, Speed::Standard) => (1, 2),'
replace src/shipping.rs '        return Err(ShippingError::ExpressUnavailable(destination));
    }' '        return Err(ShippingError::ExpressUnavailable(destination));
    }
    if speed == Speed::Pickup && zone != Zone::Domestic {
        return Err(ShippingError::PickupUnavailable(destination));
    }'
replace src/shipping.rs 'return Ok(ShippingQuote { zone, parcels: 0, cost: Money::zero(currency), days: (0, 0) });' \
'return Ok(ShippingQuote { zone, parcels: 0, cost: Money::zero(currency), days: (0, 0), speed });
    }
    if speed == Speed::Pickup {
        return Ok(ShippingQuote { zone, parcels: parcels.len() as u32, cost: Money::zero(currency), days, speed });'
replace src/shipping.rs 'return Ok(ShippingQuote { zone, parcels: parcels.len() as u32, cost: Money::zero(currency), days });' \
'return Ok(ShippingQuote { zone, parcels: parcels.len() as u32, cost: Money::zero(currency), days, speed });'
replace src/shipping.rs 'Ok(ShippingQuote { zone, parcels: parcels.len() as u32, cost: fx::convert(cost, currency), days })' \
'Ok(ShippingQuote { zone, parcels: parcels.len() as u32, cost: fx::convert(cost, currency), days, speed })'
before_last_brace src/shipping.rs <<'EOF'

    #[test]
    fn pickup_is_free_and_domestic_only() {
        assert_eq!(Speed::parse("collect"), Some(Speed::Pickup));
        let quote = quote(Region::Germany, 12_000, eur(100), true, Speed::Pickup).unwrap();
        assert!(quote.cost.is_zero());
        assert_eq!((quote.parcels, quote.days), (2, (0, 1)));
        assert_eq!(
            super::quote(Region::France, 400, eur(100), false, Speed::Pickup),
            Err(ShippingError::PickupUnavailable(Region::France))
        );
    }
EOF
replace src/report.rs 'use crate::order_file::OrderRequest;' 'use crate::order_file::OrderRequest;
use crate::shipping::Speed;'
replace src/report.rs '    let shipping = &quote.shipping;
    if shipping.parcels == 0 {' '    let shipping = &quote.shipping;
    if shipping.speed == Speed::Pickup {
        return "Pickup at the warehouse".to_string();
    }
    if shipping.parcels == 0 {'
before_last_brace src/report.rs <<'EOF'

    #[test]
    fn pickup_has_its_own_shipping_line() {
        let order = parse_order("order: P-1\ncustomer: Al\nregion: DE\nshipping: pickup\nitems:\nKET-001\n").unwrap();
        let quote = checkout::quote(&order, &Catalog::standard(), &[]).unwrap();
        assert!(receipt(&order, &quote).contains("\nPickup at the warehouse "), "{}", receipt(&order, &quote));
    }
EOF
commit "shipping: customers in Germany can collect at the warehouse (shipping: pickup)"

# 17 -------------------------------------------------------------------------
replace src/cart.rs '        if let Some(index) = self.position(&product.sku) {
            let line = &mut self.lines[index];
            let wanted' '        if let Some(line) = self.lines.iter_mut().find(|line| line.sku == product.sku) {
            let wanted'
commit "cart: find the line to merge into directly"

# 18 -------------------------------------------------------------------------
replace_all src/order_file.rs 'if !chunk.trim().is_empty() {' 'if has_content(&chunk) {'
replace src/order_file.rs '/// Every order of a file, each parsed on its own' '/// True when `chunk` holds more than blank lines and comments.
fn has_content(chunk: &str) -> bool {
    chunk.lines().any(|line| !strip_comment(line).is_empty())
}

/// Every order of a file, each parsed on its own'
before_last_brace src/order_file.rs <<'EOF'

    #[test]
    fn comments_after_the_last_separator_are_not_an_order() {
        let results = parse_orders(&format!("{SAMPLE}---\n# end of the export\n\n"));
        assert_eq!(results.len(), 1);
        assert!(results[0].is_ok());
    }
EOF
commit "order_file: a trailing comment after the last --- is not an empty order"

# 19 -------------------------------------------------------------------------
replace src/tax.rs 'pub fn rate_for(region: Region, category: Category) -> u32 {
    rate_bp(region, rate_kind(region, category))
}' 'pub fn rate_for(region: Region, category: Category) -> u32 {
    rate_bp(region, rate_kind(region, category))
}

/// The rate kind shipping is taxed at: that of the goods making up most of
/// the order'"'"'s net value (the EU rule for ancillary costs); standard when
/// only exempt goods are shipped.
pub fn shipping_rate_kind(amounts: &[(RateKind, Money)]) -> RateKind {
    let mut totals: Vec<(RateKind, i64)> = Vec::new();
    for &(kind, amount) in amounts.iter().filter(|(kind, _)| *kind != RateKind::Exempt) {
        match totals.iter_mut().find(|(k, _)| *k == kind) {
            Some((_, total)) => *total += amount.minor(),
            None => totals.push((kind, amount.minor())),
        }
    }
    totals.into_iter().max_by_key(|&(_, total)| total).map_or(RateKind::Standard, |(kind, _)| kind)
}'
replace src/checkout.rs '    if region.is_eu() && !shipping.cost.is_zero() {
        taxable.push((RateKind::Standard, shipping.cost));
    }' '    if region.is_eu() && !shipping.cost.is_zero() {
        let kind = tax::shipping_rate_kind(&taxable);
        taxable.push((kind, shipping.cost));
    }'
replace src/checkout.rs '//! each rate is taxed on what the customer actually pays for it. In the EU,
//! shipping is taxed at the standard rate.' '//! each rate is taxed on what the customer actually pays for it. In the EU,
//! shipping is taxed at the rate of most of the goods.'
before_last_brace src/tax.rs <<'EOF'

    #[test]
    fn shipping_follows_the_main_rate() {
        let mixed = [(RateKind::Reduced, eur(3000)), (RateKind::Standard, eur(2000)), (RateKind::Standard, eur(1500))];
        assert_eq!(shipping_rate_kind(&mixed), RateKind::Standard);
        assert_eq!(shipping_rate_kind(&mixed[..2]), RateKind::Reduced);
        assert_eq!(shipping_rate_kind(&[(RateKind::Exempt, eur(5000))]), RateKind::Standard);
    }
EOF
before_last_brace src/checkout.rs <<'EOF'

    #[test]
    fn shipping_of_groceries_is_taxed_at_the_reduced_rate() {
        let quote = quote(&order("DE", "COF-001, 1"), &Catalog::standard(), &[]).unwrap();
        assert_eq!(quote.tax, vec![TaxLine { rate_bp: 700, base: eur(1800 + 590), tax: eur(167) }]);
    }
EOF
commit "tax: shipping is taxed at the rate of most of the goods, not always the standard rate"

# 20 -------------------------------------------------------------------------
printf 'coupon SUMMER 15 cap 20.00\n' >> src/data/promotions.txt
replace src/discount.rs 'assert_eq!(rules.len(), 5);' 'assert_eq!(rules.len(), 6);'
commit "promotions: SUMMER coupon, 15% up to 20.00"

# 21 -------------------------------------------------------------------------
replace src/shipping.rs '    if zone == Zone::Domestic && speed == Speed::Standard && order_value >= free_from {
        return Ok(ShippingQuote { zone, parcels: parcels.len() as u32, cost: Money::zero(currency), days, speed });
    }
    let mut minor: i64 = parcels.iter().map(|&grams| band_price(zone, grams)).sum();' \
'    let free = zone == Zone::Domestic && speed == Speed::Standard && order_value >= free_from;
    let mut minor: i64 = if free { 0 } else { parcels.iter().map(|&grams| band_price(zone, grams)).sum() };'
replace src/shipping.rs '/// Padding for fragile goods, per parcel (catalog currency, minor units).' \
'/// Padding for fragile goods, per parcel (catalog currency, minor units);
/// charged even when shipping is free.'
replace src/shipping.rs '        assert!(quote(Region::Germany, 3_000, eur(5000), true, Speed::Standard).unwrap().cost.is_zero());' \
'        assert!(quote(Region::Germany, 3_000, eur(5000), false, Speed::Standard).unwrap().cost.is_zero());
        assert_eq!(quote(Region::Germany, 3_000, eur(5000), true, Speed::Standard).unwrap().cost, eur(350));'
replace tests/orders.rs '    assert!(quote.shipping.cost.is_zero(), "free domestic shipping from 50.00");
    assert_eq!(quote.total.minor(), quote.subtotal.minor() - 1056 + quote.tax_total.minor());' \
'    // Free domestic shipping from 50.00, but the mugs need padding.
    assert_eq!(quote.shipping.cost, Money::from_minor(350, Currency::Eur));
    assert_eq!(quote.total.minor(), quote.subtotal.minor() - 1056 + 350 + quote.tax_total.minor());'
commit "shipping: charge the fragile surcharge on free shipping too"

# 22 -------------------------------------------------------------------------
replace src/catalog.rs '    pub fn parse(text: &str) -> Result<Catalog, CatalogError> {
        let mut catalog = Catalog::default();' '    pub fn parse(text: &str) -> Result<Catalog, CatalogError> {
        // Spreadsheet exports often start with a byte order mark.
        let text = text.strip_prefix('"'"'\u{feff}'"'"').unwrap_or(text);
        let mut catalog = Catalog::default();'
before_last_brace src/catalog.rs <<'EOF'

    #[test]
    fn byte_order_mark_is_skipped() {
        let catalog = Catalog::parse("\u{feff}AAA-1,One,gift,1.00,0,\n").unwrap();
        assert_eq!(catalog.get("AAA-1").map(|p| p.name.as_str()), Some("One"));
    }
EOF
commit "catalog: skip the byte order mark of spreadsheet exports"

# 23 -------------------------------------------------------------------------
replace batch/src/lib.rs 'pub const REPEAT_ORDERS: usize = 2;' 'pub const REPEAT_ORDERS: usize = 1;'
commit "batch: flag a customer's second order in a batch, not only the third"

# 24 -------------------------------------------------------------------------
replace src/report.rs 'let days = if fastest == slowest { format!("{fastest} days") } else { format!("{fastest}-{slowest} days") };' \
'let days = if fastest == slowest { plural(fastest, "day") } else { format!("{fastest}-{slowest} days") };'
before_last_brace src/report.rs <<'EOF'

    #[test]
    fn express_delivery_takes_one_day() {
        let order = parse_order("order: E-1\ncustomer: Al\nregion: DE\nshipping: express\nitems:\nKET-001\n").unwrap();
        let quote = checkout::quote(&order, &Catalog::standard(), &[]).unwrap();
        assert!(receipt(&order, &quote).contains("Shipping (1 parcel, 1 day)"), "{}", receipt(&order, &quote));
    }
EOF
commit "report: \"1 day\", not \"1 days\""

# 25 -------------------------------------------------------------------------
replace src/shipping.rs '    let mut parcels = Vec::new();
    while left > 0 {' '    let mut parcels = Vec::new();
    // The carrier refuses parcels above MAX_PARCEL_GRAMS; filling each parcel
    // up is cheaper than splitting evenly, since bands grow less than weight.
    while left > 0 {'
commit "shipping: say why parcels are filled up one after the other"

# 26 -------------------------------------------------------------------------
replace src/checkout.rs 'use crate::tax::{self, RateKind, TaxLine};' 'use crate::tax::{self, RateKind, Region, TaxLine};'
replace src/checkout.rs '    let mut taxable: Vec<(RateKind, Money)> = cart
        .lines()
        .iter()
        .zip(net_line_amounts(&cart, &discounts))
        .map(|(line, net)| (tax::rate_kind(region, line.category), net))
        .collect();
    if region.is_eu() && !shipping.cost.is_zero() {
        let kind = tax::shipping_rate_kind(&taxable);
        taxable.push((kind, shipping.cost));
    }
    let tax' '    let taxable = taxable_amounts(region, &cart, &discounts, &shipping);
    let tax'
replace src/checkout.rs 'pub fn quote(order: &OrderRequest' '/// What is taxed, at which rate kind: each line net of its discounts, and
/// in the EU the shipping.
fn taxable_amounts(
    region: Region,
    cart: &Cart,
    discounts: &[Discount],
    shipping: &ShippingQuote,
) -> Vec<(RateKind, Money)> {
    let mut taxable: Vec<(RateKind, Money)> = cart
        .lines()
        .iter()
        .zip(net_line_amounts(cart, discounts))
        .map(|(line, net)| (tax::rate_kind(region, line.category), net))
        .collect();
    if region.is_eu() && !shipping.cost.is_zero() {
        let kind = tax::shipping_rate_kind(&taxable);
        taxable.push((kind, shipping.cost));
    }
    taxable
}

pub fn quote(order: &OrderRequest'
commit "checkout: extract taxable_amounts from quote"

# 27 -------------------------------------------------------------------------
cat >> tests/orders.rs <<'EOF'

#[test]
fn irish_book_order_is_zero_rated_shipping_included() {
    let order = parse_order("order: I-1\ncustomer: Niamh\nregion: IE\nitems:\nBOOK-02, 1\n").unwrap();
    let quote = quote(&order, &Catalog::standard(), &[]).unwrap();
    assert_eq!(quote.shipping.cost, Money::from_minor(1190, Currency::Eur));
    assert!(quote.tax_total.is_zero());
    assert_eq!(quote.total, Money::from_minor(3200 + 1190, Currency::Eur));
}
EOF
commit "tests: an Irish book order pays no VAT, shipping included"

# 28 -------------------------------------------------------------------------
replace src/order_file.rs '    let quantity = match quantity.parse::<u32>() {' \
'    // Exports from the web shop write quantities as `2x`.
    let quantity = match quantity.trim_end_matches(['"'"'x'"'"', '"'"'X'"'"']).trim_end().parse::<u32>() {'
before_last_brace src/order_file.rs <<'EOF'

    #[test]
    fn quantities_may_end_in_x() {
        let order = parse_order("order: Q-1\ncustomer: Bo\nregion: FR\nitems:\nBOOK-01, 2x\nBOOK-02, 3 X\n").unwrap();
        let quantities: Vec<u32> = order.items.iter().map(|item| item.quantity).collect();
        assert_eq!(quantities, [2, 3]);
        assert_eq!(kind("items:\nBOOK-01, x\n"), ParseErrorKind::BadQuantity("x".into()));
    }
EOF
commit "order_file: accept quantities written 2x"

# 29 -------------------------------------------------------------------------
replace src/report.rs '    let mut lines = vec![format!("Order {} for {} ({})", order.id, order.customer, order.region), rule()];' \
'    let mut title = format!("Order {} for {}", order.id, order.customer);
    if let Some(email) = &order.email {
        title += &format!(" <{email}>");
    }
    title += &format!(" ({})", order.region);
    let mut lines = vec![title, rule()];'
before_last_brace src/report.rs <<'EOF'

    #[test]
    fn receipt_header_shows_the_email() {
        let order = parse_order("order: M-1\ncustomer: Al\nemail: al@example.com\nregion: FR\nitems:\nBOOK-01\n").unwrap();
        let quote = checkout::quote(&order, &Catalog::standard(), &[]).unwrap();
        assert!(receipt(&order, &quote).starts_with("Order M-1 for Al <al@example.com> (FR)\n"));
    }
EOF
commit "report: the customer's e-mail address in the receipt header"

# 30 -------------------------------------------------------------------------
group=$(text <<'EOF'
fn group_thousands(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, ch) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(ch);
    }
    out
}
EOF
)
replace src/money.rs "$group

" ''
replace src/money.rs '        write!(f, "{sign}{whole}.{:0digits$} {}", magnitude % per_major, self.currency)
    }
}
' "        write!(f, \"{sign}{whole}.{:0digits\$} {}\", magnitude % per_major, self.currency)
    }
}

/// \`1234567\` → \`1,234,567\`.
$group
"
commit "money: group_thousands next to the Display impl that uses it"

replace Cargo.toml 'version = "0.1.0"' 'version = "0.2.0"'
replace batch/Cargo.toml 'version = "0.1.0"' 'version = "0.2.0"'
commit "release 0.2.0"

echo "make-history: $n commits in $dest"

//! The product catalog: what the shop sells, at which price.
//!
//! The standard catalog is compiled in from `data/catalog.csv`.

use std::collections::HashMap;
use std::fmt;

use crate::money::{parse_amount, Currency, Money};

const STANDARD: &str = include_str!("data/catalog.csv");

/// Catalog prices are kept in this currency.
pub const CATALOG_CURRENCY: Currency = Currency::Eur;

const SKU_MAX_LEN: usize = 12;

/// A stock-keeping unit: upper-case letters, digits and `-`.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Sku(String);

impl Sku {
    /// Validates `text`; lower case is accepted and stored upper case.
    pub fn parse(text: &str) -> Option<Sku> {
        let text = text.trim();
        if text.len() < 3 || text.len() > SKU_MAX_LEN {
            return None;
        }
        if !text.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-') {
            return None;
        }
        if text.starts_with('-') || text.ends_with('-') {
            return None;
        }
        Some(Sku(text.to_ascii_uppercase()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for Sku {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Category {
    Grocery,
    Kitchen,
    Appliance,
    Books,
    Gift,
}

impl Category {
    pub fn parse(text: &str) -> Option<Category> {
        match text.trim().to_ascii_lowercase().as_str() {
            "grocery" => Some(Category::Grocery),
            "kitchen" => Some(Category::Kitchen),
            "appliance" => Some(Category::Appliance),
            "books" => Some(Category::Books),
            "gift" => Some(Category::Gift),
            _ => None,
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            Category::Grocery => "grocery",
            Category::Kitchen => "kitchen",
            Category::Appliance => "appliance",
            Category::Books => "books",
            Category::Gift => "gift",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Product {
    pub sku: Sku,
    pub name: String,
    pub category: Category,
    pub price: Money,
    pub weight_grams: u32,
    /// Needs padding and a surcharge to ship.
    pub fragile: bool,
    /// Delivered by e-mail: no weight, no shipping.
    pub digital: bool,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CatalogError {
    /// A line of the catalog file is wrong; `line` is 1-based.
    BadLine { line: usize, reason: String },
    DuplicateSku { line: usize, sku: Sku },
    UnknownSku(String),
}

impl fmt::Display for CatalogError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            CatalogError::BadLine { line, reason } => write!(f, "catalog line {line}: {reason}"),
            CatalogError::DuplicateSku { line, sku } => write!(f, "catalog line {line}: {sku} listed twice"),
            CatalogError::UnknownSku(sku) => write!(f, "no product {sku:?}"),
        }
    }
}

impl std::error::Error for CatalogError {}

#[derive(Debug, Clone, Default)]
pub struct Catalog {
    products: Vec<Product>,
    by_sku: HashMap<Sku, usize>,
}

impl Catalog {
    /// The catalog bundled with the shop.
    pub fn standard() -> Catalog {
        Catalog::parse(STANDARD).expect("the bundled catalog is valid")
    }

    /// Reads `sku,name,category,price,weight,flags` lines; blank lines and
    /// lines starting with `#` are skipped.
    pub fn parse(text: &str) -> Result<Catalog, CatalogError> {
        let mut catalog = Catalog::default();
        for (index, raw) in text.lines().enumerate() {
            let line = index + 1;
            let trimmed = raw.trim();
            if trimmed.is_empty() || trimmed.starts_with('#') {
                continue;
            }
            let product = parse_product(trimmed).map_err(|reason| CatalogError::BadLine { line, reason })?;
            if catalog.by_sku.contains_key(&product.sku) {
                return Err(CatalogError::DuplicateSku { line, sku: product.sku });
            }
            catalog.insert(product);
        }
        Ok(catalog)
    }

    fn insert(&mut self, product: Product) {
        self.by_sku.insert(product.sku.clone(), self.products.len());
        self.products.push(product);
    }

    pub fn get(&self, sku: &str) -> Option<&Product> {
        let sku = Sku::parse(sku)?;
        self.by_sku.get(&sku).map(|&index| &self.products[index])
    }

    pub fn require(&self, sku: &str) -> Result<&Product, CatalogError> {
        self.get(sku).ok_or_else(|| CatalogError::UnknownSku(sku.trim().to_string()))
    }

    pub fn in_category(&self, category: Category) -> impl Iterator<Item = &Product> + '_ {
        self.products.iter().filter(move |p| p.category == category)
    }

    /// Products whose name contains every word of `query`, ignoring case.
    pub fn search(&self, query: &str) -> Vec<&Product> {
        let words: Vec<String> = query.split_whitespace().map(str::to_lowercase).collect();
        if words.is_empty() {
            return Vec::new();
        }
        self.products
            .iter()
            .filter(|p| {
                let name = p.name.to_lowercase();
                words.iter().all(|w| name.contains(w.as_str()))
            })
            .collect()
    }

    pub fn len(&self) -> usize {
        self.products.len()
    }

    pub fn is_empty(&self) -> bool {
        self.products.is_empty()
    }

    pub fn products(&self) -> &[Product] {
        &self.products
    }
}

fn parse_product(line: &str) -> Result<Product, String> {
    let fields: Vec<&str> = line.split(',').map(str::trim).collect();
    if fields.len() != 6 {
        return Err(format!("expected 6 fields, found {}", fields.len()));
    }
    let sku = Sku::parse(fields[0]).ok_or_else(|| format!("bad SKU {:?}", fields[0]))?;
    let name = fields[1];
    if name.is_empty() {
        return Err("empty name".to_string());
    }
    let category = Category::parse(fields[2]).ok_or_else(|| format!("unknown category {:?}", fields[2]))?;
    let price = parse_amount(fields[3], CATALOG_CURRENCY).map_err(|e| e.to_string())?;
    if price.is_negative() {
        return Err("negative price".to_string());
    }
    let weight_grams: u32 = fields[4].parse().map_err(|_| format!("bad weight {:?}", fields[4]))?;
    let mut product = Product {
        sku,
        name: name.to_string(),
        category,
        price,
        weight_grams,
        fragile: false,
        digital: false,
    };
    for flag in fields[5].split_whitespace() {
        match flag {
            "fragile" => product.fragile = true,
            "digital" => product.digital = true,
            other => return Err(format!("unknown flag {other:?}")),
        }
    }
    if product.digital && product.weight_grams > 0 {
        return Err("a digital product weighs nothing".to_string());
    }
    Ok(product)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn standard_catalog_loads() {
        let catalog = Catalog::standard();
        assert_eq!(catalog.len(), 16);
        let tea = catalog.get("TEA-001").unwrap();
        assert_eq!(tea.name, "Green tea 100g");
        assert_eq!(tea.price, Money::from_minor(490, Currency::Eur));
        assert_eq!(tea.category, Category::Grocery);
    }

    #[test]
    fn lookup_ignores_case_and_spaces() {
        let catalog = Catalog::standard();
        assert_eq!(catalog.get(" mug-001 ").map(|p| p.name.as_str()), Some("Stoneware mug"));
    }

    #[test]
    fn unknown_sku_is_an_error() {
        let catalog = Catalog::standard();
        assert_eq!(catalog.require("NOPE-1"), Err(CatalogError::UnknownSku("NOPE-1".into())));
        assert!(catalog.get("x").is_none());
    }

    #[test]
    fn sku_rules() {
        assert_eq!(Sku::parse("ab-12").map(|s| s.to_string()), Some("AB-12".to_string()));
        assert!(Sku::parse("AB").is_none());
        assert!(Sku::parse("-AB1").is_none());
        assert!(Sku::parse("AB_1").is_none());
        assert!(Sku::parse("ABCDEFGHIJKLM").is_none());
    }

    #[test]
    fn duplicate_sku_is_rejected() {
        let text = "AAA-1,One,gift,1.00,0,\nAAA-1,Two,gift,2.00,0,\n";
        assert_eq!(
            Catalog::parse(text).unwrap_err(),
            CatalogError::DuplicateSku { line: 2, sku: Sku::parse("AAA-1").unwrap() }
        );
    }

    #[test]
    fn bad_lines_name_the_line() {
        let text = "# header\nAAA-1,One,gift,1.00,0,\nBBB-1,Two,toys,2.00,0,\n";
        match Catalog::parse(text) {
            Err(CatalogError::BadLine { line, reason }) => {
                assert_eq!(line, 3);
                assert!(reason.contains("toys"), "{reason}");
            }
            other => panic!("unexpected {other:?}"),
        }
        assert!(Catalog::parse("CCC-1,Three,gift,1.001,0,").is_err());
        assert!(Catalog::parse("CCC-1,Three,gift,1.00,heavy,").is_err());
        assert!(Catalog::parse("CCC-1,Three,gift,1.00,0").is_err());
    }

    #[test]
    fn flags_are_read() {
        let catalog = Catalog::standard();
        assert!(catalog.get("MUG-001").unwrap().fragile);
        assert!(!catalog.get("MUG-002").unwrap().fragile);
        assert!(catalog.get("GIFT-25").unwrap().digital);
        assert!(Catalog::parse("DDD-1,Four,gift,1.00,10,digital").is_err());
        assert!(Catalog::parse("DDD-1,Four,gift,1.00,0,shiny").is_err());
    }

    #[test]
    fn lists_a_category() {
        let catalog = Catalog::standard();
        let books: Vec<&str> = catalog.in_category(Category::Books).map(|p| p.sku.as_str()).collect();
        assert_eq!(books, ["BOOK-01", "BOOK-02"]);
    }

    #[test]
    fn search_matches_every_word() {
        let catalog = Catalog::standard();
        let found: Vec<&str> = catalog.search("MUG travel").iter().map(|p| p.sku.as_str()).collect();
        assert_eq!(found, ["MUG-002"]);
        assert_eq!(catalog.search("tea").len(), 3);
        assert!(catalog.search("  ").is_empty());
    }
}

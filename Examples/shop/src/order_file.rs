//! The order file format: a header of `key: value` fields, then `items:`
//! and one `SKU, QUANTITY` line per product. Orders in one file are
//! separated by `---` lines; `#` starts a comment.
//!
//! ```text
//! order: A-1001
//! customer: Jane Doe
//! email: jane@example.com
//! region: DE
//! coupon: WELCOME
//! shipping: express
//! items:
//! TEA-001, 2
//! MUG-001, 1
//! ```

use std::fmt;

use crate::catalog::Sku;
use crate::shipping::Speed;
use crate::tax::Region;

pub const SEPARATOR: &str = "---";

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OrderItem {
    pub sku: Sku,
    pub quantity: u32,
    /// 1-based line in the file.
    pub line: usize,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OrderRequest {
    pub id: String,
    pub customer: String,
    pub email: Option<String>,
    pub region: Region,
    pub coupon: Option<String>,
    pub speed: Speed,
    pub items: Vec<OrderItem>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ParseErrorKind {
    MissingField(&'static str),
    UnknownField(String),
    DuplicateField(String),
    NotAField(String),
    BadRegion(String),
    BadSpeed(String),
    BadEmail(String),
    BadSku(String),
    BadQuantity(String),
    NoItems,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParseError {
    /// 1-based line in the file (for a missing field: the order's first line).
    pub line: usize,
    pub kind: ParseErrorKind,
}

impl fmt::Display for ParseErrorKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ParseErrorKind::MissingField(name) => write!(f, "missing field `{name}`"),
            ParseErrorKind::UnknownField(name) => write!(f, "unknown field `{name}`"),
            ParseErrorKind::DuplicateField(name) => write!(f, "field `{name}` given twice"),
            ParseErrorKind::NotAField(text) => write!(f, "expected `key: value`, found {text:?}"),
            ParseErrorKind::BadRegion(text) => write!(f, "unknown region {text:?}"),
            ParseErrorKind::BadSpeed(text) => write!(f, "unknown shipping speed {text:?}"),
            ParseErrorKind::BadEmail(text) => write!(f, "not an e-mail address: {text:?}"),
            ParseErrorKind::BadSku(text) => write!(f, "bad SKU {text:?}"),
            ParseErrorKind::BadQuantity(text) => write!(f, "bad quantity {text:?}"),
            ParseErrorKind::NoItems => f.write_str("the order has no items"),
        }
    }
}

impl fmt::Display for ParseError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "line {}: {}", self.line, self.kind)
    }
}

impl std::error::Error for ParseError {}

/// The header fields, as read so far.
#[derive(Default)]
struct Header {
    id: Option<String>,
    customer: Option<String>,
    email: Option<String>,
    region: Option<Region>,
    coupon: Option<String>,
    speed: Option<Speed>,
}

fn strip_comment(line: &str) -> &str {
    line.split('#').next().unwrap_or("").trim()
}

/// Keeps the first value of a field; a second one is an error.
fn set_once<T>(slot: &mut Option<T>, value: T, key: &str, line: usize) -> Result<(), ParseError> {
    if slot.is_some() {
        return Err(ParseError { line, kind: ParseErrorKind::DuplicateField(key.to_string()) });
    }
    *slot = Some(value);
    Ok(())
}

pub fn valid_email(text: &str) -> bool {
    let Some((local, domain)) = text.split_once('@') else { return false };
    if local.is_empty() || domain.contains('@') || text.contains(char::is_whitespace) {
        return false;
    }
    match domain.rsplit_once('.') {
        Some((name, tld)) => !name.is_empty() && tld.len() >= 2,
        None => false,
    }
}

fn parse_field(header: &mut Header, key: &str, value: &str, line: usize) -> Result<(), ParseError> {
    let error = |kind| ParseError { line, kind };
    match key {
        "order" => set_once(&mut header.id, value.to_string(), key, line),
        "customer" => set_once(&mut header.customer, value.to_string(), key, line),
        "email" => {
            if !valid_email(value) {
                return Err(error(ParseErrorKind::BadEmail(value.to_string())));
            }
            set_once(&mut header.email, value.to_ascii_lowercase(), key, line)
        }
        "region" => {
            let region = Region::from_code(value).ok_or_else(|| error(ParseErrorKind::BadRegion(value.to_string())))?;
            set_once(&mut header.region, region, key, line)
        }
        "coupon" => set_once(&mut header.coupon, value.to_ascii_uppercase(), key, line),
        "shipping" => {
            let speed = Speed::parse(value).ok_or_else(|| error(ParseErrorKind::BadSpeed(value.to_string())))?;
            set_once(&mut header.speed, speed, key, line)
        }
        _ => Err(error(ParseErrorKind::UnknownField(key.to_string()))),
    }
}

fn parse_item(text: &str, line: usize) -> Result<OrderItem, ParseError> {
    let error = |kind| ParseError { line, kind };
    let (sku, quantity) = match text.split_once(',') {
        Some((sku, quantity)) => (sku.trim(), quantity.trim()),
        None => (text.trim(), "1"),
    };
    let sku = Sku::parse(sku).ok_or_else(|| error(ParseErrorKind::BadSku(sku.to_string())))?;
    let quantity = match quantity.parse::<u32>() {
        Ok(n) if n > 0 => n,
        _ => return Err(error(ParseErrorKind::BadQuantity(quantity.to_string()))),
    };
    Ok(OrderItem { sku, quantity, line })
}

/// Parses one order; `first_line` is the file line number of `text`'s first line.
pub fn parse_order_at(text: &str, first_line: usize) -> Result<OrderRequest, ParseError> {
    let mut header = Header::default();
    let mut items = Vec::new();
    let mut in_items = false;
    for (offset, raw) in text.lines().enumerate() {
        let line = first_line + offset;
        let content = strip_comment(raw);
        if content.is_empty() {
            continue;
        }
        if content.eq_ignore_ascii_case("items:") {
            in_items = true;
            continue;
        }
        if in_items {
            items.push(parse_item(content, line)?);
            continue;
        }
        let Some((key, value)) = content.split_once(':') else {
            return Err(ParseError { line, kind: ParseErrorKind::NotAField(content.to_string()) });
        };
        parse_field(&mut header, &key.trim().to_ascii_lowercase(), value.trim(), line)?;
    }
    let missing = |name| ParseError { line: first_line, kind: ParseErrorKind::MissingField(name) };
    let id = header.id.ok_or_else(|| missing("order"))?;
    let customer = header.customer.ok_or_else(|| missing("customer"))?;
    let region = header.region.ok_or_else(|| missing("region"))?;
    if items.is_empty() {
        return Err(ParseError { line: first_line, kind: ParseErrorKind::NoItems });
    }
    Ok(OrderRequest {
        id,
        customer,
        email: header.email,
        region,
        coupon: header.coupon,
        speed: header.speed.unwrap_or_default(),
        items,
    })
}

pub fn parse_order(text: &str) -> Result<OrderRequest, ParseError> {
    parse_order_at(text, 1)
}

/// Every order of a file, each parsed on its own: one bad order does not
/// hide the others.
pub fn parse_orders(text: &str) -> Vec<Result<OrderRequest, ParseError>> {
    let mut results = Vec::new();
    let mut chunk = String::new();
    let mut chunk_start = 1;
    for (index, line) in text.lines().enumerate() {
        if line.trim() == SEPARATOR {
            if !chunk.trim().is_empty() {
                results.push(parse_order_at(&chunk, chunk_start));
            }
            chunk.clear();
            chunk_start = index + 2;
            continue;
        }
        chunk.push_str(line);
        chunk.push('\n');
    }
    if !chunk.trim().is_empty() {
        results.push(parse_order_at(&chunk, chunk_start));
    }
    results
}

#[cfg(test)]
mod tests {
    use super::*;

    const SAMPLE: &str = "\
# a web order
order: A-1001
customer: Jane Doe
email: Jane@Example.com
region: de
coupon: welcome
shipping: express
items:
TEA-001, 2
mug-001, 1   # gift wrap
";

    fn kind(text: &str) -> ParseErrorKind {
        parse_order(text).unwrap_err().kind
    }

    #[test]
    fn parses_a_full_order() {
        let order = parse_order(SAMPLE).unwrap();
        assert_eq!(order.id, "A-1001");
        assert_eq!(order.customer, "Jane Doe");
        assert_eq!(order.email.as_deref(), Some("jane@example.com"));
        assert_eq!(order.region, Region::Germany);
        assert_eq!(order.coupon.as_deref(), Some("WELCOME"));
        assert_eq!(order.speed, Speed::Express);
        assert_eq!(order.items.len(), 2);
        assert_eq!(order.items[1].sku.as_str(), "MUG-001");
        assert_eq!(order.items[1].line, 10);
    }

    #[test]
    fn optional_fields_have_defaults() {
        let order = parse_order("order: B-1\ncustomer: Bo\nregion: FR\nitems:\nBOOK-01, 1\n").unwrap();
        assert_eq!(order.email, None);
        assert_eq!(order.coupon, None);
        assert_eq!(order.speed, Speed::Standard);
    }

    #[test]
    fn quantity_defaults_to_one() {
        let order = parse_order("order: B-2\ncustomer: Bo\nregion: FR\nitems:\nBOOK-01\n").unwrap();
        assert_eq!(order.items[0].quantity, 1);
    }

    #[test]
    fn missing_fields() {
        assert_eq!(kind("customer: Bo\nregion: FR\nitems:\nBOOK-01, 1\n"), ParseErrorKind::MissingField("order"));
        assert_eq!(kind("order: X\ncustomer: Bo\nitems:\nBOOK-01, 1\n"), ParseErrorKind::MissingField("region"));
        assert_eq!(kind("order: X\ncustomer: Bo\nregion: FR\nitems:\n"), ParseErrorKind::NoItems);
    }

    #[test]
    fn bad_header_lines() {
        assert_eq!(kind("order: X\nphone: 123\n"), ParseErrorKind::UnknownField("phone".into()));
        assert_eq!(kind("order: X\norder: Y\n"), ParseErrorKind::DuplicateField("order".into()));
        assert_eq!(kind("order X\n"), ParseErrorKind::NotAField("order X".into()));
        assert_eq!(kind("region: Mars\n"), ParseErrorKind::BadRegion("Mars".into()));
        assert_eq!(kind("shipping: overnight\n"), ParseErrorKind::BadSpeed("overnight".into()));
    }

    #[test]
    fn bad_items_name_their_line() {
        let err = parse_order("order: X\ncustomer: Bo\nregion: FR\nitems:\nBOOK-01, 1\nBOOK-02, none\n").unwrap_err();
        assert_eq!(err, ParseError { line: 6, kind: ParseErrorKind::BadQuantity("none".into()) });
        assert_eq!(err.to_string(), "line 6: bad quantity \"none\"");
        assert_eq!(kind("items:\nBOOK-01, 0\n"), ParseErrorKind::BadQuantity("0".into()));
        assert_eq!(kind("items:\nB!, 1\n"), ParseErrorKind::BadSku("B!".into()));
    }

    #[test]
    fn email_validation() {
        assert!(valid_email("a@b.de"));
        assert!(!valid_email("a@b"));
        assert!(!valid_email("@b.de"));
        assert!(!valid_email("a@b@c.de"));
        assert!(!valid_email("a b@c.de"));
        assert!(!valid_email("a@b.c"));
        assert_eq!(kind("email: nobody\n"), ParseErrorKind::BadEmail("nobody".into()));
    }

    #[test]
    fn several_orders_in_one_file() {
        let text = format!("{SAMPLE}---\norder: A-1002\ncustomer: Max\nregion: XX\n---\n\n---\norder: A-1003\ncustomer: Li\nregion: JP\nitems:\nKET-001, 1\n");
        let results = parse_orders(&text);
        assert_eq!(results.len(), 3);
        assert!(results[0].is_ok());
        assert_eq!(results[1], Err(ParseError { line: 14, kind: ParseErrorKind::BadRegion("XX".into()) }));
        let third = results[2].as_ref().unwrap();
        assert_eq!(third.id, "A-1003");
        assert_eq!(third.items[0].line, 22);
    }
}

//! Text output: the customer's receipt and CSV rows for accounting.

use crate::checkout::Quote;
use crate::money::Money;
use crate::order_file::OrderRequest;
use crate::tax::format_rate;

/// Width of a receipt line, in characters.
pub const WIDTH: usize = 48;
const RULE: char = '-';

/// `text` cut to `max` characters, with `…` when something was cut.
pub fn truncate(text: &str, max: usize) -> String {
    if text.chars().count() <= max {
        return text.to_string();
    }
    if max == 0 {
        return String::new();
    }
    let mut out: String = text.chars().take(max - 1).collect();
    out.push('…');
    out
}

/// A label on the left and an amount on the right, `WIDTH` wide; a label
/// too long for the line is cut.
pub fn row(label: &str, amount: Money) -> String {
    let amount = amount.to_string();
    let room = WIDTH.saturating_sub(amount.chars().count() + 1);
    let label = truncate(label, room);
    let padding = WIDTH - label.chars().count() - amount.chars().count();
    format!("{label}{}{amount}", " ".repeat(padding))
}

fn rule() -> String {
    std::iter::repeat_n(RULE, WIDTH).collect()
}

pub fn plural(count: u32, word: &str) -> String {
    if count == 1 {
        format!("{count} {word}")
    } else {
        format!("{count} {word}s")
    }
}

fn shipping_label(quote: &Quote) -> String {
    let shipping = &quote.shipping;
    if shipping.parcels == 0 {
        return "Shipping (e-mail delivery)".to_string();
    }
    let (fastest, slowest) = shipping.days;
    let days = if fastest == slowest { format!("{fastest} days") } else { format!("{fastest}-{slowest} days") };
    format!("Shipping ({}, {days})", plural(shipping.parcels, "parcel"))
}

/// The receipt printed for the customer.
pub fn receipt(order: &OrderRequest, quote: &Quote) -> String {
    let mut lines = vec![format!("Order {} for {} ({})", order.id, order.customer, order.region), rule()];
    for line in &quote.lines {
        lines.push(row(&format!("{} x {}", line.quantity, line.name), line.total()));
    }
    lines.push(rule());
    lines.push(row("Subtotal", quote.subtotal));
    for discount in &quote.discounts {
        lines.push(row(&discount.label, -discount.amount));
    }
    lines.push(row(&shipping_label(quote), quote.shipping.cost));
    for tax in &quote.tax {
        lines.push(row(&format!("VAT {} on {}", format_rate(tax.rate_bp), tax.base), tax.tax));
    }
    lines.push(rule());
    lines.push(row("Total", quote.total));
    let mut text = lines.join("\n");
    text.push('\n');
    text
}

/// A CSV field, quoted when it holds a comma, a quote or a line break.
pub fn csv_field(text: &str) -> String {
    if text.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", text.replace('"', "\"\""))
    } else {
        text.to_string()
    }
}

pub fn csv_row<S: AsRef<str>>(fields: &[S]) -> String {
    fields.iter().map(|f| csv_field(f.as_ref())).collect::<Vec<_>>().join(",")
}

pub const CSV_HEADER: &str = "order,customer,region,currency,subtotal,discounts,shipping,tax,total";

/// Amounts in minor units, for spreadsheets.
pub fn csv_line(order: &OrderRequest, quote: &Quote) -> String {
    let amounts = [quote.subtotal, quote.discount_total, quote.shipping.cost, quote.tax_total, quote.total];
    let mut fields = vec![
        order.id.clone(),
        order.customer.clone(),
        order.region.code().to_string(),
        quote.currency.code().to_string(),
    ];
    fields.extend(amounts.iter().map(|a| a.minor().to_string()));
    csv_row(&fields)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::catalog::Catalog;
    use crate::checkout;
    use crate::discount::standard_rules;
    use crate::money::Currency;
    use crate::order_file::parse_order;

    fn sample() -> (OrderRequest, Quote) {
        let order = parse_order("order: R-7\ncustomer: Ann, Smith\nregion: DE\nitems:\nBOOK-01, 1\nTEA-001, 2\n").unwrap();
        let quote = checkout::quote(&order, &Catalog::standard(), &standard_rules()).unwrap();
        (order, quote)
    }

    #[test]
    fn truncates_with_an_ellipsis() {
        assert_eq!(truncate("kettle", 10), "kettle");
        assert_eq!(truncate("electric kettle", 8), "electri…");
        assert_eq!(truncate("äöü", 2), "ä…");
        assert_eq!(truncate("x", 0), "");
    }

    #[test]
    fn rows_are_full_width() {
        let line = row("Subtotal", Money::from_minor(1250, Currency::Eur));
        assert_eq!(line.chars().count(), WIDTH);
        assert!(line.starts_with("Subtotal "));
        assert!(line.ends_with(" 12.50 EUR"));
        let long = row(&"x".repeat(80), Money::from_minor(1, Currency::Eur));
        assert_eq!(long.chars().count(), WIDTH);
    }

    #[test]
    fn plurals() {
        assert_eq!(plural(1, "parcel"), "1 parcel");
        assert_eq!(plural(3, "parcel"), "3 parcels");
    }

    #[test]
    fn receipt_lists_lines_discounts_and_tax() {
        let (order, quote) = sample();
        let text = receipt(&order, &quote);
        assert!(text.starts_with("Order R-7 for Ann, Smith (DE)\n"), "{text}");
        assert!(text.contains("2 x Green tea 100g"), "{text}");
        assert!(text.contains("10% off books"), "{text}");
        assert!(text.contains("-2.40 EUR"), "{text}");
        assert!(text.contains("Shipping (1 parcel, 1-2 days)"), "{text}");
        assert!(text.contains("VAT 7% on"), "{text}");
        assert!(text.lines().last().unwrap().starts_with("Total"), "{text}");
    }

    #[test]
    fn csv_quotes_when_needed() {
        assert_eq!(csv_field("plain"), "plain");
        assert_eq!(csv_field("a,b"), "\"a,b\"");
        assert_eq!(csv_field("say \"hi\""), "\"say \"\"hi\"\"\"");
        assert_eq!(csv_row(&["a", "b,c"]), "a,\"b,c\"");
    }

    #[test]
    fn csv_line_has_a_field_per_header_column() {
        let (order, quote) = sample();
        let line = csv_line(&order, &quote);
        assert!(line.starts_with("R-7,\"Ann, Smith\",DE,EUR,"), "{line}");
        assert_eq!(line.matches(',').count(), CSV_HEADER.matches(',').count() + 1);
    }
}

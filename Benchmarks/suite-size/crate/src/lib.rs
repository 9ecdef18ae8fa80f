//! A library with a few small functions and many tiny unit tests (generated
//! into `cases.rs` by `generate-cases.sh`), for the suite-size benchmark.

/// Collatz step: a branch each way.
pub fn step(n: u64) -> u64 {
    if n % 2 == 0 { n / 2 } else { 3 * n + 1 }
}

/// Steps until 1 (bounded), counting them.
pub fn steps_to_one(mut n: u64) -> u32 {
    let mut count = 0;
    while n > 1 && count < 1_000 {
        n = step(n);
        count += 1;
    }
    count
}

/// A small classifier with several arms.
pub fn bucket(n: u64) -> &'static str {
    match n % 7 {
        0 => "seven",
        1 | 2 => "low",
        3..=5 => "middle",
        _ => "high",
    }
}

/// Integer division, which panics on a zero divisor.
pub fn ratio(a: u64, b: u64) -> u64 {
    a / b
}

#[cfg(test)]
mod cases;

#[cfg(test)]
mod panics {
    #[test]
    #[should_panic(expected = "divide by zero")]
    fn ratio_by_zero_panics() {
        super::ratio(1, 0);
    }
}

//! One package of the slow-suite benchmark workspace (copied as p0, p1, ...
//! by `trim-bench-generate slow-suite`): four small functions, and tests that
//! each take a while, as tests that do real work do. `tests.rs` is generated.

/// Doubles small values, shifts large ones.
pub fn scale(x: u64) -> u64 {
    if x < 10 {
        x * 2
    } else {
        x + 3
    }
}

/// Keeps a value within 0..=100.
pub fn clamp(x: u64) -> u64 {
    if x > 100 {
        100
    } else {
        x
    }
}

/// The sum of the digits of a value.
pub fn digit_sum(mut x: u64) -> u64 {
    let mut sum = 0;
    while x > 0 {
        sum += x % 10;
        x /= 10;
    }
    sum
}

/// Whether a value is a prime number.
pub fn is_prime(x: u64) -> bool {
    if x < 2 {
        return false;
    }
    let mut d = 2;
    while d * d <= x {
        if x % d == 0 {
            return false;
        }
        d += 1;
    }
    true
}

/// What every test does besides its check: wait, like a test talking to a
/// slow service (a fixed time, so the load of the machine does not change it).
pub fn slow_step(millis: u64) {
    std::thread::sleep(std::time::Duration::from_millis(millis));
}

#[cfg(test)]
mod tests;

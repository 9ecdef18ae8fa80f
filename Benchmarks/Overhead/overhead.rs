// The suite trim-bench-overhead times: 50 small tests, one process each.
// Every fifth reads a data file (DATA), every fifth a variable (MY_FLAG), the
// rest compute a little; `crunch` is a hot loop in instrumented code (every
// block execution reaches the coverage guard).
#[cfg(test)]
mod tests {
    fn work(n: u64) -> u64 {
        (0..2_000u64).fold(n, |a, b| a.wrapping_mul(31).wrapping_add(b))
    }

    fn reads_data() {
        let dir = std::env::var("DATA").unwrap();
        assert!(std::fs::read_to_string(format!("{dir}/x.txt")).unwrap().len() > 0);
    }

    fn reads_flag() {
        assert!(std::env::var("MY_FLAG").map(|v| v.len()).unwrap_or(0) < 100);
    }

    fn collatz_steps(mut n: u64) -> u32 {
        let mut steps = 0;
        while n != 1 {
            n = if n % 2 == 0 { n / 2 } else { 3 * n + 1 };
            steps += 1;
        }
        steps
    }

    #[test]
    fn crunch() {
        let mut total = 0u64;
        for n in 1..100_000 {
            total += collatz_steps(n) as u64;
        }
        assert!(total > 0);
    }

    macro_rules! suite {
        ($($name:ident => $body:expr),* $(,)?) => { $( #[test] fn $name() { $body; } )* };
    }

    suite! {
        t0 => reads_data(), t1 => reads_flag(), t2 => assert_ne!(work(2), 1), t3 => assert_ne!(work(3), 1),
        t4 => assert_ne!(work(4), 1), t5 => reads_data(), t6 => reads_flag(), t7 => assert_ne!(work(7), 1),
        t8 => assert_ne!(work(8), 1), t9 => assert_ne!(work(9), 1), t10 => reads_data(), t11 => reads_flag(),
        t12 => assert_ne!(work(12), 1), t13 => assert_ne!(work(13), 1), t14 => assert_ne!(work(14), 1),
        t15 => reads_data(), t16 => reads_flag(), t17 => assert_ne!(work(17), 1), t18 => assert_ne!(work(18), 1),
        t19 => assert_ne!(work(19), 1), t20 => reads_data(), t21 => reads_flag(), t22 => assert_ne!(work(22), 1),
        t23 => assert_ne!(work(23), 1), t24 => assert_ne!(work(24), 1), t25 => reads_data(), t26 => reads_flag(),
        t27 => assert_ne!(work(27), 1), t28 => assert_ne!(work(28), 1), t29 => assert_ne!(work(29), 1),
        t30 => reads_data(), t31 => reads_flag(), t32 => assert_ne!(work(32), 1), t33 => assert_ne!(work(33), 1),
        t34 => assert_ne!(work(34), 1), t35 => reads_data(), t36 => reads_flag(), t37 => assert_ne!(work(37), 1),
        t38 => assert_ne!(work(38), 1), t39 => assert_ne!(work(39), 1), t40 => reads_data(), t41 => reads_flag(),
        t42 => assert_ne!(work(42), 1), t43 => assert_ne!(work(43), 1), t44 => assert_ne!(work(44), 1),
        t45 => reads_data(), t46 => reads_flag(), t47 => assert_ne!(work(47), 1), t48 => assert_ne!(work(48), 1),
        t49 => assert_ne!(work(49), 1),
    }
}

pub fn f{{function}}(x: u64) -> u64 {
    if x < {{limit}} {
        x * {{factor}}
    } else {
        x + {{offset}}
    }
}


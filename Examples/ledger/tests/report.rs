use ledger::report::report;

#[test]
fn reports_the_final_balance() {
    let out = report("deposit 100\nwithdraw 30\n");
    assert!(out.contains("balance: 70"), "{out}");
}

#[test]
fn counts_refused_lines() {
    let out = report("deposit 10\nwithdraw 30\nsteal 1\n");
    assert!(out.contains("refused: 2"), "{out}");
}

#[test]
fn starts_with_the_header() {
    assert!(report("").starts_with("LEDGER REPORT"));
}

//! Synthetic crate for the blockdiff benchmark: {{moduleCount}} modules.
#![allow(dead_code, unused_variables, unused_mut, clippy::all)]
{{moduleDeclarations}}

pub fn run_all(input: &str) -> Vec<Result<String, String>> {
    vec![
{{moduleCalls}}
    ]
}

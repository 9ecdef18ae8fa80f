use shop::{{firstModule}}::{caesar, eval, rle_decode, rle_encode, word_freq};

#[test]
fn codecs_compose() {
    let s = "aaaabbbcc";
    assert_eq!(rle_decode(&caesar(&rle_encode(s), 0)).as_deref(), Some(s));
}

#[test]
fn expressions_nest() {
    assert_eq!(eval("((2))*(3+4)-(-1)"), Ok(15));
}

#[test]
fn most_frequent_word_first() {
    assert_eq!(word_freq("b a b").first().map(|p| p.0.as_str()), Some("b"));
}

#[test]
fn unknown_characters_are_errors() {
    assert!(eval("2 ^ 3").is_err());
}

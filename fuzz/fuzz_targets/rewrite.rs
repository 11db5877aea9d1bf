//! `engine::rewrite` on arbitrary text: the first byte picks the language,
//! the rest (when it is UTF-8, as every file retrace reads is) is the text.
//! A panic is a finding, and so is a broken promise: an error, a rewrite
//! that parses worse than its input, or one that a second run changes
//! again. `tests/fuzz.rs` holds the same checks.

#![no_main]

use std::path::PathBuf;
use std::sync::LazyLock;

use libfuzzer_sys::fuzz_target;
use retrace::rewrite::{rewrite, syntax_errors};
use retrace::lang::Lang;
use retrace::config::{self as rules, Rules, Source};

static RULES: LazyLock<Rules> = LazyLock::new(|| {
    let bundled = Source::Bundled {
        base: PathBuf::from("/"),
    };
    rules::load(&[bundled]).expect("the bundled rules load")
});

fuzz_target!(|data: &[u8]| {
    let Some((&first, rest)) = data.split_first() else {
        return;
    };
    let lang = Lang::ALL[usize::from(first) % Lang::ALL.len()];
    if let Ok(text) = std::str::from_utf8(rest) {
        check(&RULES, lang, text);
    }
});

/// The promises `rewrite` keeps on any text.
fn check(rules: &Rules, lang: Lang, text: &str) {
    let new = match rewrite(rules, lang, text) {
        Ok(Some(new)) => new,
        Ok(None) => return,
        // Text whose error recovery runs away is given up on, on purpose.
        Err(e) if e.to_string().contains("parser gave up") => return,
        Err(e) => panic!("{lang:?}: rewrite failed: {e:#}"),
    };
    let before = syntax_errors(lang, text).expect("the input parses");
    let after = syntax_errors(lang, &new).expect("the rewrite parses");
    assert!(
        after <= before,
        "{lang:?}: {before} syntax errors before, {after} after:\n{new}"
    );
    let again = rewrite(rules, lang, &new).expect("the second rewrite runs");
    assert!(
        again.is_none(),
        "{lang:?}: a second run changed the text again:\n{new}\n---\n{again:?}"
    );
}

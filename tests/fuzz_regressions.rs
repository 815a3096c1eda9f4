//! Every input a fuzzer found a problem with, replayed through the fuzz
//! target's own code (`fuzz/common/targets.rs`): a file in
//! `tests/fixtures/fuzz/<target>/` is fed to `targets::<target>`, which
//! panics when the problem comes back. See fuzz/README.md.

use std::fs;
use std::path::Path;

#[path = "../fuzz/common/targets.rs"]
mod targets;

fn replay(target: &str, run: fn(&[u8])) {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/fuzz")
        .join(target);
    let Ok(entries) = fs::read_dir(&dir) else {
        return;
    };
    let mut paths: Vec<_> = entries.map(|e| e.unwrap().path()).collect();
    paths.sort();
    for path in paths {
        let bytes = fs::read(&path).unwrap();
        let outcome = std::panic::catch_unwind(|| run(&bytes));
        assert!(outcome.is_ok(), "{} fails again", path.display());
    }
}

#[test]
fn frontmatter_regressions() {
    replay("frontmatter", targets::frontmatter);
}

#[test]
fn timeline_regressions() {
    replay("timeline", targets::timeline);
}

#[test]
fn markdown_regressions() {
    replay("markdown", targets::markdown);
}

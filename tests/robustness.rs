//! No input makes `check` panic: every mutation of a valid post-mortem
//! (each byte deleted, hostile bytes inserted, the file cut short) is
//! parsed, validated and rendered in all three formats.

use std::path::{Path, PathBuf};

use hindsight::config::Config;
use hindsight::content::{self, KnowledgeBase};
use hindsight::diag::render;
use hindsight::validate;

const SEED: &str = "+++
title = \"Orders \u{2014} slow\"
date = 2025-03-14
severity = \"SEV-2\"
status = \"final\"
services = [\"orders-db\"]
related = [\"x\"]
[impact]
started = 2025-03-14T09:12:00Z
detected = 2025-03-14T09:19:00+01:00
[[root_causes]]
id = \"config-drift\"
[[action_items]]
title = \"Add an alert on pool saturation\"
owner = \"sre\"
due = 2025-04-01
+++
## Summary
It was slow, human error.
## Timeline
- 2025-03-14 09:12 UTC \u{2014} Start.
- 09:10 \u{2014} Earlier.
- 1:5 x
## Root Cause Analysis
### 5 Whys
1. Why? Because.
";

const INSERTS: &[&[u8]] = &[
    b"\"",
    b"[",
    b"]",
    b"\n",
    b"\r\n",
    b"+++\n",
    b"=",
    b"\0",
    b"\xff",
    b"\xe2\x80",
    b"{",
    b"#",
    b"\\",
    b"'''",
    b"9",
];

fn check_bytes(config: &Config, bytes: Vec<u8>) {
    let path = PathBuf::from("kb/postmortems/x.md");
    let (pm, mut diagnostics) =
        content::parse_file(path, Path::new("postmortems/x.md"), bytes, config);
    let kb = KnowledgeBase {
        root: PathBuf::from("kb"),
        content_dir: PathBuf::from("kb/postmortems"),
        config: config.clone(),
        catalogue: Some(Default::default()),
        postmortems: pm.into_iter().map(std::sync::Arc::new).collect(),
        unloaded: Vec::new(),
        files: 1,
    };
    diagnostics.extend(validate::validate(&kb));
    for format in [
        render::Format::Human,
        render::Format::Json,
        render::Format::Github,
    ] {
        let mut out = Vec::new();
        render::write_report(&mut out, format, &diagnostics, 1, true).unwrap();
    }
}

#[test]
fn mutations_of_a_valid_file_never_panic() {
    let config = Config::default();
    let seed = SEED.as_bytes();
    let mut cases = 0;
    for i in 0..=seed.len() {
        check_bytes(&config, seed[..i].to_vec());
        if i < seed.len() {
            let mut deleted = seed.to_vec();
            deleted.remove(i);
            check_bytes(&config, deleted);
        }
        for insert in INSERTS {
            let mut bytes = seed[..i].to_vec();
            bytes.extend_from_slice(insert);
            bytes.extend_from_slice(&seed[i..]);
            check_bytes(&config, bytes);
            cases += 1;
        }
    }
    assert!(cases > 5000);
}

#[test]
fn an_unreadable_file_is_a_diagnostic() {
    let dir = tempfile::tempdir().unwrap();
    let (pm, diagnostics) = content::load_file(
        dir.path(),
        Path::new("postmortems/gone.md"),
        &Config::default(),
    );
    assert!(pm.is_none());
    assert_eq!(diagnostics.len(), 1);
    assert_eq!(diagnostics[0].rule.name(), "unreadable-file");
    assert!(diagnostics[0].message.starts_with("cannot read the file"));
}

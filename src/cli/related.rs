//! `hindsight related ID`: the incidents most like one, as its page lists them.

use std::io::Write;
use std::path::PathBuf;

use clap::Args;
use serde::Serialize;

use super::{ColorChoice, EXIT_USAGE};
use crate::content::Status;
use crate::search::related::{self, Options};

/// Output formats of `related`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    /// One incident a line: score, id, title and why.
    Human,
    /// `{"id": ..., "related": [{"id", "title", "score", ...}]}`.
    Json,
}

#[derive(Debug, Args)]
pub struct RelatedArgs {
    /// The post-mortem's id (its file name without `.md`, unless it sets `id`).
    pub id: String,
    /// The knowledge base, or any folder inside it.
    #[arg(default_value = ".")]
    pub dir: PathBuf,
    /// How many to list (default: `[related] count` in hindsight.toml, 5).
    #[arg(long, short = 'n')]
    pub limit: Option<usize>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Human)]
    pub format: Format,
    /// Compare with drafts too, as `build --drafts` does (always when ID is a draft).
    #[arg(long)]
    pub drafts: bool,
}

#[derive(Serialize)]
struct JsonRelated<'a> {
    id: &'a str,
    title: &'a str,
    date: String,
    severity: &'a str,
    score: f64,
    text_similarity: f64,
    shared_root_causes: &'a [String],
    possible_recurrence: bool,
}

#[derive(Serialize)]
struct JsonReport<'a> {
    id: &'a str,
    related: Vec<JsonRelated<'a>>,
}

/// Rounded for output: the last digits of a float are noise to a reader
/// and would make JSON differ between platforms' float printing.
fn round(x: f64) -> f64 {
    (x * 10_000.0).round() / 10_000.0
}

pub fn run(args: &RelatedArgs, color: ColorChoice) -> anyhow::Result<u8> {
    let root = super::knowledge_base_root(&args.dir);
    let mut err = color.stream(std::io::stderr());
    let Some(loaded) = super::load_or_report(&root, color) else {
        return Ok(EXIT_USAGE);
    };
    let kb = &loaded.kb;
    let pms = &kb.postmortems;
    let Some(target) = pms.iter().position(|pm| pm.id.as_str() == args.id) else {
        let help = crate::suggest::help(&args.id, pms.iter().map(|pm| pm.id.as_str()), || {
            "`hindsight check` lists the post-mortems it reads; an id is the file name without `.md` unless the file sets `id`".to_string()
        });
        let _ = writeln!(
            err,
            "\x1b[1;31merror\x1b[0m: no post-mortem has the id `{}`\n  help: {help}",
            args.id
        );
        return Ok(EXIT_USAGE);
    };
    let drafts = args.drafts || *pms[target].status == Status::Draft;
    let selected: Vec<usize> = (0..pms.len())
        .filter(|&i| drafts || *pms[i].status != Status::Draft)
        .collect();
    let mut options = Options::from(&kb.config.related);
    if let Some(limit) = args.limit {
        options.count = limit;
    }
    // Only one list is needed, but idf needs every document, and the
    // lists of the others cost little next to reading the files.
    let lists = related::compute(kb, &selected, &options);
    let list = &lists[target];
    let mut out = String::new();
    match args.format {
        Format::Json => {
            let report = JsonReport {
                id: pms[target].id.as_str(),
                related: list
                    .iter()
                    .map(|r| {
                        let pm = &pms[r.index];
                        JsonRelated {
                            id: pm.id.as_str(),
                            title: pm.title.as_str(),
                            date: pm.date.value.to_string(),
                            severity: &pm.severity.name,
                            score: round(r.score),
                            text_similarity: round(r.text_similarity),
                            shared_root_causes: &r.shared_root_causes,
                            possible_recurrence: r.possible_recurrence,
                        }
                    })
                    .collect(),
            };
            out = serde_json::to_string_pretty(&report)?;
            out.push('\n');
        }
        Format::Human => {
            let pm = &pms[target];
            out.push_str(&format!(
                "\x1b[1m{}\x1b[0m  {}\n",
                pm.id.as_str(),
                one_line(pm.title.as_str())
            ));
            if list.is_empty() {
                out.push_str("no related incidents\n");
            }
            for r in list {
                let other = &pms[r.index];
                let why = if r.shared_root_causes.is_empty() {
                    format!("similar text ({:.0}%)", r.text_similarity * 100.0)
                } else {
                    format!("shared root cause: {}", r.shared_root_causes.join(", "))
                };
                out.push_str(&format!(
                    "{:>6.3}  {}  {}  {}  {}\n        {why}{}\n",
                    r.score,
                    other.date.value,
                    other.severity.name,
                    other.id.as_str(),
                    one_line(other.title.as_str()),
                    if r.possible_recurrence {
                        "\n        \x1b[1;32mpossible recurrence\x1b[0m: no root-cause id in common; consider the same one"
                    } else {
                        ""
                    }
                ));
            }
        }
    }
    super::print(&out, color, "the list")
}

/// Titles are one line in this list whatever they hold.
fn one_line(s: &str) -> String {
    s.chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect()
}

//! `hindsight search`.

use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};

use anyhow::Context;
use clap::Args;
use jiff::civil::Date;

use super::{ColorChoice, EXIT_USAGE};
use crate::config::Config;
use crate::content;
use crate::diag::render;
use crate::search::index;
use crate::search::query::{self, Excerpts, Filters, Request, Results, Sort};

#[derive(Debug, Args)]
pub struct SearchArgs {
    /// What to look for, in tantivy's query syntax: words (any of them, best
    /// first), "a phrase", +required, -excluded, field:word (title, summary, body, causes,
    /// services, tags, learnings, actions). Empty: every incident the filters keep, newest
    /// first.
    pub query: String,
    /// The knowledge base, or any folder inside it.
    #[arg(default_value = ".")]
    pub dir: PathBuf,
    /// Only incidents that hit this service.
    #[arg(long)]
    pub service: Option<String>,
    /// Only incidents of this severity (as configured, e.g. SEV-1).
    #[arg(long)]
    pub severity: Option<String>,
    /// Only incidents with this root-cause id.
    #[arg(long = "root-cause", value_name = "ID")]
    pub root_cause: Option<String>,
    /// Only incidents with this tag.
    #[arg(long)]
    pub tag: Option<String>,
    /// Only incidents on or after this date (YYYY-MM-DD).
    #[arg(long, value_name = "DATE")]
    pub since: Option<Date>,
    /// Only incidents on or before this date (YYYY-MM-DD).
    #[arg(long, value_name = "DATE")]
    pub until: Option<Date>,
    /// How many hits to show.
    #[arg(long, default_value_t = 10)]
    pub limit: usize,
    /// Order: relevance (BM25 score, then id) or date (newest first, then id).
    #[arg(long, value_enum, default_value_t = Sort::Relevance)]
    pub sort: Sort,
    /// Output format: human, or json (an object with `hits`; snippets as HTML with the
    /// matches in <mark>).
    #[arg(long, value_enum, default_value_t = Format::Human)]
    pub format: Format,
}

/// Output format of `search`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    Human,
    Json,
}

pub fn run(args: &SearchArgs, color: ColorChoice) -> anyhow::Result<u8> {
    let mut err = color.stream(std::io::stderr());
    let timer = crate::site::Timings::start();
    let root = super::knowledge_base_root(&args.dir);
    let fatal = |problems: Vec<crate::diag::Diagnostic>| {
        let mut err = color.stream(std::io::stderr());
        for d in &problems {
            let _ = writeln!(err, "{}", render::human(d, true));
        }
        EXIT_USAGE
    };
    let (config, config_source) = match Config::load(&root) {
        Ok(loaded) => loaded,
        Err(problems) => return Ok(fatal(problems)),
    };
    let content_dir = match content::paths::content_dir(&root, &config, &config_source) {
        Ok(dir) => dir,
        Err(problems) => return Ok(fatal(problems)),
    };
    let mut filters = Filters {
        service: args.service.clone(),
        severity: None,
        root_cause: args.root_cause.clone(),
        tag: args.tag.clone(),
        since: args.since,
        until: args.until,
    };
    if let Some(wanted) = &args.severity {
        let names: Vec<&str> = config
            .template
            .severities
            .iter()
            .map(String::as_str)
            .collect();
        match names.iter().find(|n| n.eq_ignore_ascii_case(wanted)) {
            Some(name) => filters.severity = Some((*name).to_string()),
            None => {
                let help = crate::suggest::help(wanted, names.iter().copied(), || {
                    format!("the severities are {}", names.join(", "))
                });
                let _ = writeln!(
                    err,
                    "\x1b[1;31merror\x1b[0m: unknown severity `{wanted}`\n  = help: {help}"
                );
                return Ok(EXIT_USAGE);
            }
        }
    }

    // Reuse the index when nothing changed: a `stat` of each file, reading
    // only those that look changed, no parsing. Otherwise load the
    // knowledge base and build it.
    let opened = match index::open_fresh(&root, &content_dir, None) {
        Ok(opened) => opened,
        Err(sources) => {
            let loaded = match content::load(&root) {
                Ok(loaded) => loaded,
                Err(problems) => return Ok(fatal(problems)),
            };
            index::build(&loaded.kb, false, sources, index::Threads::AllCores)
                .context("cannot build the search index")?
        }
    };
    timer.lap("open (or build) the index");
    let request = Request {
        query: args.query.clone(),
        filters,
        limit: args.limit,
        sort: args.sort,
    };
    let results = match query::search(&opened, &request) {
        Ok(results) => results,
        Err(e) => {
            if let Some(syntax) = e.downcast_ref::<query::SyntaxError>() {
                let _ = writeln!(err, "\x1b[1;31merror\x1b[0m: {syntax}");
                return Ok(EXIT_USAGE);
            }
            return Err(e);
        }
    };
    timer.lap("query");
    let excerpts = excerpts(&root, &config, &opened, &results);
    timer.lap("excerpts");
    let text = match args.format {
        Format::Json => json(&args.query, &results, &excerpts),
        Format::Human => human(&args.query, &results, &excerpts, bold(color)),
    };
    super::print(&text, color, "the results")
}

/// Whether stdout shows bold: then matches are bold, else in `[brackets]`.
fn bold(color: ColorChoice) -> bool {
    match color {
        ColorChoice::Always => true,
        ColorChoice::Never => false,
        ColorChoice::Auto => {
            std::io::stdout().is_terminal() && std::env::var_os("NO_COLOR").is_none()
        }
    }
}

/// An excerpt per hit, from its file read again: the index stores no body
/// text, and only the hits shown are read.
fn excerpts(
    root: &Path,
    config: &Config,
    opened: &index::Opened,
    results: &Results,
) -> Vec<query::Excerpt> {
    let maker = Excerpts::new(opened, &*results.query);
    results
        .hits
        .iter()
        .map(
            |hit| match content::load_file(root, Path::new(&hit.path), config) {
                (Some(pm), _) => maker.of(&index::body_text(pm.markdown()), pm.summary_text()),
                _ => query::Excerpt::default(),
            },
        )
        .collect()
}

fn json(query: &str, results: &Results, excerpts: &[query::Excerpt]) -> String {
    let hits: Vec<serde_json::Value> = results
        .hits
        .iter()
        .zip(excerpts)
        .map(|(h, e)| {
            serde_json::json!({
                "id": h.id,
                "title": h.title,
                "date": h.date,
                "severity": h.severity,
                "score": h.score,
                "path": h.path,
                "snippet": e.html(),
            })
        })
        .collect();
    let value = serde_json::json!({
        "query": query,
        "total": results.total,
        "hits": hits,
        "unknown_terms": results.unknown_terms,
        "suggestions": results.suggestions,
    });
    let mut text = serde_json::to_string_pretty(&value).unwrap_or_default();
    text.push('\n');
    text
}

fn human(query: &str, results: &Results, excerpts: &[query::Excerpt], bold: bool) -> String {
    let (open, close) = if bold {
        ("\x1b[1m", "\x1b[0m")
    } else {
        ("[", "]")
    };
    let mut out = String::new();
    for (h, e) in results.hits.iter().zip(excerpts) {
        let (b, r) = if bold {
            ("\x1b[1m", "\x1b[0m")
        } else {
            ("", "")
        };
        out.push_str(&format!("{b}{}{r}  {}\n", h.id, h.title));
        out.push_str(&format!(
            "    {} · {} · {:.2} · {}\n",
            h.date, h.severity, h.score, h.path
        ));
        if !e.text.is_empty() {
            out.push_str(&format!("    {}\n", e.marked(open, close).trim()));
        }
        out.push('\n');
    }
    for word in &results.unknown_terms {
        out.push_str(&format!("no incident mentions `{word}`\n"));
    }
    if results.total == 0 {
        if query.trim().is_empty() {
            out.push_str("no incident matches these filters\n");
        } else {
            out.push_str(&format!("no incident matches `{query}`\n"));
        }
    } else {
        out.push_str(&format!(
            "{} of {} matching incident{}\n",
            results.hits.len(),
            results.total,
            if results.total == 1 { "" } else { "s" }
        ));
    }
    match results.suggestions.as_slice() {
        [] => {}
        [one] => out.push_str(&format!("did you mean `{one}`?\n")),
        many => out.push_str(&format!(
            "did you mean one of {}?\n",
            many.iter()
                .map(|s| format!("`{s}`"))
                .collect::<Vec<_>>()
                .join(", ")
        )),
    }
    out
}

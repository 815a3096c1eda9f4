//! Turning diagnostics into text: `human`, `json` and `github`.

use std::borrow::Cow;
use std::io::{self, Write};
use std::sync::Arc;

use annotate_snippets::{AnnotationKind, Group, Level as SnippetLevel, Origin, Renderer, Snippet};
use serde::Serialize;

use super::{Annotation, Counts, Diagnostic, Level};
use crate::source::{LineCol, Source};

/// The output formats of `check`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    /// rustc-style messages with the source line and a caret under the problem.
    Human,
    /// One JSON document with every diagnostic and a summary.
    Json,
    /// GitHub Actions workflow commands, so problems show inline on a pull request.
    Github,
    /// A GitLab Code Quality report (`artifacts: reports: codequality`), so problems show
    /// in the merge request.
    Gitlab,
}

/// A path as users should read it: `./postmortems/x.md` becomes `postmortems/x.md`.
pub fn display_path(source: &Source) -> String {
    let shown = source.path().to_string_lossy();
    let shown = shown.strip_prefix("./").unwrap_or(&shown);
    shown.replace('\\', "/")
}

/// `s` on one line: line breaks and other control characters written as
/// escapes (`\n`, `\u{1b}`). Human output shows file names and values from
/// the files; a raw line break there could start a line of its own, and in
/// a GitHub Actions log a line starting `::error::` is a workflow command.
fn one_line(s: &str) -> Cow<'_, str> {
    if !s.contains(|c: char| c.is_control()) {
        return Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        if c.is_control() {
            out.extend(c.escape_default());
        } else {
            out.push(c);
        }
    }
    Cow::Owned(out)
}

/// [`display_path`] for human output: on one line.
fn human_path(source: &Source) -> String {
    one_line(&display_path(source)).into_owned()
}

fn is_file_level(a: &Annotation) -> bool {
    a.span.is_empty() && a.span.start == 0 && a.label.is_none()
}

/// Renders one diagnostic rustc-style. `styled` adds ANSI colours; callers
/// strip them again when the terminal or `NO_COLOR` says so.
pub fn human(diagnostic: &Diagnostic, styled: bool) -> String {
    let level = match diagnostic.level {
        Level::Error => SnippetLevel::ERROR,
        Level::Warning => SnippetLevel::WARNING,
        Level::Note => SnippetLevel::NOTE,
    };
    let paths: Vec<(Arc<Source>, String)> = diagnostic
        .primary
        .iter()
        .chain(&diagnostic.secondary)
        .map(|a| (Arc::clone(&a.source), human_path(&a.source)))
        .collect();
    let mut group = Group::with_title(
        level
            .primary_title(one_line(&diagnostic.message))
            .id(diagnostic.rule.name()),
    );

    // One snippet per file, primary file first, each covering the lines of
    // every span in it.
    let mut done: Vec<*const Source> = Vec::new();
    for (source, path) in &paths {
        if done.contains(&Arc::as_ptr(source)) {
            continue;
        }
        done.push(Arc::as_ptr(source));
        let in_source: Vec<(&Annotation, bool)> = diagnostic
            .primary
            .iter()
            .map(|a| (a, true))
            .chain(diagnostic.secondary.iter().map(|a| (a, false)))
            .filter(|(a, _)| Arc::ptr_eq(&a.source, source))
            .collect();
        if in_source.len() == 1 && is_file_level(in_source[0].0) {
            group = group.element(Origin::path(path.as_str()));
            continue;
        }
        let start = in_source
            .iter()
            .map(|(a, _)| source.lines_around(&a.span).start)
            .min()
            .unwrap_or(0);
        let end = in_source
            .iter()
            .map(|(a, _)| source.lines_around(&a.span).end)
            .max()
            .unwrap_or(0);
        let mut snippet = Snippet::source(&source.text[start..end])
            .line_start(source.line_index(start) + 1)
            .path(path.as_str())
            .fold(true);
        for (a, primary) in in_source {
            let kind = if primary {
                AnnotationKind::Primary
            } else {
                AnnotationKind::Context
            };
            let span = (a.span.start - start)..(a.span.end.min(end) - start);
            let label = a.label.as_deref().map(one_line);
            snippet = snippet.annotation(kind.span(span).label(label));
        }
        group = group.element(snippet);
    }
    for note in &diagnostic.notes {
        group = group.element(SnippetLevel::NOTE.message(one_line(note)));
    }
    if let Some(help) = &diagnostic.help {
        group = group.element(SnippetLevel::HELP.message(one_line(help)));
    }
    let renderer = if styled {
        Renderer::styled()
    } else {
        Renderer::plain()
    };
    renderer.render(&[group])
}

/// One line for a diagnostic: `path:line:col: warning[rule]: message`.
pub fn short(diagnostic: &Diagnostic, styled: bool) -> String {
    let (word, style) = match diagnostic.level {
        Level::Error => ("error", "\x1b[1;31m"),
        Level::Warning => ("warning", "\x1b[1;33m"),
        Level::Note => ("note", "\x1b[1;32m"),
    };
    let place = diagnostic.primary.as_ref().map(|a| {
        let LineCol { line, column } = a.source.line_col(a.span.start);
        format!("{}:{line}:{column}: ", human_path(&a.source))
    });
    let (on, off) = if styled { (style, "\x1b[0m") } else { ("", "") };
    format!(
        "{}{on}{word}[{}]{off}: {}",
        place.unwrap_or_default(),
        diagnostic.rule.name(),
        one_line(&diagnostic.message)
    )
}

/// The closing line of a human report.
pub fn summary_line(counts: Counts, files: usize) -> String {
    let plural = |n: usize, word: &str| {
        if n == 1 {
            format!("{n} {word}")
        } else {
            format!("{n} {word}s")
        }
    };
    let files = plural(files, "post-mortem");
    let line = match (counts.errors, counts.warnings) {
        (0, 0) => format!("checked {files}: no problems found"),
        (0, w) => format!("checked {files}: {}", plural(w, "warning")),
        (e, 0) => format!("checked {files}: {}", plural(e, "error")),
        (e, w) => format!(
            "checked {files}: {}, {}",
            plural(e, "error"),
            plural(w, "warning")
        ),
    };
    // Notes are not problems: counted after them, and only when there are some.
    match counts.notes {
        0 => line,
        n => format!("{line}, {}", plural(n, "note")),
    }
}

#[derive(Serialize)]
struct JsonSpan {
    line: usize,
    column: usize,
    end_line: usize,
    end_column: usize,
}

#[derive(Serialize)]
struct JsonAnnotation {
    file: String,
    #[serde(flatten)]
    span: JsonSpan,
    label: Option<String>,
}

#[derive(Serialize)]
struct JsonDiagnostic<'a> {
    level: Level,
    rule: &'static str,
    message: &'a str,
    file: Option<String>,
    #[serde(flatten)]
    span: Option<JsonSpan>,
    label: Option<&'a str>,
    help: Option<&'a str>,
    notes: &'a [String],
    related: Vec<JsonAnnotation>,
}

#[derive(Serialize)]
struct JsonReport<'a> {
    version: u32,
    files: usize,
    errors: usize,
    warnings: usize,
    /// Absent when there are none, so reports without notes read as before.
    #[serde(skip_serializing_if = "is_zero")]
    notes: usize,
    diagnostics: Vec<JsonDiagnostic<'a>>,
}

fn is_zero(n: &usize) -> bool {
    *n == 0
}

fn json_span(a: &Annotation) -> JsonSpan {
    let LineCol { line, column } = a.source.line_col(a.span.start);
    let end = a.source.line_col(a.span.end);
    JsonSpan {
        line,
        column,
        end_line: end.line,
        end_column: end.column,
    }
}

/// The whole report as one JSON document (stable field names; `version`
/// changes if they ever do).
pub fn json(diagnostics: &[Diagnostic], files: usize) -> String {
    let counts = Counts::of(diagnostics);
    let report = JsonReport {
        version: 1,
        files,
        errors: counts.errors,
        warnings: counts.warnings,
        notes: counts.notes,
        diagnostics: diagnostics
            .iter()
            .map(|d| JsonDiagnostic {
                level: d.level,
                rule: d.rule.name(),
                message: &d.message,
                file: d.primary.as_ref().map(|a| display_path(&a.source)),
                span: d.primary.as_ref().map(json_span),
                label: d.primary.as_ref().and_then(|a| a.label.as_deref()),
                help: d.help.as_deref(),
                notes: &d.notes,
                related: d
                    .secondary
                    .iter()
                    .map(|a| JsonAnnotation {
                        file: display_path(&a.source),
                        span: json_span(a),
                        label: a.label.clone(),
                    })
                    .collect(),
            })
            .collect(),
    };
    let mut out = serde_json::to_string_pretty(&report).expect("diagnostics serialize");
    out.push('\n');
    out
}

/// One issue of a GitLab Code Quality report: the subset of the Code
/// Climate format GitLab reads.
#[derive(Serialize)]
struct CodeQualityIssue<'a> {
    description: String,
    check_name: &'a str,
    fingerprint: String,
    severity: &'static str,
    location: CodeQualityLocation,
}

#[derive(Serialize)]
struct CodeQualityLocation {
    path: String,
    lines: CodeQualityLines,
}

#[derive(Serialize)]
struct CodeQualityLines {
    begin: usize,
}

/// The report as a GitLab Code Quality report: a JSON array, one issue per
/// diagnostic. GitLab shows it in the merge request (the widget and, on
/// paid tiers, the diff) when the job saves it as
/// `artifacts: reports: codequality`.
///
/// Errors are `major` and warnings `minor` (GitLab's scale runs `info`,
/// `minor`, `major`, `critical`, `blocker`), notes `info`. A problem with
/// no file (the configuration missing) is placed on `hindsight.toml`, line
/// 1: GitLab needs a path. The fingerprint identifies an issue across
/// pipelines (GitLab shows what a merge request adds or fixes by comparing
/// them): the file, rule, message and place, hashed.
pub fn gitlab(diagnostics: &[Diagnostic]) -> String {
    let issues: Vec<CodeQualityIssue<'_>> = diagnostics
        .iter()
        .map(|d| {
            let (path, line, column) = d.primary.as_ref().map_or_else(
                || (crate::config::CONFIG_FILE.to_string(), 1, 1),
                |a| {
                    let span = json_span(a);
                    (display_path(&a.source), span.line, span.column)
                },
            );
            let mut description = d.message.clone();
            if let Some(label) = d.primary.as_ref().and_then(|a| a.label.as_ref()) {
                description.push_str(": ");
                description.push_str(label);
            }
            if let Some(help) = &d.help {
                description.push_str(" (help: ");
                description.push_str(help);
                description.push(')');
            }
            let key = format!("{path}\0{}\0{}\0{line}\0{column}", d.rule.name(), d.message);
            let reversed: Vec<u8> = key.bytes().rev().collect();
            CodeQualityIssue {
                fingerprint: format!(
                    "{:016x}{:016x}",
                    crate::search::index::content_hash(key.as_bytes()),
                    crate::search::index::content_hash(&reversed)
                ),
                description,
                check_name: d.rule.name(),
                severity: match d.level {
                    Level::Error => "major",
                    Level::Warning => "minor",
                    Level::Note => "info",
                },
                location: CodeQualityLocation {
                    path,
                    lines: CodeQualityLines { begin: line },
                },
            }
        })
        .collect();
    let mut out = serde_json::to_string_pretty(&issues).expect("issues serialize");
    out.push('\n');
    out
}

/// Escapes data for a workflow command (GitHub's `escapeData`).
fn escape_data(s: &str) -> Cow<'_, str> {
    if !s.contains(['%', '\r', '\n']) {
        return Cow::Borrowed(s);
    }
    Cow::Owned(
        s.replace('%', "%25")
            .replace('\r', "%0D")
            .replace('\n', "%0A"),
    )
}

/// Escapes a workflow command property (GitHub's `escapeProperty`).
fn escape_property(s: &str) -> String {
    escape_data(s).replace(':', "%3A").replace(',', "%2C")
}

/// One `::error file=…,line=…,col=…::message` line per diagnostic.
pub fn github(diagnostic: &Diagnostic) -> String {
    let command = match diagnostic.level {
        Level::Error => "error",
        Level::Warning => "warning",
        Level::Note => "notice",
    };
    let mut properties = Vec::new();
    if let Some(a) = &diagnostic.primary {
        let span = json_span(a);
        properties.push(format!(
            "file={}",
            escape_property(&display_path(&a.source))
        ));
        properties.push(format!("line={}", span.line));
        properties.push(format!("col={}", span.column));
        // GitHub's endColumn is inclusive (it defaults to `col`).
        if span.end_line == span.line && span.end_column > span.column + 1 {
            properties.push(format!("endColumn={}", span.end_column - 1));
        } else if span.end_line > span.line {
            properties.push(format!("endLine={}", span.end_line));
        }
    }
    properties.push(format!(
        "title={}",
        escape_property(&format!("hindsight {}", diagnostic.rule.name()))
    ));
    let mut message = diagnostic.message.clone();
    if let Some(label) = diagnostic.primary.as_ref().and_then(|a| a.label.as_ref()) {
        message.push_str(": ");
        message.push_str(label);
    }
    for note in &diagnostic.notes {
        message.push_str("\nnote: ");
        message.push_str(note);
    }
    if let Some(help) = &diagnostic.help {
        message.push_str("\nhelp: ");
        message.push_str(help);
    }
    format!(
        "::{command} {}::{}\n",
        properties.join(","),
        escape_data(&message)
    )
}

/// Writes a whole report in `format`. Human output ends with a summary line.
pub fn write_report(
    out: &mut dyn Write,
    format: Format,
    diagnostics: &[Diagnostic],
    files: usize,
    styled: bool,
) -> io::Result<()> {
    match format {
        Format::Human => {
            for d in diagnostics {
                writeln!(out, "{}\n", human(d, styled))?;
            }
            writeln!(out, "{}", summary_line(Counts::of(diagnostics), files))
        }
        Format::Json => out.write_all(json(diagnostics, files).as_bytes()),
        Format::Github => {
            for d in diagnostics {
                out.write_all(github(d).as_bytes())?;
            }
            Ok(())
        }
        Format::Gitlab => out.write_all(gitlab(diagnostics).as_bytes()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diag::Rule;

    #[test]
    fn github_escapes_properties_and_data() {
        let src = Arc::new(Source::new("./p/a,b.md", "x = 1\n".to_string()));
        let d = Diagnostic::error(Rule::InvalidType, "100% wrong\nreally")
            .at(&src, 4..5)
            .label("here");
        assert_eq!(
            github(&d),
            "::error file=p/a%2Cb.md,line=1,col=5,title=hindsight invalid-type::100%25 wrong%0Areally: here\n"
        );
    }

    /// A file name that tries to start a workflow command of its own.
    #[test]
    fn a_line_break_in_a_file_name_starts_no_line() {
        let src = Arc::new(Source::new("p/a\n::error::x%.md", "x = 1\n".to_string()));
        let d = Diagnostic::error(Rule::InvalidType, "wrong: it is\r\n::warning::y")
            .at(&src, 4..5)
            .label("a\nb")
            .help("h\n::error::z")
            .note("n\n::error::w");
        let github = github(&d);
        assert_eq!(github.lines().count(), 1, "{github}");
        assert!(
            github.starts_with("::error file=p/a%0A%3A%3Aerror%3A%3Ax%25.md,line=1,col=5,"),
            "{github}"
        );
        for human in [human(&d, false), human(&d, true), short(&d, false)] {
            assert!(
                !human.lines().any(|l| l.trim_start().starts_with("::")),
                "{human}"
            );
            assert!(human.contains("p/a\\n::error::x%.md"), "{human}");
        }
        // JSON is plain serde: the name as it is, escaped as JSON escapes it.
        let json: serde_json::Value = serde_json::from_str(&json(&[d], 1)).unwrap();
        assert_eq!(json["diagnostics"][0]["file"], "p/a\n::error::x%.md");
    }
}

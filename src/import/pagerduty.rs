//! PagerDuty incident log entries, as `GET /incidents/{id}/log_entries`
//! returns them (`{"log_entries": [...], "limit": ..., "more": ...}`), or a
//! bare array of entries (several pages joined with `jq`).
//!
//! Each entry's `summary` is PagerDuty's own sentence for it ("Acknowledged
//! by Alice Chen", "Escalated to Level 2 ...") and already names who did
//! it, so it is the item's text. Two types say more than their summary:
//! a trigger gets the incident's title (the summary only says how it was
//! triggered), and a note (`annotate_log_entry`) is the note itself, after
//! its author's name, which is what a timeline wants from it.

use std::path::Path;

use anyhow::bail;
use serde_json::Value;

use super::{Event, describe, escape, str_at, timestamp, which_tool};

/// The events of the log entries in `json` (read from `path`).
pub fn events(path: &Path, json: &Value) -> anyhow::Result<Vec<Event>> {
    let entries = match json {
        Value::Object(o) => match o.get("log_entries") {
            Some(Value::Array(a)) => a,
            Some(other) => bail!(
                "{}: `log_entries` should be an array of log entries, found {}",
                path.display(),
                describe(other)
            ),
            None => bail!(
                "{}: expected PagerDuty incident log entries: an object with a `log_entries` \
                 array (GET /incidents/{{id}}/log_entries) or an array of entries; found {}{}",
                path.display(),
                describe(json),
                which_tool(json).map_or(String::new(), |h| format!(" ({h})"))
            ),
        },
        Value::Array(a) => a,
        other => bail!(
            "{}: expected PagerDuty incident log entries (an object with a `log_entries` array), \
             found {}",
            path.display(),
            describe(other)
        ),
    };
    let mut out = Vec::with_capacity(entries.len());
    for (i, entry) in entries.iter().enumerate() {
        let n = i + 1;
        if !entry.is_object() {
            bail!(
                "{}: log entry {n} should be an object, found {}",
                path.display(),
                describe(entry)
            );
        }
        let Some(kind) = str_at(entry, &["type"]) else {
            bail!(
                "{}: log entry {n} has no `type`: is this a PagerDuty log entries file?",
                path.display()
            );
        };
        let Some(created) = str_at(entry, &["created_at"]) else {
            bail!(
                "{}: log entry {n} ({kind}) has no `created_at`",
                path.display()
            );
        };
        let Some(at) = timestamp(created) else {
            bail!(
                "{}: log entry {n} ({kind}): cannot read `created_at` `{created}` as an ISO 8601 \
                 date-time with an offset",
                path.display()
            );
        };
        out.push(Event::new(at, &escape(&text(kind, entry))));
    }
    Ok(out)
}

/// The item's text for one entry.
fn text(kind: &str, entry: &Value) -> String {
    let summary = str_at(entry, &["summary"]);
    let agent = str_at(entry, &["agent", "summary"]);
    let incident = str_at(entry, &["incident", "summary"]);
    match kind.strip_suffix("_reference").unwrap_or(kind) {
        "annotate_log_entry" => {
            // The note: in `channel.content` (or `notes`, or the channel's
            // summary in older payloads); the entry's summary is only
            // "Note added".
            let note = str_at(entry, &["channel", "content"])
                .or_else(|| str_at(entry, &["channel", "notes"]))
                .or_else(|| str_at(entry, &["channel", "summary"]))
                .or(summary)
                .unwrap_or("Note added");
            match agent {
                Some(who) => format!("{who}: {note}"),
                None => note.to_string(),
            }
        }
        "trigger_log_entry" => {
            let how = summary.unwrap_or("Triggered");
            match incident {
                Some(title) if !how.contains(title) => format!("{how}: {title}"),
                _ => how.to_string(),
            }
        }
        _ => match (summary, agent) {
            (Some(s), _) => s.to_string(),
            // No summary: the type in words, and who.
            (None, who) => {
                let base = kind.trim_end_matches("_log_entry");
                let mut words = match base {
                    "acknowledge" => "Acknowledged".to_string(),
                    "resolve" => "Resolved".to_string(),
                    "escalate" => "Escalated".to_string(),
                    "assign" => "Assigned".to_string(),
                    "reassign" => "Reassigned".to_string(),
                    "unacknowledge" => "Unacknowledged".to_string(),
                    "notify" => "Notified".to_string(),
                    "snooze" => "Snoozed".to_string(),
                    "priority_change" => "Priority changed".to_string(),
                    other => capitalize(&other.replace('_', " ")),
                };
                if let Some(who) = who {
                    words.push_str(" by ");
                    words.push_str(who);
                }
                words
            }
        },
    }
}

fn capitalize(s: &str) -> String {
    let mut c = s.chars();
    match c.next() {
        Some(f) => f.to_uppercase().chain(c).collect(),
        None => String::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn notes_are_their_content_after_the_author() {
        let entry = serde_json::json!({
            "type": "annotate_log_entry",
            "created_at": "2025-06-02T14:20:00Z",
            "summary": "Note added",
            "agent": {"type": "user_reference", "summary": "Alice Chen"},
            "channel": {"type": "note", "content": "Rolled back deploy 4411"}
        });
        assert_eq!(
            text("annotate_log_entry", &entry),
            "Alice Chen: Rolled back deploy 4411"
        );
    }

    #[test]
    fn an_entry_without_a_summary_says_its_type_and_who() {
        let entry = serde_json::json!({"agent": {"summary": "Bob"}});
        assert_eq!(text("acknowledge_log_entry", &entry), "Acknowledged by Bob");
    }

    #[test]
    fn wrong_shapes_say_what_was_expected() {
        let p = Path::new("x.json");
        let opsgenie = serde_json::json!({"data": [], "took": 0.1, "requestId": "r"});
        let err = events(p, &opsgenie).unwrap_err().to_string();
        assert!(err.contains("expected PagerDuty"), "{err}");
        assert!(err.contains("import opsgenie"), "{err}");
        assert!(events(p, &serde_json::json!(3)).is_err());
        assert!(events(p, &serde_json::json!([{"type": "x"}])).is_err());
        assert!(events(p, &serde_json::json!([1])).is_err());
    }
}

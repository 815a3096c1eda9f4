//! Opsgenie alert logs, as `GET /v2/alerts/{id}/logs` returns them
//! (`{"data": [{"log", "type", "owner", "createdAt", "offset"}], "paging":
//! ..., "took": ..., "requestId": ...}`), or a bare array of logs (pages
//! joined).
//!
//! `log` is Opsgenie's sentence ("Alert acknowledged via web"); `owner` is
//! who did it (a user's e-mail, or `System`). The owner goes in front, as
//! in a chat, unless it is the system or the sentence already names them.

use std::path::Path;

use anyhow::bail;
use serde_json::Value;

use super::{Event, describe, escape, str_at, timestamp, which_tool};

/// The events of the alert logs in `json` (read from `path`).
pub fn events(path: &Path, json: &Value) -> anyhow::Result<Vec<Event>> {
    let logs = match json {
        Value::Object(o) => match o.get("data") {
            Some(Value::Array(a)) => a,
            Some(other) => bail!(
                "{}: `data` should be an array of alert logs, found {}",
                path.display(),
                describe(other)
            ),
            None => bail!(
                "{}: expected Opsgenie alert logs: an object with a `data` array (GET \
                 /v2/alerts/{{id}}/logs) or an array of logs; found {}{}",
                path.display(),
                describe(json),
                which_tool(json).map_or(String::new(), |h| format!(" ({h})"))
            ),
        },
        Value::Array(a) => a,
        other => bail!(
            "{}: expected Opsgenie alert logs (an object with a `data` array), found {}",
            path.display(),
            describe(other)
        ),
    };
    let mut out = Vec::with_capacity(logs.len());
    for (i, log) in logs.iter().enumerate() {
        let n = i + 1;
        if !log.is_object() {
            bail!(
                "{}: log {n} should be an object, found {}",
                path.display(),
                describe(log)
            );
        }
        let Some(created) = str_at(log, &["createdAt"]) else {
            bail!(
                "{}: log {n} has no `createdAt`: is this an Opsgenie alert logs file?",
                path.display()
            );
        };
        let Some(at) = timestamp(created) else {
            bail!(
                "{}: log {n}: cannot read `createdAt` `{created}` as an ISO 8601 date-time with \
                 an offset",
                path.display()
            );
        };
        let Some(message) = str_at(log, &["log"]) else {
            continue;
        };
        let text = match str_at(log, &["owner"]) {
            Some(owner) if !is_system(owner) && !mentions(message, owner) => {
                format!("{owner}: {message}")
            }
            _ => message.to_string(),
        };
        out.push(Event::new(at, &escape(&text)));
    }
    Ok(out)
}

/// Owners that are Opsgenie itself or an integration, not a person.
fn is_system(owner: &str) -> bool {
    let o = owner.to_ascii_lowercase();
    o == "system" || o == "alert api" || o.ends_with(" api") || o.starts_with("integration")
}

/// Whether `message` already names `owner` (by e-mail or the name before
/// the `@`), ignoring case.
fn mentions(message: &str, owner: &str) -> bool {
    let m = message.to_lowercase();
    let o = owner.to_lowercase();
    m.contains(&o) || o.split('@').next().is_some_and(|local| m.contains(local))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_owner_goes_first_unless_it_is_the_system_or_named() {
        let json = serde_json::json!({"data": [
            {"log": "Alert acknowledged via web", "type": "system",
             "owner": "alice@example.com", "createdAt": "2025-06-02T14:09:00.123Z"},
            {"log": "Alert created via API", "owner": "System",
             "createdAt": "2025-06-02T14:05:00Z"},
            {"log": "Note added by bob@example.com", "owner": "bob@example.com",
             "createdAt": "2025-06-02T14:10:00Z"}
        ], "took": 0.01, "requestId": "x"});
        let texts: Vec<String> = events(Path::new("x"), &json)
            .unwrap()
            .into_iter()
            .map(|e| e.text)
            .collect();
        assert_eq!(
            texts,
            [
                "alice@example.com: Alert acknowledged via web",
                "Alert created via API",
                "Note added by bob@example.com"
            ]
        );
    }

    #[test]
    fn pagerduty_given_to_opsgenie_says_so() {
        let json = serde_json::json!({"log_entries": []});
        let err = events(Path::new("x"), &json).unwrap_err().to_string();
        assert!(err.contains("expected Opsgenie alert logs"), "{err}");
        assert!(err.contains("import pagerduty"), "{err}");
    }
}

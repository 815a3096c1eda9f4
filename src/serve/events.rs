//! The event stream open pages listen to (server-sent events): each new
//! generation of the site is announced as `event: reload`, with the
//! generation's number as data.
//!
//! A page knows the generation it was rendered from (the script tag says
//! it), and reloads when told another: so a rebuild that lands between a
//! page's load and its stream's connection is not missed, and neither is
//! a restart of the server.

use std::io::Write as _;
use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::mpsc::{self, RecvTimeoutError};
use std::time::Duration;

/// Where pages connect.
pub const PATH: &str = "/__hindsight/events";

/// How often an idle stream sends a comment: a closed page is noticed (the
/// write fails) and its thread ends, and proxies keep the stream open.
const KEEPALIVE: Duration = Duration::from_secs(15);

/// The open streams, and the current generation.
#[derive(Default)]
pub struct Clients {
    generation: AtomicU64,
    streams: Mutex<Vec<mpsc::Sender<u64>>>,
}

impl Clients {
    /// Starts a new generation and tells every open page.
    pub fn next_generation(&self) -> u64 {
        let generation = self.generation.fetch_add(1, Ordering::SeqCst) + 1;
        let mut streams = self.streams.lock().unwrap_or_else(|e| e.into_inner());
        streams.retain(|s| s.send(generation).is_ok());
        generation
    }
}

/// Answers `request` with an event stream, on a thread of its own: first
/// the current generation, then each new one.
pub fn stream(request: tiny_http::Request, clients: std::sync::Arc<Clients>) {
    std::thread::spawn(move || {
        let (tx, rx) = mpsc::channel();
        let current = {
            let mut streams = clients.streams.lock().unwrap_or_else(|e| e.into_inner());
            streams.push(tx);
            clients.generation.load(Ordering::SeqCst)
        };
        // tiny_http's own responses buffer a body of unknown length into
        // chunks; an event must leave at once, so the head and each event
        // are written to the connection directly and flushed.
        let mut out = request.into_writer();
        let head = "HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\n\
                    Cache-Control: no-store\r\nConnection: close\r\n\r\n";
        let mut send = |text: String| out.write_all(text.as_bytes()).and_then(|()| out.flush());
        if send(format!(
            "{head}retry: 500\n\nevent: reload\ndata: {current}\n\n"
        ))
        .is_err()
        {
            return;
        }
        loop {
            let text = match rx.recv_timeout(KEEPALIVE) {
                Ok(generation) => format!("event: reload\ndata: {generation}\n\n"),
                Err(RecvTimeoutError::Timeout) => ": keepalive\n\n".to_string(),
                Err(RecvTimeoutError::Disconnected) => return,
            };
            if send(text).is_err() {
                return;
            }
        }
    });
}

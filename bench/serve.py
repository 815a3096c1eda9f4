#!/usr/bin/env python3
"""Serve's rebuild after a one-file change: from the file write to the
reload event an open page receives.

    bench/serve.py HINDSIGHT_BINARY KNOWLEDGE_BASE [RUNS]

Starts `hindsight serve KNOWLEDGE_BASE --port 0 -q`, opens the event stream
a page opens, then RUNS times changes one post-mortem (a sentence in its
summary, saved as editors save: a new file renamed over the old one) and
times the wait for the `reload` event. The file is restored at the end.
Prints each run and the median, minimum and maximum in milliseconds.
"""

import os
import socket
import statistics
import subprocess
import sys
import time


def events(host, port):
    sock = socket.create_connection((host, port))
    sock.sendall(
        f"GET /__hindsight/events HTTP/1.1\r\nHost: {host}:{port}\r\n\r\n".encode()
    )
    buf = b""
    reload = False
    while True:
        while b"\n" not in buf:
            chunk = sock.recv(4096)
            if not chunk:
                return
            buf += chunk
        line, buf = buf.split(b"\n", 1)
        line = line.decode().rstrip("\r")
        if line == "event: reload":
            reload = True
        elif reload and line.startswith("data: "):
            reload = False
            yield int(line[6:])


def main():
    binary, kb = sys.argv[1], sys.argv[2]
    runs = int(sys.argv[3]) if len(sys.argv) > 3 else 11
    posts = os.path.join(kb, "postmortems")
    name = sorted(f for f in os.listdir(posts) if f.endswith(".md"))[len(os.listdir(posts)) // 2]
    path = os.path.join(posts, name)
    original = open(path, encoding="utf-8").read()
    server = subprocess.Popen(
        [binary, "serve", kb, "--port", "0"],
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        started = time.monotonic()
        url = None
        for line in server.stderr:
            if "http://" in line:
                url = line[line.index("http://"):].split()[0]
                break
        host, port = url[len("http://"):].rstrip("/").rsplit(":", 1)
        stream = events(host, int(port))
        # Generation 1 is the first site; the stream may first say 0.
        first = next(stream)
        while first < 1:
            first = next(stream)
        print(f"serving {kb} ({len(os.listdir(posts))} files), first site in "
              f"{time.monotonic() - started:.2f} s, generation {first}")
        # The server's own log goes on being read, so it never blocks.
        import threading
        threading.Thread(target=lambda: [None for _ in server.stderr], daemon=True).start()
        times = []
        for run in range(runs):
            text = original.replace("\n## Summary\n", f"\n## Summary\n\nEdit {run}.\n", 1)
            if text == original:
                text = original + f"\nEdit {run}.\n"
            scratch = path + ".tmp"
            with open(scratch, "w", encoding="utf-8") as f:
                f.write(text)
            written = time.monotonic()
            os.replace(scratch, path)
            generation = next(stream)
            took = (time.monotonic() - written) * 1000
            times.append(took)
            print(f"run {run + 1}: {took:.0f} ms (generation {generation})")
            # Any further rebuild from the same save would show as a
            # skipped generation at the next run.
            time.sleep(1.0)
        print(f"median {statistics.median(times):.0f} ms, min {min(times):.0f} ms, "
              f"max {max(times):.0f} ms over {runs} runs")
    finally:
        with open(path, "w", encoding="utf-8") as f:
            f.write(original)
        server.terminate()
        server.wait()


if __name__ == "__main__":
    main()

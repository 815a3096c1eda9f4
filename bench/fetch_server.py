#!/usr/bin/env python3
"""A static file server that records what it sends, for bench/search.sh.

    fetch_server.py DIR PORT LOG [--gzip]

Serves DIR on 127.0.0.1:PORT like `python3 -m http.server`, and appends one
line per response to LOG: `<bytes on the wire> <path>`. With --gzip it
compresses text responses (HTML, CSS, JavaScript, JSON, XML) when the
browser accepts gzip, as GitHub Pages, Netlify and most CDNs do; files that
are compressed already (`.gz`, Pagefind's `.pf_*` and `.pagefind` files)
go as they are.
"""

import gzip
import http.server
import io
import os
import sys

root, port, log = sys.argv[1], int(sys.argv[2]), sys.argv[3]
compress = "--gzip" in sys.argv[4:]
TEXT = (".html", ".css", ".js", ".mjs", ".json", ".xml", ".svg", ".txt")


class Handler(http.server.SimpleHTTPRequestHandler):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, directory=root, **kwargs)

    def log_message(self, *args):
        pass

    def send_head(self):
        path = self.translate_path(self.path)
        if os.path.isdir(path) and not self.path.split("?")[0].endswith("/"):
            return super().send_head()  # the redirect to the folder's URL
        if os.path.isdir(path):
            path = os.path.join(path, "index.html")
        if not os.path.isfile(path):
            return super().send_head()
        with open(path, "rb") as f:
            body = f.read()
        encoding = None
        accepts = "gzip" in self.headers.get("Accept-Encoding", "")
        if compress and accepts and path.endswith(TEXT):
            body = gzip.compress(body, compresslevel=6, mtime=0)
            encoding = "gzip"
        self.send_response(200)
        self.send_header("Content-Type", self.guess_type(path))
        if encoding:
            self.send_header("Content-Encoding", encoding)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        with open(log, "a") as out:
            out.write(f"{len(body)} {self.path.split('?')[0]}\n")
        return io.BytesIO(body)


http.server.ThreadingHTTPServer(("127.0.0.1", port), Handler).serve_forever()

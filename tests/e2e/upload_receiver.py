#!/usr/bin/env python3
"""A small HTTP receiver for tests/e2e/upload.sh: what nginx cannot easily do.

  PUT  /flaky/NAME   answers 503 twice for each NAME, then stores the body as DIR/NAME (201)
  POST /form         stores the multipart field 'file' as DIR/<its filename> and the
                     field 'case' as DIR/<filename>.case (201, a small JSON answer)
Every request is logged to DIR/requests.log as "METHOD PATH STATUS".
Usage: upload_receiver.py PORT_FILE DIR   (writes the port it listens on to PORT_FILE)
"""
import http.server
import json
import os
import sys

port_file, store = sys.argv[1], sys.argv[2]
failures_left = {}


def parse_multipart(content_type, body):
    boundary = content_type.split("boundary=", 1)[1].strip('"').encode()
    fields = {}
    for section in body.split(b"--" + boundary)[1:-1]:
        head, _, data = section[2:].partition(b"\r\n\r\n")
        data = data[:-2]  # the CRLF before the next boundary
        disposition = [line for line in head.decode().split("\r\n") if line.lower().startswith("content-disposition")][0]
        params = dict(p.strip().split("=", 1) for p in disposition.split(";")[1:])
        fields[params["name"].strip('"')] = (params.get("filename", "").strip('"'), data)
    return fields


class Handler(http.server.BaseHTTPRequestHandler):
    def log_message(self, *args):
        pass

    def answer(self, status, text):
        with open(os.path.join(store, "requests.log"), "a") as log:
            log.write(f"{self.command} {self.path} {status}\n")
        body = text.encode()
        self.send_response(status)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def read_body(self):
        return self.rfile.read(int(self.headers.get("Content-Length", "0")))

    def do_PUT(self):
        body = self.read_body()
        if not self.path.startswith("/flaky/"):
            return self.answer(404, "no such place\n")
        name = self.path[len("/flaky/"):]
        left = failures_left.setdefault(name, 2)
        if left > 0:
            failures_left[name] = left - 1
            return self.answer(503, "busy, try again\n")
        with open(os.path.join(store, name), "wb") as out:
            out.write(body)
        self.answer(201, "stored\n")

    def do_POST(self):
        body = self.read_body()
        if self.path != "/form":
            return self.answer(404, "no such place\n")
        fields = parse_multipart(self.headers["Content-Type"], body)
        filename, data = fields["file"]
        with open(os.path.join(store, filename), "wb") as out:
            out.write(data)
        if "case" in fields:
            with open(os.path.join(store, filename + ".case"), "wb") as out:
                out.write(fields["case"][1])
        self.answer(201, json.dumps({"attachment": filename, "bytes": len(data)}))


server = http.server.HTTPServer(("127.0.0.1", 0), Handler)
with open(port_file + ".tmp", "w") as out:
    out.write(str(server.server_address[1]))
os.rename(port_file + ".tmp", port_file)
server.serve_forever()

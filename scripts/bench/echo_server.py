"""The baseline of `npm run bench -- socketserver`: Python's socketserver.ThreadingTCPServer echo.

Each line a client sends comes back as it was. A thread per connection, as ThreadingMixIn does.
Prints `listening on HOST:PORT` when it is ready, like the course's servers.
"""

import argparse
import socketserver
import sys


class Echo(socketserver.StreamRequestHandler):
    def handle(self):
        for line in self.rfile:
            self.wfile.write(line)


class Server(socketserver.ThreadingTCPServer):
    allow_reuse_address = True
    daemon_threads = True
    request_queue_size = 4096  # the default of 5 drops connections that arrive together


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=0)
    args = parser.parse_args()
    with Server((args.host, args.port), Echo) as server:
        host, port = server.server_address[:2]
        print(f"listening on {host}:{port}", flush=True)
        try:
            server.serve_forever()
        except KeyboardInterrupt:
            pass
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""A port of the Python tutorial's threaded group-chat server, for `npm run bench -- chat` only.

Written for the benchmark, in the tutorial's style: a thread that accepts, one thread per client
that reads lines (makefile), and a broadcast that calls sendall() on every client in turn, under a
lock. It speaks the wire format of lesson 08 exactly (`YYYY/MM/DD HH:MM:SS HOST:PORT\\n` then the
line), removes clients that leave, and has none of lesson 08's limits: a slow reader blocks the
sender's thread in sendall(), as in the tutorial.

    python3 chat_server.py [--host 127.0.0.1] [--port 0]
"""

import argparse
import datetime
import socket
import sys
import threading


class Room:
    def __init__(self):
        self.lock = threading.Lock()
        self.members = {}  # (host, port) -> socket

    def add(self, address, conn):
        with self.lock:
            self.members[address] = conn

    def remove(self, address):
        with self.lock:
            conn = self.members.pop(address, None)
        if conn is not None:
            print('{}:{} quits'.format(*address), flush=True)
            try:
                conn.close()
            except OSError:
                pass

    def broadcast(self, sender, text):
        stamp = datetime.datetime.now().strftime('%Y/%m/%d %H:%M:%S')
        data = '{} {}:{}\n{}\n'.format(stamp, sender[0], sender[1], text).encode('utf-8')
        with self.lock:
            targets = list(self.members.items())
        gone = []
        for address, conn in targets:
            try:
                conn.sendall(data)
            except OSError:
                gone.append(address)
        for address in gone:
            self.remove(address)


def serve_client(room, conn, address):
    reader = conn.makefile('rb')
    try:
        while True:
            raw = reader.readline(65537 + 2)
            if not raw:
                break
            text = raw.rstrip(b'\n').rstrip(b'\r').decode('utf-8', 'replace')
            if text == 'quit':
                break
            if text:
                room.broadcast(address, text)
    except OSError:
        pass
    finally:
        reader.close()
        room.remove(address)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument('--host', default='127.0.0.1')
    parser.add_argument('--port', type=int, default=9008)
    args = parser.parse_args()
    listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        listener.bind((args.host, args.port))
    except OSError as err:
        print('cannot listen on {}:{}: {}'.format(args.host, args.port, err.strerror), file=sys.stderr)
        sys.exit(1)
    listener.listen()  # the tutorial's default backlog
    host, port = listener.getsockname()
    print('listening on {}:{}'.format(host, port), flush=True)
    room = Room()
    while True:
        conn, address = listener.accept()
        room.add(address, conn)
        threading.Thread(target=serve_client, args=(room, conn, address), daemon=True).start()


if __name__ == '__main__':
    main()

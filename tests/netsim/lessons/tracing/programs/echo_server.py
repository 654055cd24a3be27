"""Test peer: serve CLIENTS connections one after another; answer each with its bytes upper-cased."""

import os
import socket

port = int(os.environ["LESSON_PORT"])
clients = int(os.environ.get("CLIENTS", "1"))
with socket.create_server(("127.0.0.1", port)) as listener:
    for _ in range(clients):
        conn, _addr = listener.accept()
        with conn:
            got = b""
            while True:
                chunk = conn.recv(1024)
                if not chunk:
                    break
                got += chunk
            conn.sendall(got.upper())

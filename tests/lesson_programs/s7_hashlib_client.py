import hashlib
import os  # netsim: needed to read LESSON_HOST / LESSON_PORT / LESSON_KEY
import socket

HOST = os.environ.get("LESSON_HOST", "127.0.0.1")  # netsim: server address from env (lesson: '127.0.0.1')
PORT = int(os.environ.get("LESSON_PORT", "9001"))  # netsim: port from env (lesson: 9001)

secret_key = os.environ.get("LESSON_KEY", "hello").encode('utf-8')  # netsim: key from env, UTF-8 encoded (lesson: b'hello')
sk = socket.socket()
sk.connect((HOST, PORT))  # netsim: address was ('127.0.0.1', 9001)

rand = sk.recv(32)

sha = hashlib.sha1(secret_key)
sha.update(rand)
res = sha.hexdigest()

sk.send(res.encode('utf-8'))

sk.close()

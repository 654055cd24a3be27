import hmac
import os  # netsim: needed to read LESSON_HOST / LESSON_PORT / LESSON_KEY / LESSON_DIGEST
import socket

HOST = os.environ.get("LESSON_HOST", "127.0.0.1")  # netsim: server address from env (lesson: '127.0.0.1')
PORT = int(os.environ.get("LESSON_PORT", "9001"))  # netsim: port from env (lesson: 9001)


secret_key = os.environ.get("LESSON_KEY", "hello").encode('utf-8')  # netsim: key from env, UTF-8 encoded (lesson: b'hello')
sk = socket.socket()
sk.connect((HOST,PORT))  # netsim: address was ('127.0.0.1',9001)

rand = sk.recv(32)

hmac = hmac.new(secret_key,rand,digestmod=os.environ.get("LESSON_DIGEST", "md5"))  # netsim: digestmod is required since Python 3.8; the lesson relied on the old md5 default
res = hmac.digest()

sk.send(res)

sk.close()

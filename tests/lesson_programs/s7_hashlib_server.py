# server端

import hashlib
import os
import socket

HOST = os.environ.get("LESSON_HOST", "127.0.0.1")  # netsim: bind address from env (lesson: '127.0.0.1')
PORT = int(os.environ.get("LESSON_PORT", "9001"))  # netsim: port from env (lesson: 9001)

secret_key = os.environ.get("LESSON_KEY", "hello").encode('utf-8')  # netsim: key from env, UTF-8 encoded (lesson: b'hello')
#os.urandom(32) 给每一客户端发送一个随机32位的字符串
sk = socket.socket()
sk.bind((HOST,PORT))  # netsim: address was ('127.0.0.1',9001)
sk.listen()

conn,addr = sk.accept()
rand = os.urandom(32)
conn.send(rand)

sha = hashlib.sha1(secret_key)
sha.update(rand)
res = sha.hexdigest()

ret = conn.recv(1024).decode('utf-8')
if ret == res:
    print('是合法的客户端')
    #进行接下来的交互
else:
    print('不是合法的客户端')
    conn.close()
sk.close()

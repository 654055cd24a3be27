# server端
import os  # netsim: needed to read LESSON_HOST / LESSON_PORT
import socket

HOST = os.environ.get("LESSON_HOST", "127.0.0.1")  # netsim: bind address from env (lesson: '127.0.0.1')
PORT = int(os.environ.get("LESSON_PORT", "9001"))  # netsim: port from env (lesson: 9001)

sk = socket.socket()
sk.bind((HOST,PORT))  # netsim: address was ('127.0.0.1',9001)
sk.listen()

conn,addr = sk.accept()
conn.send(b'hello')
conn.send(b'world')

conn.close()
sk.close()

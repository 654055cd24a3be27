import os  # netsim: needed to read LESSON_HOST / LESSON_PORT
import socket

HOST = os.environ.get("LESSON_HOST", "127.0.0.1")  # netsim: server address from env (lesson: '192.168.16.67')
PORT = int(os.environ.get("LESSON_PORT", "9001"))  # netsim: port from env (lesson: 9001)

sk = socket.socket()
sk.connect((HOST,PORT))  # netsim: address was ('192.168.16.67',9001)
while 1:
    print(sk.recv(1024).decode('utf-8'))

    sk.send(b'1111')

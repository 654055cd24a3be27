#client 端
import os  # netsim: needed to read LESSON_HOST / LESSON_PORT
import socket

HOST = os.environ.get("LESSON_HOST", "127.0.0.1")  # netsim: server address from env (lesson: '127.0.0.1')
PORT = int(os.environ.get("LESSON_PORT", "9001"))  # netsim: port from env (lesson: 9001)

sk = socket.socket()
sk.connect((HOST,PORT))  # netsim: address was ('127.0.0.1',9001)
while True:
    ret = sk.recv(1024).decode('utf-8')
    if ret.upper() == 'Q':break
    print(ret)
    msg = input('>>>')
    sk.send(msg.encode('utf-8'))
    if msg.upper() == 'Q':
        break

sk.close()

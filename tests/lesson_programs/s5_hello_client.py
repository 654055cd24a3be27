# client端
import os  # netsim: needed to read LESSON_HOST / LESSON_PORT
import socket
import time

HOST = os.environ.get("LESSON_HOST", "127.0.0.1")  # netsim: server address from env (lesson: '127.0.0.1')
PORT = int(os.environ.get("LESSON_PORT", "9001"))  # netsim: port from env (lesson: 9001)

sk = socket.socket()
sk.connect((HOST,PORT))  # netsim: address was ('127.0.0.1',9001)
time.sleep(0.1)            #睡0.1秒
msg1 = sk.recv(1024)
msg2 = sk.recv(1024)
print(msg1)         # -->b'helloworld'
print(msg2)         # --> b''
sk.close()

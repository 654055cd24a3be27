#server端
import os  # netsim: needed to read LESSON_HOST / LESSON_PORT
import socket

HOST = os.environ.get("LESSON_HOST", "127.0.0.1")  # netsim: bind address from env (lesson: '127.0.0.1')
PORT = int(os.environ.get("LESSON_PORT", "9001"))  # netsim: port from env (lesson: 9001)

sk = socket.socket()
sk.bind((HOST,PORT))  # netsim: address was ('127.0.0.1',9001)
sk.setblocking(False)   # blocking阻塞  setblocking设置阻塞  False就是不阻塞
sk.listen()

conn_l = []
while True:
    try:
        conn,addr = sk.accept()
        conn_l.append(conn)             #将客户端的连接添加到列表
    except BlockingIOError:
        for conn in conn_l:             #将每一个客户端都拿出来收发消息
            try:
                msg = conn.recv(1024).decode('utf-8')
                print(msg)
                conn.send(msg.upper().encode('utf-8'))
            except BlockingIOError:
                pass

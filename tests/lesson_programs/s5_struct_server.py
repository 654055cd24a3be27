#server 端
import os  # netsim: needed to read LESSON_HOST / LESSON_PORT
import socket
import struct

HOST = os.environ.get("LESSON_HOST", "127.0.0.1")  # netsim: bind address from env (lesson: '192.168.16.67')
PORT = int(os.environ.get("LESSON_PORT", "9001"))  # netsim: port from env (lesson: 9001)


sk = socket.socket()
sk.bind((HOST,PORT))  # netsim: address was ('192.168.16.67',9001)
sk.listen()
while 1:
    conn,addr = sk.accept()
    while 1:
        size = conn.recv(4)         #先接收四个字节的 代表数据总的长度
        size = struct.unpack('i',size)[0]
        msg = conn.recv(size).decode('utf-8')       #按着数据的长度接收到byte类型的数据
        if msg.upper()=='Q':break
        print(msg)

        content = input('>>>')
        byte_content = content.encode('utf-8')
        size = struct.pack('i', len(byte_content))
        conn.send(size)
        conn.send(byte_content)
        if content.upper()=='Q':break
    conn.close()
sk.close()

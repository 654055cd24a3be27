#clienet端
import os  # netsim: needed to read LESSON_HOST / LESSON_PORT
import socket
import struct

HOST = os.environ.get("LESSON_HOST", "127.0.0.1")  # netsim: server address from env (lesson: '192.168.16.67')
PORT = int(os.environ.get("LESSON_PORT", "9001"))  # netsim: port from env (lesson: 9001)

sk = socket.socket()
addr = (HOST,PORT)  # netsim: address was ('192.168.16.67',9001)
sk.connect(addr)
while 1:
    msg = input('>>>')
    byte_msg = msg.encode('utf-8')          #计算byte数据的长度
    size = struct.pack('i',len(byte_msg))     #使用struct模块将数据长度转换成4个字节的固定长度
    sk.send(size)                             #发送长度
    sk.send(byte_msg)                         #发送数据
    if msg.upper() == 'Q': break
    size = sk.recv(4)
    size = struct.unpack('i', size)[0]
    content = sk.recv(size).decode('utf-8')
    if content.upper()=='Q':break
    print(content)
sk.close()

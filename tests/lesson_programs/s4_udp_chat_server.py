#server 端
import os  # netsim: needed to read LESSON_HOST / LESSON_PORT
import socket

HOST = os.environ.get("LESSON_HOST", "127.0.0.1")  # netsim: bind address from env (lesson: '127.0.0.1')
PORT = int(os.environ.get("LESSON_PORT", "9001"))  # netsim: port from env (lesson: 9001)
udp_sk = socket.socket(type=socket.SOCK_DGRAM)  #创建一个服务器的套接字
udp_sk.bind((HOST,PORT))                  #绑定服务器套接字  # netsim: address was ('127.0.0.1',9001)


while True:         # 对话(可与多个client接收与发送)
    msg,client_addr = udp_sk.recvfrom(1024)
    print(msg.decode('utf-8'))
    content = input('>>>')
    udp_sk.sendto(content.encode('utf-8'),client_addr)
udp_sk.close()               # 关闭服务器套接字

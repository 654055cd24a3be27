#client 端
import os  # netsim: needed to read LESSON_HOST / LESSON_PORT
import socket  # netsim: lesson lines 148-149 print this program collapsed onto one line; line breaks and indentation restored, tokens unchanged

HOST = os.environ.get("LESSON_HOST", "127.0.0.1")  # netsim: server address from env (lesson: '127.0.0.1')
PORT = int(os.environ.get("LESSON_PORT", "9001"))  # netsim: port from env (lesson: 9001)
udp_sk = socket.socket(type=socket.SOCK_DGRAM)  # netsim: reflowed
server_addr = (HOST,PORT)  # netsim: reflowed; address was ('127.0.0.1',9001)
while True:  # netsim: reflowed
    content = input('>>>')  # netsim: reflowed
    if content.upper() == 'Q':break  # netsim: reflowed
    udp_sk.sendto(content.encode('utf-8'),server_addr)  # netsim: reflowed
    msg = udp_sk.recv(1024).decode('utf-8')  # netsim: reflowed
    if msg.upper() == 'Q':break  # netsim: reflowed
    print(msg)  # netsim: reflowed
udp_sk.close()  # netsim: reflowed

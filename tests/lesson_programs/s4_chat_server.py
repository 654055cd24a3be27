#server端
import os  # netsim: needed to read LESSON_HOST / LESSON_PORT
import socket  # netsim: lesson lines 95-96 print this program collapsed onto one line; line breaks and indentation restored, tokens unchanged

HOST = os.environ.get("LESSON_HOST", "127.0.0.1")  # netsim: bind address from env (lesson: '127.0.0.1')
PORT = int(os.environ.get("LESSON_PORT", "9001"))  # netsim: port from env (lesson: 9001)
sk = socket.socket()  # netsim: reflowed
sk.bind((HOST,PORT)) #把地址绑定到套接字  # netsim: reflowed; address was ('127.0.0.1',9001)
sk.listen() #监听链接  # netsim: reflowed
while True:  # netsim: reflowed
    conn,addr = sk.accept() # #接受客户端链接  # netsim: reflowed
    while True:  # netsim: reflowed
        msg = input('>>>')  # netsim: reflowed
        conn.send(msg.encode('utf-8')) #向客户端发送信息  # netsim: reflowed
        if msg.upper() == 'Q': #q退出  # netsim: reflowed
            break  # netsim: reflowed
        content = conn.recv(1024).decode('utf-8') # 等待客户端消息  # netsim: reflowed
        if content.upper() == 'Q': break #和客户端一起退出  # netsim: reflowed
        print(content)  # netsim: reflowed
    conn.close()  # netsim: reflowed
sk.close()  # netsim: reflowed

# server端
import os  # netsim: needed to read LESSON_HOST / LESSON_PORT
import socketserver

HOST = os.environ.get("LESSON_HOST", "127.0.0.1")  # netsim: bind address from env (lesson: '192.168.16.67')
PORT = int(os.environ.get("LESSON_PORT", "9001"))  # netsim: port from env (lesson: 9001)

class Myserver(socketserver.BaseRequestHandler):
    def handle(self):
        conn = self.request
        while 1:
            conn.send('嘿嘿嘿'.encode())     #可以不断的发送数据到多个client端
            print(conn.recv(1024).decode('utf-8'))    #可以不断的接收多个client端发来的数据

server = socketserver.ThreadingTCPServer((HOST, PORT), Myserver)  # netsim: address was ('192.168.16.67', 9001)
server.serve_forever()

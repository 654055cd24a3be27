<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="zh_CN">
<context>
    <name>ServersPanel</name>
    <message>
        <location filename="../../app/panels/servers_panel.py" line="402" />
        <source>Serving many clients</source>
        <translation>并发服务多个客户端</translation>
    </message>
    <message>
        <location filename="../../app/panels/servers_panel.py" line="406" />
        <source>Blocking</source>
        <translation>阻塞</translation>
    </message>
    <message>
        <location filename="../../app/panels/servers_panel.py" line="407" />
        <source>Threaded (socketserver)</source>
        <translation>多线程（socketserver）</translation>
    </message>
    <message>
        <location filename="../../app/panels/servers_panel.py" line="408" />
        <source>Non-blocking: busy loop (fixed)</source>
        <translation>非阻塞：忙等待循环（已修正）</translation>
    </message>
    <message>
        <location filename="../../app/panels/servers_panel.py" line="409" />
        <source>Non-blocking: selectors</source>
        <translation>非阻塞：selectors</translation>
    </message>
    <message>
        <location filename="../../app/panels/servers_panel.py" line="415" />
        <source>The lesson's first server: one thread accepts a client and serves it until it leaves. The others are connected (the listen backlog) but nobody answers them.</source>
        <translation>课程里的第一个服务端：一个线程 accept() 一个客户端，一直为它服务到它离开。其他客户端已经连上（在 listen 的等待队列里），却没人理它们。</translation>
    </message>
    <message>
        <location filename="../../app/panels/servers_panel.py" line="419" />
        <source>socketserver.ThreadingTCPServer: a new thread for every client, so all are served at once. Here every handler thread is joined when the server shuts down.</source>
        <translation>socketserver.ThreadingTCPServer：每个客户端一个新线程，所以大家同时得到服务。这里服务端关闭时会 join 每一个处理线程。</translation>
    </message>
    <message>
        <location filename="../../app/panels/servers_panel.py" line="423" />
        <source>The lesson's setblocking(False) server, fixed: one thread asks every socket again and again and catches BlockingIOError. It never sleeps, so it burns a CPU.</source>
        <translation>课程里的 setblocking(False) 服务端（已修正）：一个线程一遍又一遍地询问每个套接字，捕获 BlockingIOError。它从不休眠，所以白白占满一个 CPU（空转）。</translation>
    </message>
    <message>
        <location filename="../../app/panels/servers_panel.py" line="427" />
        <source>The fix: the same single thread and non-blocking sockets, but selectors makes it sleep until a socket is ready.</source>
        <translation>改进：同样是单线程加非阻塞套接字，但 selectors 让它休眠，直到某个套接字就绪。</translation>
    </message>
    <message>
        <location filename="../../app/panels/servers_panel.py" line="433" />
        <source>Serving many clients: blocking, threaded, non-blocking</source>
        <translation>并发服务多个客户端：阻塞、多线程、非阻塞</translation>
    </message>
    <message>
        <location filename="../../app/panels/servers_panel.py" line="436" />
        <source>Real sockets on 127.0.0.1: each client connects, sends its requests, waits for the upper-cased echo, thinks a little between requests and closes. Who waits, and what does it cost the server?</source>
        <translation>127.0.0.1 上的真实套接字：每个客户端连接、发送请求、等待转成大写的回显，请求之间稍作思考，然后关闭。谁在等待？服务端又付出了什么代价？</translation>
    </message>
    <message>
        <location filename="../../app/panels/servers_panel.py" line="444" />
        <source>Server:</source>
        <translation>服务端：</translation>
    </message>
    <message>
        <location filename="../../app/panels/servers_panel.py" line="445" />
        <source>Clients:</source>
        <translation>客户端数：</translation>
    </message>
    <message>
        <location filename="../../app/panels/servers_panel.py" line="446" />
        <source>Requests each:</source>
        <translation>每个请求数：</translation>
    </message>
    <message>
        <location filename="../../app/panels/servers_panel.py" line="447" />
        <source>Think time:</source>
        <translation>思考时间：</translation>
    </message>
    <message>
        <location filename="../../app/panels/servers_panel.py" line="448" />
        <source> ms</source>
        <translation> 毫秒</translation>
    </message>
    <message>
        <location filename="../../app/panels/servers_panel.py" line="449" />
        <source>Run</source>
        <translation>运行</translation>
    </message>
    <message>
        <location filename="../../app/panels/servers_panel.py" line="450" />
        <source>Compare all</source>
        <translation>全部对比</translation>
    </message>
    <message>
        <location filename="../../app/panels/servers_panel.py" line="451" />
        <source>Reset</source>
        <translation>重置</translation>
    </message>
    <message>
        <location filename="../../app/panels/servers_panel.py" line="452" />
        <source>Wall time</source>
        <translation>总耗时</translation>
    </message>
    <message>
        <location filename="../../app/panels/servers_panel.py" line="453" />
        <source>Server CPU time</source>
        <translation>服务端 CPU 时间</translation>
    </message>
    <message>
        <location filename="../../app/panels/servers_panel.py" line="454" />
        <source>Server thread CPU</source>
        <translation>服务端线程 CPU 占用</translation>
    </message>
    <message>
        <location filename="../../app/panels/servers_panel.py" line="456" />
        <source>Server</source>
        <translation>服务端</translation>
    </message>
    <message>
        <location filename="../../app/panels/servers_panel.py" line="456" />
        <source>Wall</source>
        <translation>耗时</translation>
    </message>
    <message>
        <location filename="../../app/panels/servers_panel.py" line="456" />
        <source>Longest wait</source>
        <translation>最长等待</translation>
    </message>
    <message>
        <location filename="../../app/panels/servers_panel.py" line="456" />
        <source>CPU</source>
        <translation>CPU</translation>
    </message>
    <message>
        <location filename="../../app/panels/servers_panel.py" line="456" />
        <source>CPU %</source>
        <translation>CPU 占用</translation>
    </message>
    <message>
        <location filename="../../app/panels/servers_panel.py" line="459" />
        <source>client {n}</source>
        <translation>客户端 {n}</translation>
    </message>
    <message>
        <location filename="../../app/panels/servers_panel.py" line="460" />
        <source>server</source>
        <translation>服务端</translation>
    </message>
    <message>
        <location filename="../../app/panels/servers_panel.py" line="461" />
        <source>connected, waiting</source>
        <translation>已连接，等待中</translation>
    </message>
    <message>
        <location filename="../../app/panels/servers_panel.py" line="462" />
        <source>being served</source>
        <translation>正在被服务</translation>
    </message>
    <message>
        <location filename="../../app/panels/servers_panel.py" line="463" />
        <source>request sent</source>
        <translation>发出请求</translation>
    </message>
    <message>
        <location filename="../../app/panels/servers_panel.py" line="464" />
        <source>reply received</source>
        <translation>收到回复</translation>
    </message>
    <message>
        <location filename="../../app/panels/servers_panel.py" line="465" />
        <source>server CPU use</source>
        <translation>服务端 CPU 占用</translation>
    </message>
    <message>
        <location filename="../../app/panels/servers_panel.py" line="466" />
        <source>waited {ms} ms</source>
        <translation>等了 {ms} 毫秒</translation>
    </message>
    <message>
        <location filename="../../app/panels/servers_panel.py" line="467" />
        <source>ms</source>
        <translation>毫秒</translation>
    </message>
    <message>
        <location filename="../../app/panels/servers_panel.py" line="468" />
        <source>Press Run (one server) or Compare all.</source>
        <translation>按“运行”（一种服务端）或“全部对比”。</translation>
    </message>
    <message>
        <location filename="../../app/panels/servers_panel.py" line="484" />
        <source>{mode}: {clients} clients × {requests} requests, think {think} ms</source>
        <translation>{mode}：{clients} 个客户端 × {requests} 个请求，思考 {think} 毫秒</translation>
    </message>
    <message>
        <location filename="../../app/panels/servers_panel.py" line="493" />
        <source>The run failed: {reason}</source>
        <translation>运行失败：{reason}</translation>
    </message>
    <message>
        <location filename="../../app/panels/servers_panel.py" line="495" />
        <source>Stopped before every client was served: these figures cover only part of the run.</source>
        <translation>在所有客户端都得到服务之前就停止了：这些数字只反映了运行的一部分。</translation>
    </message>
    <message>
        <location filename="../../app/panels/servers_panel.py" line="502" />
        <source>One at a time: client {n} was connected but waited {ms} ms before anyone answered it.</source>
        <translation>一次只服务一个：客户端 {n} 早已连上，却等了 {ms} 毫秒才有人回应它。</translation>
    </message>
    <message>
        <location filename="../../app/panels/servers_panel.py" line="506" />
        <source>Concurrent: every client was answered at once (longest wait {ms} ms), one thread each.</source>
        <translation>并发：每个客户端都立即得到回应（最长等待 {ms} 毫秒），每个客户端一个线程。</translation>
    </message>
    <message>
        <location filename="../../app/panels/servers_panel.py" line="510" />
        <source>Busy loop: the server burns a CPU doing nothing — {pct} % of a CPU, BlockingIOError caught {spins} times.</source>
        <translation>忙等待：服务端什么也没干却烧掉一个 CPU —— 占用 {pct} % 个 CPU，捕获 BlockingIOError {spins} 次。</translation>
    </message>
    <message>
        <location filename="../../app/panels/servers_panel.py" line="514" />
        <source>selectors: the same clients served by one thread at {pct} % of a CPU — it sleeps until a socket is ready.</source>
        <translation>selectors：同样的客户端由一个线程服务，只占 {pct} % 个 CPU —— 它休眠到套接字就绪为止。</translation>
    </message>
    <message>
        <location filename="../../app/panels/servers_panel.py" line="576" />
        <source>Last run: {mode}</source>
        <translation>最近一次运行：{mode}</translation>
    </message>
    <message>
        <location filename="../../app/panels/servers_panel.py" line="612" />
        <source>Running… ({left} more queued)</source>
        <translation>运行中…（还有 {left} 个排队）</translation>
    </message>
    <message>
        <location filename="../../app/panels/servers_panel.py" line="614" />
        <source>Ready.</source>
        <translation>就绪。</translation>
    </message>
    <message>
        <location filename="../../app/panels/servers_panel.py" line="634" />
        <source>Cannot run</source>
        <translation>无法运行</translation>
    </message>
    <message>
        <source>Non-blocking: the lesson's code, as written</source>
        <translation>非阻塞：课程代码（原样）</translation>
    </message>
    <message>
        <source>The lesson's setblocking(False) server exactly as written. On Linux a socket returned by accept() does not inherit non-blocking mode from the listening socket, so conn.recv() blocks the whole loop on the first client while the others wait.</source>
        <translation>课程里的 setblocking(False) 服务端，一字未改。在 Linux 上，accept() 返回的套接字不会继承监听套接字的非阻塞模式，所以 conn.recv() 会在第一个客户端上阻塞整个循环，其他客户端只能等待。</translation>
    </message>
    <message>
        <source>The lesson's code stalls: client {n} waited {ms} ms, because the loop sat in client 1's blocking recv() (accepted sockets do not inherit non-blocking mode on Linux).</source>
        <translation>课程的代码卡住了：客户端 {n} 等了 {ms} 毫秒，因为循环停在客户端 1 的阻塞 recv() 上（在 Linux 上，accept() 返回的套接字不继承非阻塞模式）。</translation>
    </message>
    <message>
        <source>Closing the servers lab</source>
        <translation>关闭服务器实验</translation>
    </message>
</context>
</TS>
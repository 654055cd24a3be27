<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="zh_CN">
<context>
    <name>BuffersView</name>
    <message>
        <location filename="../../app/widgets/buffers.py" line="208" />
        <source>sender: kernel send queue (TIOCOUTQ)</source>
        <translation>发送端：内核发送队列（TIOCOUTQ）</translation>
    </message>
    <message>
        <location filename="../../app/widgets/buffers.py" line="209" />
        <source>receiver: kernel receive queue (FIONREAD)</source>
        <translation>接收端：内核接收队列（FIONREAD）</translation>
    </message>
    <message>
        <location filename="../../app/widgets/buffers.py" line="210" />
        <source>time (ms)</source>
        <translation>时间（毫秒）</translation>
    </message>
    <message>
        <location filename="../../app/widgets/buffers.py" line="212" />
        <source>bytes</source>
        <translation>字节</translation>
    </message>
    <message>
        <source>time (ms) — {s} s paused or stepped cut out, at the dotted lines</source>
        <translation>时间（毫秒）—— 暂停或单步等待的 {s} 秒已从时间轴上剪掉，位置见虚线</translation>
    </message>
</context>
<context>
    <name>EventLogModel</name>
    <message>
        <location filename="../../app/models/log_model.py" line="53" />
        <source>time (ms)</source>
        <translation>时间（毫秒）</translation>
    </message>
    <message>
        <location filename="../../app/models/log_model.py" line="53" />
        <source>side</source>
        <translation>端</translation>
    </message>
    <message>
        <location filename="../../app/models/log_model.py" line="53" />
        <source>call</source>
        <translation>调用</translation>
    </message>
    <message>
        <location filename="../../app/models/log_model.py" line="53" />
        <source>bytes</source>
        <translation>字节</translation>
    </message>
    <message>
        <location filename="../../app/models/log_model.py" line="53" />
        <source>result</source>
        <translation>结果</translation>
    </message>
    <message>
        <location filename="../../app/models/log_model.py" line="69" />
        <source>client</source>
        <translation>客户端</translation>
    </message>
    <message>
        <location filename="../../app/models/log_model.py" line="69" />
        <source>server</source>
        <translation>服务端</translation>
    </message>
    <message>
        <location filename="../../app/models/log_model.py" line="79" />
        <source>ok</source>
        <translation>成功</translation>
    </message>
    <message>
        <location filename="../../app/models/log_model.py" line="80" />
        <source>closed</source>
        <translation>已关闭</translation>
    </message>
    <message>
        <location filename="../../app/models/log_model.py" line="81" />
        <source>listening</source>
        <translation>监听中</translation>
    </message>
    <message>
        <location filename="../../app/models/log_model.py" line="82" />
        <source>connected</source>
        <translation>已连接</translation>
    </message>
    <message>
        <location filename="../../app/models/log_model.py" line="83" />
        <source>b'' - the peer closed the connection</source>
        <translation>b'' —— 对方关闭了连接</translation>
    </message>
    <message>
        <location filename="../../app/models/log_model.py" line="84" />
        <source>truncated (MSG_TRUNC)</source>
        <translation>被截断（MSG_TRUNC）</translation>
    </message>
    <message>
        <location filename="../../app/models/log_model.py" line="85" />
        <source>SO_LINGER 0: close() sends RST</source>
        <translation>SO_LINGER 0：close() 发送 RST</translation>
    </message>
    <message>
        <location filename="../../app/models/log_model.py" line="91" />
        <source>fd {n}</source>
        <translation>文件描述符 {n}</translation>
    </message>
    <message>
        <location filename="../../app/models/log_model.py" line="93" />
        <source>port {n}</source>
        <translation>端口 {n}</translation>
    </message>
    <message>
        <location filename="../../app/models/log_model.py" line="95" />
        <source>from {address}</source>
        <translation>来自 {address}</translation>
    </message>
    <message>
        <source>dropped (lost on the way)</source>
        <translation>被丢弃（途中丢失）</translation>
    </message>
    <message>
        <source>dropped (larger than the MTU)</source>
        <translation>被丢弃（超过 MTU）</translation>
    </message>
</context>
<context>
    <name>MainWindow</name>
    <message>
        <location filename="../../app/main_window.py" line="153" />
        <source>(this panel has no presets)</source>
        <translation>（此面板没有预设）</translation>
    </message>
    <message>
        <location filename="../../app/main_window.py" line="227" />
        <source>{panel} · zoom {zoom:.0%} · F5 run · Space step · F6 pause · Ctrl+R reset</source>
        <translation>{panel} · 缩放 {zoom:.0%} · F5 运行 · 空格 单步 · F6 暂停 · Ctrl+R 重置</translation>
    </message>
    <message>
        <location filename="../../app/main_window.py" line="235" />
        <source>This panel cannot open traces.</source>
        <translation>此面板不能打开记录文件。</translation>
    </message>
    <message>
        <location filename="../../app/main_window.py" line="238" />
        <source>Open a trace</source>
        <translation>打开记录文件</translation>
    </message>
    <message>
        <location filename="../../app/main_window.py" line="238" />
        <source>NetSim traces (*.jsonl);;All files (*)</source>
        <translation>NetSim 记录文件 (*.jsonl);;所有文件 (*)</translation>
    </message>
    <message>
        <location filename="../../app/main_window.py" line="246" />
        <source>This panel has no trace to export.</source>
        <translation>此面板没有可导出的记录。</translation>
    </message>
    <message>
        <location filename="../../app/main_window.py" line="249" />
        <source>Export the run as a trace</source>
        <translation>把这次运行导出为记录文件</translation>
    </message>
    <message>
        <location filename="../../app/main_window.py" line="249" />
        <source>NetSim traces (*.jsonl)</source>
        <translation>NetSim 记录文件 (*.jsonl)</translation>
    </message>
    <message>
        <location filename="../../app/main_window.py" line="256" />
        <source>Export the view as PNG</source>
        <translation>把视图导出为 PNG</translation>
    </message>
    <message>
        <location filename="../../app/main_window.py" line="256" />
        <source>PNG images (*.png)</source>
        <translation>PNG 图片 (*.png)</translation>
    </message>
    <message>
        <location filename="../../app/main_window.py" line="264" />
        <source>About NetSim Lab</source>
        <translation>关于 NetSim Lab</translation>
    </message>
    <message>
        <location filename="../../app/main_window.py" line="266" />
        <source>&lt;h3&gt;NetSim Lab {version}&lt;/h3&gt;&lt;p&gt;Real TCP and UDP sockets on loopback, drawn live: sticky packets and half packets, framing, the TCP handshake, HMAC challenge-response.&lt;/p&gt;&lt;p&gt;Every panel has a headless twin in the &lt;tt&gt;netsim&lt;/tt&gt; command.&lt;/p&gt;</source>
        <translation>&lt;h3&gt;NetSim Lab {version}&lt;/h3&gt;&lt;p&gt;在回环地址上运行真实的 TCP 和 UDP 套接字，并实时画出来：黏包与半包、分帧、TCP 握手、HMAC 挑战-应答。&lt;/p&gt;&lt;p&gt;每个面板在 &lt;tt&gt;netsim&lt;/tt&gt; 命令里都有对应的无界面版本。&lt;/p&gt;</translation>
    </message>
    <message>
        <location filename="../../app/main_window.py" line="288" />
        <source>NetSim Lab</source>
        <translation>NetSim Lab 网络编程实验室</translation>
    </message>
    <message>
        <location filename="../../app/main_window.py" line="289" />
        <source>Loading the panels…</source>
        <translation>正在加载面板…</translation>
    </message>
    <message>
        <location filename="../../app/main_window.py" line="290" />
        <source>&amp;File</source>
        <translation>文件(&amp;F)</translation>
    </message>
    <message>
        <location filename="../../app/main_window.py" line="291" />
        <location filename="../../app/main_window.py" line="300" />
        <source>&amp;Run</source>
        <translation>运行(&amp;R)</translation>
    </message>
    <message>
        <location filename="../../app/main_window.py" line="292" />
        <source>&amp;Presets</source>
        <translation>预设(&amp;P)</translation>
    </message>
    <message>
        <location filename="../../app/main_window.py" line="293" />
        <source>&amp;View</source>
        <translation>视图(&amp;V)</translation>
    </message>
    <message>
        <location filename="../../app/main_window.py" line="294" />
        <source>&amp;Language</source>
        <translation>语言(&amp;L)</translation>
    </message>
    <message>
        <location filename="../../app/main_window.py" line="295" />
        <source>&amp;Help</source>
        <translation>帮助(&amp;H)</translation>
    </message>
    <message>
        <location filename="../../app/main_window.py" line="296" />
        <source>&amp;Open trace…</source>
        <translation>打开记录文件(&amp;O)…</translation>
    </message>
    <message>
        <source>&amp;Trace programs…</source>
        <translation>跟踪程序(&amp;T)…</translation>
    </message>
    <message>
        <location filename="../../app/main_window.py" line="297" />
        <source>Export run as &amp;trace…</source>
        <translation>导出为记录文件(&amp;T)…</translation>
    </message>
    <message>
        <location filename="../../app/main_window.py" line="298" />
        <source>Export view as &amp;PNG…</source>
        <translation>导出视图为 PNG(&amp;P)…</translation>
    </message>
    <message>
        <location filename="../../app/main_window.py" line="299" />
        <source>&amp;Quit</source>
        <translation>退出(&amp;Q)</translation>
    </message>
    <message>
        <location filename="../../app/main_window.py" line="301" />
        <source>&amp;Step (Space, F10)</source>
        <translation>单步(&amp;S)（空格、F10）</translation>
    </message>
    <message>
        <location filename="../../app/main_window.py" line="302" />
        <source>&amp;Pause</source>
        <translation>暂停(&amp;P)</translation>
    </message>
    <message>
        <location filename="../../app/main_window.py" line="303" />
        <source>R&amp;eset</source>
        <translation>重置(&amp;E)</translation>
    </message>
    <message>
        <location filename="../../app/main_window.py" line="304" />
        <source>Zoom &amp;in</source>
        <translation>放大(&amp;I)</translation>
    </message>
    <message>
        <location filename="../../app/main_window.py" line="305" />
        <source>Zoom &amp;out</source>
        <translation>缩小(&amp;O)</translation>
    </message>
    <message>
        <location filename="../../app/main_window.py" line="306" />
        <source>&amp;Normal size</source>
        <translation>正常大小(&amp;N)</translation>
    </message>
    <message>
        <location filename="../../app/main_window.py" line="307" />
        <source>&amp;Full screen</source>
        <translation>全屏(&amp;F)</translation>
    </message>
    <message>
        <location filename="../../app/main_window.py" line="308" />
        <source>&amp;High contrast</source>
        <translation>高对比度(&amp;H)</translation>
    </message>
    <message>
        <location filename="../../app/main_window.py" line="309" />
        <source>&amp;Colour-blind-safe colours</source>
        <translation>色盲友好配色(&amp;C)</translation>
    </message>
    <message>
        <location filename="../../app/main_window.py" line="310" />
        <source>&amp;About NetSim Lab</source>
        <translation>关于 NetSim Lab(&amp;A)</translation>
    </message>
    <message>
        <source>Panel &amp;list (Ctrl+L hides it)</source>
        <translation>面板列表(&amp;L)（Ctrl+L 隐藏）</translation>
    </message>
</context>
<context>
    <name>PipeView</name>
    <message>
        <location filename="../../app/widgets/buffers.py" line="46" />
        <source>app send buffer</source>
        <translation>应用发送缓冲</translation>
    </message>
    <message>
        <location filename="../../app/widgets/buffers.py" line="47" />
        <source>kernel send queue</source>
        <translation>内核发送队列</translation>
    </message>
    <message>
        <location filename="../../app/widgets/buffers.py" line="48" />
        <source>kernel receive queue</source>
        <translation>内核接收队列</translation>
    </message>
    <message>
        <location filename="../../app/widgets/buffers.py" line="49" />
        <source>app receive buffer</source>
        <translation>应用接收缓冲</translation>
    </message>
    <message>
        <location filename="../../app/widgets/buffers.py" line="77" />
        <source>{n} B still in sendall()</source>
        <translation>还有 {n} 字节在 sendall() 中</translation>
    </message>
    <message>
        <location filename="../../app/widgets/buffers.py" line="79" />
        <source>{n} messages not yet sent</source>
        <translation>还有 {n} 条消息未发送</translation>
    </message>
    <message>
        <location filename="../../app/widgets/buffers.py" line="87" />
        <source>next datagram</source>
        <translation>下一个数据报</translation>
    </message>
    <message>
        <location filename="../../app/widgets/buffers.py" line="91" />
        <source>not reported on this platform</source>
        <translation>此平台无法报告</translation>
    </message>
    <message>
        <location filename="../../app/widgets/buffers.py" line="92" />
        <source>bytes in flight</source>
        <translation>在途字节</translation>
    </message>
    <message>
        <location filename="../../app/widgets/buffers.py" line="139" />
        <source>{n} B</source>
        <translation>{n} 字节</translation>
    </message>
</context>
<context>
    <name>RibbonView</name>
    <message>
        <location filename="../../app/widgets/ribbon.py" line="177" />
        <source>datagram #{n}: {size} B
{hex}
{text}</source>
        <translation>数据报 #{n}：{size} 字节
{hex}
{text}</translation>
    </message>
    <message>
        <location filename="../../app/widgets/ribbon.py" line="185" />
        <source>recvfrom() #{n}: {size} of {wire} B
{hex}
{text}</source>
        <translation>recvfrom() #{n}：收到 {size} / {wire} 字节
{hex}
{text}</translation>
    </message>
    <message>
        <location filename="../../app/widgets/ribbon.py" line="200" />
        <source>message #{n}: bytes [{s}, {e}), {h} B framing</source>
        <translation>消息 #{n}：字节 [{s}, {e})，其中分帧 {h} 字节</translation>
    </message>
    <message>
        <location filename="../../app/widgets/ribbon.py" line="208" />
        <source>recv() #{n}: bytes [{s}, {e})</source>
        <translation>recv() #{n}：字节 [{s}, {e})</translation>
    </message>
    <message>
        <location filename="../../app/widgets/ribbon.py" line="214" />
        <source>as sent</source>
        <translation>与发送的一致</translation>
    </message>
    <message>
        <location filename="../../app/widgets/ribbon.py" line="214" />
        <source>NOT the message that was sent</source>
        <translation>不是发送的那条消息</translation>
    </message>
    <message>
        <location filename="../../app/widgets/ribbon.py" line="215" />
        <source>application message #{n}: {verdict}</source>
        <translation>应用消息 #{n}：{verdict}</translation>
    </message>
    <message>
        <location filename="../../app/widgets/ribbon.py" line="298" />
        <source>{n} B header</source>
        <translation>{n} 字节报头</translation>
    </message>
    <message>
        <location filename="../../app/widgets/ribbon.py" line="300" />
        <source>{n} B delimiter</source>
        <translation>{n} 字节分隔符</translation>
    </message>
    <message>
        <location filename="../../app/widgets/ribbon.py" line="317" />
        <source>{text}  (split ×{n})</source>
        <translation>{text}（被拆成 {n} 段）</translation>
    </message>
    <message>
        <location filename="../../app/widgets/ribbon.py" line="342" />
        <source>#{n}: {size} B</source>
        <translation>#{n}：{size} 字节</translation>
    </message>
    <message>
        <location filename="../../app/widgets/ribbon.py" line="344" />
        <source>#{n}: {size} B — merged!</source>
        <translation>#{n}：{size} 字节 —— 黏包！</translation>
    </message>
    <message>
        <location filename="../../app/widgets/ribbon.py" line="439" />
        <source>not sent: {why}</source>
        <translation>未发送：{why}</translation>
    </message>
    <message>
        <location filename="../../app/widgets/ribbon.py" line="450" />
        <source>{text} ({size} B)</source>
        <translation>{text}（{size} 字节）</translation>
    </message>
    <message>
        <location filename="../../app/widgets/ribbon.py" line="470" />
        <source>truncated: {size} of {wire} B</source>
        <translation>被截断：只收到 {size} / {wire} 字节</translation>
    </message>
    <message>
        <location filename="../../app/widgets/ribbon.py" line="472" />
        <source>{size} B</source>
        <translation>{size} 字节</translation>
    </message>
    <message>
        <location filename="../../app/widgets/ribbon.py" line="482" />
        <source>lost</source>
        <translation>丢失</translation>
    </message>
    <message>
        <source>b'' (closed)</source>
        <translation>b''（已关闭）</translation>
    </message>
</context>
<context>
    <name>StickyPanel</name>
    <message>
        <location filename="../../app/panels/sticky_panel.py" line="238" />
        <source>Sticky packets (TCP/UDP)</source>
        <translation>黏包实验（TCP/UDP）</translation>
    </message>
    <message>
        <location filename="../../app/panels/sticky_panel.py" line="244" />
        <source>Two sends, a slow receiver (sticky packets)</source>
        <translation>两次发送，接收方迟到（黏包）</translation>
    </message>
    <message>
        <location filename="../../app/panels/sticky_panel.py" line="245" />
        <source>As in the lesson: the server sends b'hello' and b'world'; the client's first recv(1024) gets b'helloworld', the second b'' (closed).</source>
        <translation>和课程里一样：服务端发送 b'hello' 和 b'world'；客户端第一次 recv(1024) 得到 b'helloworld'，第二次得到 b''（已关闭）。</translation>
    </message>
    <message>
        <location filename="../../app/panels/sticky_panel.py" line="248" />
        <source>Half packet: recv(4) on a longer message</source>
        <translation>半包：用 recv(4) 接收较长的消息</translation>
    </message>
    <message>
        <location filename="../../app/panels/sticky_panel.py" line="250" />
        <source>One message comes out of several recv(4) calls; a program that trusts one recv gets pieces.</source>
        <translation>一条消息要几次 recv(4) 才能收完；以为一次 recv 就是一条消息的程序只会拿到碎片。</translation>
    </message>
    <message>
        <location filename="../../app/panels/sticky_panel.py" line="254" />
        <source>One large message over many recv() calls</source>
        <translation>一条大消息分多次 recv() 收到</translation>
    </message>
    <message>
        <location filename="../../app/panels/sticky_panel.py" line="256" />
        <source>A 200 KB message is returned 64 KiB at a time at most: recv() size caps every chunk.</source>
        <translation>200 KB 的消息每次最多返回 64 KiB：recv() 的大小限制了每一块。</translation>
    </message>
    <message>
        <location filename="../../app/panels/sticky_panel.py" line="260" />
        <source>Twenty messages in one sendall burst</source>
        <translation>一次 sendall 连发二十条消息</translation>
    </message>
    <message>
        <location filename="../../app/panels/sticky_panel.py" line="262" />
        <source>Twenty small messages sent in one burst come out of a few recv() calls, boundaries lost.</source>
        <translation>一口气发出的二十条小消息被几次 recv() 收到，消息边界丢失。</translation>
    </message>
    <message>
        <location filename="../../app/panels/sticky_panel.py" line="266" />
        <source>The fix: a 4-byte length prefix with struct</source>
        <translation>解决办法：用 struct 加 4 字节长度前缀</translation>
    </message>
    <message>
        <location filename="../../app/panels/sticky_panel.py" line="268" />
        <source>struct.pack('!I', len(data)) before each message: the receiver reads exactly one message each time.</source>
        <translation>每条消息前加 struct.pack('!I', len(data))：接收方每次正好读出一条消息。</translation>
    </message>
    <message>
        <location filename="../../app/panels/sticky_panel.py" line="272" />
        <source>Delimiter framing: one message per line</source>
        <translation>分隔符分帧：一行一条消息</translation>
    </message>
    <message>
        <location filename="../../app/panels/sticky_panel.py" line="273" />
        <source>A newline ends each message; the receiver splits the stream at every b'\n'.</source>
        <translation>每条消息以换行结束；接收方在每个 b'\n' 处切分字节流。</translation>
    </message>
    <message>
        <location filename="../../app/panels/sticky_panel.py" line="276" />
        <source>The lesson's header: struct.pack('i', n)</source>
        <translation>课程里的报头：struct.pack('i', n)</translation>
    </message>
    <message>
        <location filename="../../app/panels/sticky_panel.py" line="278" />
        <source>The lesson's native 'i' header works here, but its byte order and size depend on the machine.</source>
        <translation>课程里的本机 'i' 报头在这里能用，但它的字节序和长度取决于机器。</translation>
    </message>
    <message>
        <location filename="../../app/panels/sticky_panel.py" line="282" />
        <source>UDP keeps message boundaries</source>
        <translation>UDP 保留消息边界</translation>
    </message>
    <message>
        <location filename="../../app/panels/sticky_panel.py" line="284" />
        <source>The same two sends over UDP: two datagrams, two recvfrom() calls, even with a slow reader.</source>
        <translation>同样两次发送改用 UDP：两个数据报，两次 recvfrom()，即使接收方迟到也一样。</translation>
    </message>
    <message>
        <location filename="../../app/panels/sticky_panel.py" line="288" />
        <source>UDP truncation: recvfrom() smaller than the datagram</source>
        <translation>UDP 截断：recvfrom() 比数据报小</translation>
    </message>
    <message>
        <location filename="../../app/panels/sticky_panel.py" line="290" />
        <source>A 100-byte datagram read with recvfrom(16): the rest of it is discarded, not kept for later.</source>
        <translation>用 recvfrom(16) 读 100 字节的数据报：剩下的部分被丢弃，不会留到下次。</translation>
    </message>
    <message>
        <location filename="../../app/panels/sticky_panel.py" line="294" />
        <source>UDP loss: a full receive buffer drops datagrams</source>
        <translation>UDP 丢包：接收缓冲区满了就丢弃数据报</translation>
    </message>
    <message>
        <location filename="../../app/panels/sticky_panel.py" line="296" />
        <source>Fifty 1,000-byte datagrams in a burst into a small SO_RCVBUF: most are dropped, none resent.</source>
        <translation>五十个 1,000 字节的数据报一口气发进很小的 SO_RCVBUF：大部分被丢弃，也不会重发。</translation>
    </message>
    <message>
        <location filename="../../app/panels/sticky_panel.py" line="300" />
        <source>UDP size limit: 65,507 bytes</source>
        <translation>UDP 大小上限：65,507 字节</translation>
    </message>
    <message>
        <location filename="../../app/panels/sticky_panel.py" line="302" />
        <source>65,507 bytes fit in one datagram (65,535 - 20 IP - 8 UDP); 65,508 fail with EMSGSIZE.</source>
        <translation>一个数据报最多 65,507 字节（65,535 - 20 IP 头 - 8 UDP 头）；65,508 字节会因 EMSGSIZE 失败。</translation>
    </message>
    <message>
        <location filename="../../app/panels/sticky_panel.py" line="306" />
        <source>Empty message over TCP</source>
        <translation>TCP 发送空消息</translation>
    </message>
    <message>
        <location filename="../../app/panels/sticky_panel.py" line="307" />
        <source>send(b'') puts nothing on the stream: the receiver never sees the empty message.</source>
        <translation>send(b'') 不会往字节流里放任何东西：接收方永远看不到这条空消息。</translation>
    </message>
    <message>
        <location filename="../../app/panels/sticky_panel.py" line="310" />
        <source>Empty message over UDP</source>
        <translation>UDP 发送空消息</translation>
    </message>
    <message>
        <location filename="../../app/panels/sticky_panel.py" line="311" />
        <source>sendto(b'') sends a real, empty datagram: recvfrom() returns b'' for it.</source>
        <translation>sendto(b'') 会发出一个真实的空数据报：recvfrom() 为它返回 b''。</translation>
    </message>
    <message>
        <location filename="../../app/panels/sticky_panel.py" line="317" />
        <source>none (raw recv chunks)</source>
        <translation>不分帧（原始 recv 块）</translation>
    </message>
    <message>
        <location filename="../../app/panels/sticky_panel.py" line="318" />
        <source>length prefix !I (4 bytes, network order)</source>
        <translation>长度前缀 !I（4 字节，网络字节序）</translation>
    </message>
    <message>
        <location filename="../../app/panels/sticky_panel.py" line="319" />
        <source>length prefix !H (2 bytes)</source>
        <translation>长度前缀 !H（2 字节）</translation>
    </message>
    <message>
        <location filename="../../app/panels/sticky_panel.py" line="320" />
        <source>length prefix 'i' (lesson, native order)</source>
        <translation>长度前缀 'i'（课程写法，本机字节序）</translation>
    </message>
    <message>
        <location filename="../../app/panels/sticky_panel.py" line="321" />
        <source>delimiter \n</source>
        <translation>分隔符 \n</translation>
    </message>
    <message>
        <location filename="../../app/panels/sticky_panel.py" line="322" />
        <source>fixed size, 32 bytes</source>
        <translation>定长，32 字节</translation>
    </message>
    <message>
        <location filename="../../app/panels/sticky_panel.py" line="323" />
        <source>JSON header + body</source>
        <translation>JSON 报头 + 正文</translation>
    </message>
    <message>
        <location filename="../../app/panels/sticky_panel.py" line="333" />
        <source>Choose a framing, or type a spec as the netsim command takes it: length:!Q, delimiter:\r\n, fixed:64</source>
        <translation>选择一种分帧方式，或按 netsim 命令的写法输入：length:!Q、delimiter:\r\n、fixed:64</translation>
    </message>
    <message>
        <location filename="../../app/panels/sticky_panel.py" line="335" />
        <source>one send per message</source>
        <translation>每条消息单独发送</translation>
    </message>
    <message>
        <location filename="../../app/panels/sticky_panel.py" line="336" />
        <source>one sendall burst</source>
        <translation>一次 sendall 全部发出</translation>
    </message>
    <message>
        <location filename="../../app/panels/sticky_panel.py" line="338" />
        <source>Preset</source>
        <translation>预设</translation>
    </message>
    <message>
        <location filename="../../app/panels/sticky_panel.py" line="339" />
        <source>Transport</source>
        <translation>传输协议</translation>
    </message>
    <message>
        <location filename="../../app/panels/sticky_panel.py" line="340" />
        <source>Framing</source>
        <translation>分帧方式</translation>
    </message>
    <message>
        <location filename="../../app/panels/sticky_panel.py" line="341" />
        <source>bytes</source>
        <translation>字节</translation>
    </message>
    <message>
        <location filename="../../app/panels/sticky_panel.py" line="342" />
        <source>Sending</source>
        <translation>发送方式</translation>
    </message>
    <message>
        <location filename="../../app/panels/sticky_panel.py" line="343" />
        <source>Delay between sends (ms)</source>
        <translation>两次发送间隔（毫秒）</translation>
    </message>
    <message>
        <location filename="../../app/panels/sticky_panel.py" line="344" />
        <source>Receiver delay before each recv (ms)</source>
        <translation>接收方每次 recv 前等待（毫秒）</translation>
    </message>
    <message>
        <location filename="../../app/panels/sticky_panel.py" line="345" />
        <source>recv() size (bytes)</source>
        <translation>recv() 大小（字节）</translation>
    </message>
    <message>
        <location filename="../../app/panels/sticky_panel.py" line="346" />
        <source>SO_RCVBUF (0 = default)</source>
        <translation>SO_RCVBUF（0 = 默认）</translation>
    </message>
    <message>
        <location filename="../../app/panels/sticky_panel.py" line="350" />
        <source>Messages (comma-separated)</source>
        <translation>消息（逗号分隔）</translation>
    </message>
    <message>
        <location filename="../../app/panels/sticky_panel.py" line="351" />
        <source>Count × size</source>
        <translation>条数 × 大小</translation>
    </message>
    <message>
        <location filename="../../app/panels/sticky_panel.py" line="352" />
        <source>Run (F5)</source>
        <translation>运行 (F5)</translation>
    </message>
    <message>
        <location filename="../../app/panels/sticky_panel.py" line="353" />
        <source>Pause (F6)</source>
        <translation>暂停 (F6)</translation>
    </message>
    <message>
        <location filename="../../app/panels/sticky_panel.py" line="354" />
        <source>Step (Space)</source>
        <translation>单步（空格）</translation>
    </message>
    <message>
        <location filename="../../app/panels/sticky_panel.py" line="355" />
        <source>Reset (Ctrl+R)</source>
        <translation>重置 (Ctrl+R)</translation>
    </message>
    <message>
        <location filename="../../app/panels/sticky_panel.py" line="356" />
        <source>Buffers</source>
        <translation>缓冲区</translation>
    </message>
    <message>
        <location filename="../../app/panels/sticky_panel.py" line="357" />
        <source>Event log</source>
        <translation>事件日志</translation>
    </message>
    <message>
        <location filename="../../app/panels/sticky_panel.py" line="358" />
        <source>send()</source>
        <translation>send()</translation>
    </message>
    <message>
        <location filename="../../app/panels/sticky_panel.py" line="358" />
        <source>recv()</source>
        <translation>recv()</translation>
    </message>
    <message>
        <location filename="../../app/panels/sticky_panel.py" line="358" />
        <source>app gets</source>
        <translation>应用收到</translation>
    </message>
    <message>
        <location filename="../../app/panels/sticky_panel.py" line="363" />
        <source>Kernel queues as Linux reports them (FIONREAD, TIOCOUTQ). Drag the cursor to see where the bytes were.</source>
        <translation>Linux 报告的内核队列（FIONREAD、TIOCOUTQ）。拖动竖线查看某一时刻字节在哪里。</translation>
    </message>
    <message>
        <location filename="../../app/panels/sticky_panel.py" line="369" />
        <source>This platform cannot report kernel queues ({why}); the pipe shows bytes in flight instead.</source>
        <translation>此平台无法报告内核队列（{why}）；管道图改为显示在途字节。</translation>
    </message>
    <message>
        <location filename="../../app/panels/sticky_panel.py" line="505" />
        <source>Unknown framing</source>
        <translation>未知的分帧方式</translation>
    </message>
    <message>
        <location filename="../../app/panels/sticky_panel.py" line="525" />
        <source>Cannot run this scenario</source>
        <translation>无法运行这个场景</translation>
    </message>
    <message>
        <location filename="../../app/panels/sticky_panel.py" line="618" />
        <source>Nothing to export</source>
        <translation>没有可导出的内容</translation>
    </message>
    <message>
        <location filename="../../app/panels/sticky_panel.py" line="618" />
        <source>Run a scenario first.</source>
        <translation>请先运行一个场景。</translation>
    </message>
    <message>
        <location filename="../../app/panels/sticky_panel.py" line="626" />
        <source>Cannot open the trace</source>
        <translation>无法打开记录文件</translation>
    </message>
    <message>
        <source>Bytes past the first {mb} MB are not kept (offsets are).</source>
        <translation>超过前 {mb} MB 的字节内容未保留（偏移量仍保留）。</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>取消</translation>
    </message>
    <message>
        <source>Cannot export the trace</source>
        <translation>无法导出记录文件</translation>
    </message>
    <message>
        <source>Drawing {name}…</source>
        <translation>正在绘制 {name}…</translation>
    </message>
    <message>
        <source>Open a trace</source>
        <translation>打开记录文件</translation>
    </message>
    <message>
        <source>Reading {name}…</source>
        <translation>正在读取 {name}…</translation>
    </message>
    <message>
        <location filename="../../app/panels/sticky_panel.py" line="638" />
        <source>Replaying {path} (no sockets).</source>
        <translation>正在回放 {path}（不使用套接字）。</translation>
    </message>
    <message>
        <location filename="../../app/panels/sticky_panel.py" line="664" />
        <source>client</source>
        <translation>客户端</translation>
    </message>
    <message>
        <location filename="../../app/panels/sticky_panel.py" line="664" />
        <source>server</source>
        <translation>服务端</translation>
    </message>
    <message>
        <location filename="../../app/panels/sticky_panel.py" line="666" />
        <source>{side} waits before: {call}</source>
        <translation>{side} 等待执行：{call}</translation>
    </message>
    <message>
        <location filename="../../app/panels/sticky_panel.py" line="668" />
        <source>{side}: running…</source>
        <translation>{side}：运行中…</translation>
    </message>
    <message>
        <location filename="../../app/panels/sticky_panel.py" line="674" />
        <source>Before</source>
        <translation>之前</translation>
    </message>
    <message>
        <location filename="../../app/panels/sticky_panel.py" line="674" />
        <source>Now</source>
        <translation>现在</translation>
    </message>
    <message>
        <location filename="../../app/panels/sticky_panel.py" line="676" />
        <source>{which}: framing {framing} — {merged} merged, {wrong} wrong application messages</source>
        <translation>{which}：分帧方式 {framing} —— 黏包 {merged} 次，应用收到错误消息 {wrong} 条</translation>
    </message>
    <message>
        <location filename="../../app/panels/sticky_panel.py" line="687" />
        <source>merged recv(): {n}</source>
        <translation>黏包的 recv()：{n}</translation>
    </message>
    <message>
        <location filename="../../app/panels/sticky_panel.py" line="688" />
        <source>split messages: {n}</source>
        <translation>被拆开的消息（半包）：{n}</translation>
    </message>
    <message>
        <location filename="../../app/panels/sticky_panel.py" line="691" />
        <source>app messages: {n} of {total}</source>
        <translation>应用消息：{n} / {total}</translation>
    </message>
    <message>
        <location filename="../../app/panels/sticky_panel.py" line="694" />
        <source>wrong: {n}</source>
        <translation>错误：{n}</translation>
    </message>
    <message>
        <location filename="../../app/panels/sticky_panel.py" line="698" />
        <source>truncated: {t} · lost: {lost}</source>
        <translation>截断：{t} · 丢失：{lost}</translation>
    </message>
    <message>
        <location filename="../../app/panels/sticky_panel.py" line="707" />
        <source>✓ The application got exactly the messages that were sent.</source>
        <translation>✓ 应用收到的消息与发送的完全一致。</translation>
    </message>
    <message>
        <location filename="../../app/panels/sticky_panel.py" line="712" />
        <source>✗ The application did NOT get the messages that were sent.</source>
        <translation>✗ 应用收到的不是发送的那些消息。</translation>
    </message>
    <message>
        <location filename="../../app/panels/sticky_panel.py" line="716" />
        <source>Error: {e}</source>
        <translation>错误：{e}</translation>
    </message>
    <message>
        <location filename="../../app/panels/sticky_panel.py" line="720" />
        <source>Running…</source>
        <translation>运行中…</translation>
    </message>
    <message>
        <location filename="../../app/panels/sticky_panel.py" line="722" />
        <source>Stepping: press Space for the next socket call.</source>
        <translation>单步模式：按空格执行下一个套接字调用。</translation>
    </message>
    <message>
        <source>The lesson's receiver: recv(4), then recv(size), trusted</source>
        <translation>课程的接收代码：先 recv(4)，再 recv(size)，都信以为真</translation>
    </message>
    <message>
        <source>Three 300,000-byte messages, struct.pack('i') headers, the lesson's receiver: recv(size) returns only part of a body, the next 'header' is message bytes, and the lesson's code fails.</source>
        <translation>三条 300,000 字节的消息，用 struct.pack('i') 做报头，用课程的接收代码：recv(size) 只返回消息体的一部分，下一个“报头”其实是消息内容，课程的代码就此出错。</translation>
    </message>
    <message>
        <source>Who sends</source>
        <translation>谁发送</translation>
    </message>
    <message>
        <source>Receiving code</source>
        <translation>接收代码</translation>
    </message>
    <message>
        <source>client → server</source>
        <translation>客户端 → 服务端</translation>
    </message>
    <message>
        <source>server → client (the lesson's demo)</source>
        <translation>服务端 → 客户端（课程的演示）</translation>
    </message>
    <message>
        <source>exact: whole messages</source>
        <translation>精确：读完整条消息</translation>
    </message>
    <message>
        <source>the lesson's: recv(4), recv(size)</source>
        <translation>课程的：recv(4)、recv(size)</translation>
    </message>
    <message>
        <source>The lesson's code, bugs included: size = recv(4); size = struct.unpack('i', size)[0]; msg = recv(size). Each recv() is believed to return everything. For framing none: one recv() = one message. Works for framing none and length prefixes.</source>
        <translation>课程的代码，连同它的缺陷：size = recv(4); size = struct.unpack('i', size)[0]; msg = recv(size)。它相信每次 recv() 都返回了全部数据。不分帧时：一次 recv() 就是一条消息。适用于不分帧和长度前缀两种方式。</translation>
    </message>
    <message>
        <source>The app's receiver: calls recv() until each message is complete.</source>
        <translation>本程序的接收端：反复调用 recv()，直到每条消息完整。</translation>
    </message>
    <message>
        <source>The lesson's code failed: {e}</source>
        <translation>课程的代码出错了：{e}</translation>
    </message>
    <message>
        <source>Closing the sticky-packet lab</source>
        <translation>关闭粘包实验</translation>
    </message>
    <message>
        <source>recv() size {n} is refused: recv(0) reads nothing and returns b&apos;&apos; at once, which the receiver would take for the end of the stream. Give at least 1 byte.</source>
        <translation>recv() 大小 {n} 不被接受：recv(0) 什么也读不到，会立即返回 b&apos;&apos;，接收端会把它当成数据流结束。请至少填 1 字节。</translation>
    </message>
    <message>
        <source>app got {n} messages · {sent} sent</source>
        <translation>应用收到 {n} 条消息 · 发出 {sent} 条</translation>
    </message>
</context>
<context>
    <name>LessonPanel</name>
    <message>
        <source>{what} failed: {error}</source>
        <translation>{what}失败：{error}</translation>
    </message>
    <message>
        <source>A helper thread did not stop within {s} s.</source>
        <translation>辅助线程未能在 {s} 秒内停止。</translation>
    </message>
</context>
<context>
    <name>OsErrors</name>
    <message>
        <source>Connection refused: nothing is listening on that address and port.</source>
        <translation>连接被拒绝：该地址和端口上没有程序在监听。</translation>
    </message>
    <message>
        <source>Address already in use: another socket holds this port (perhaps one in TIME-WAIT; SO_REUSEADDR lets a server bind again).</source>
        <translation>地址已被占用：另一个套接字占着这个端口（可能处于 TIME-WAIT 状态；设置 SO_REUSEADDR 后服务端可以重新绑定）。</translation>
    </message>
    <message>
        <source>Connection reset: the other end aborted the connection (an RST), e.g. it closed with unread data or its program ended.</source>
        <translation>连接被重置：对端中止了连接（发出 RST），例如它关闭时还有未读数据，或者它的程序已经结束。</translation>
    </message>
    <message>
        <source>Broken pipe: this end wrote to a connection the other end had already closed.</source>
        <translation>管道已断开：本端向一个对端已经关闭的连接写入了数据。</translation>
    </message>
    <message>
        <source>Message too long: one UDP datagram cannot carry this many bytes (65,507 at most over IPv4).</source>
        <translation>消息过长：一个 UDP 数据报装不下这么多字节（IPv4 上最多 65,507 字节）。</translation>
    </message>
    <message>
        <source>Address not available: this machine has no such address to bind to.</source>
        <translation>地址不可用：本机没有这个地址，无法绑定。</translation>
    </message>
    <message>
        <source>Connection aborted by this machine before it was accepted.</source>
        <translation>连接在被 accept() 之前就被本机中止了。</translation>
    </message>
    <message>
        <source>Timed out: no answer came within the time limit.</source>
        <translation>超时：在限定时间内没有收到回应。</translation>
    </message>
</context>
</TS>
<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="zh_CN">
<context>
    <name>HandshakePanel</name>
    <message>
        <location filename="../../app/panels/handshake_panel.py" line="187" />
        <location filename="../../app/panels/handshake_panel.py" line="468" />
        <source>TCP handshake</source>
        <translation>TCP 握手与挥手</translation>
    </message>
    <message>
        <location filename="../../app/panels/handshake_panel.py" line="191" />
        <source>Normal open, client closes first</source>
        <translation>正常建立连接，客户端先关闭</translation>
    </message>
    <message>
        <location filename="../../app/panels/handshake_panel.py" line="192" />
        <source>Server closes first</source>
        <translation>服务器先关闭</translation>
    </message>
    <message>
        <location filename="../../app/panels/handshake_panel.py" line="193" />
        <source>Both close at once</source>
        <translation>双方同时关闭</translation>
    </message>
    <message>
        <location filename="../../app/panels/handshake_panel.py" line="194" />
        <source>Close with unread data (RST)</source>
        <translation>有未读数据时关闭（RST）</translation>
    </message>
    <message>
        <location filename="../../app/panels/handshake_panel.py" line="195" />
        <source>Connect to a port nobody listens on</source>
        <translation>连接无人监听的端口</translation>
    </message>
    <message>
        <location filename="../../app/panels/handshake_panel.py" line="196" />
        <source>Rebind a port in TIME-WAIT without SO_REUSEADDR</source>
        <translation>不设 SO_REUSEADDR 重新绑定处于 TIME-WAIT 的端口</translation>
    </message>
    <message>
        <location filename="../../app/panels/handshake_panel.py" line="197" />
        <source>Rebind a port in TIME-WAIT with SO_REUSEADDR</source>
        <translation>设置 SO_REUSEADDR 后重新绑定处于 TIME-WAIT 的端口</translation>
    </message>
    <message>
        <location filename="../../app/panels/handshake_panel.py" line="198" />
        <source>Data in both directions</source>
        <translation>双向传输数据</translation>
    </message>
    <message>
        <location filename="../../app/panels/handshake_panel.py" line="204" />
        <source>blocks until a client connects</source>
        <translation>阻塞，直到有客户端连接</translation>
    </message>
    <message>
        <location filename="../../app/panels/handshake_panel.py" line="205" />
        <source>active close: FIN</source>
        <translation>主动关闭：发送 FIN</translation>
    </message>
    <message>
        <location filename="../../app/panels/handshake_panel.py" line="206" />
        <source>passive close: FIN</source>
        <translation>被动关闭：发送 FIN</translation>
    </message>
    <message>
        <location filename="../../app/panels/handshake_panel.py" line="207" />
        <source>returns b'' - the peer closed</source>
        <translation>返回 b''——对端已关闭</translation>
    </message>
    <message>
        <location filename="../../app/panels/handshake_panel.py" line="208" />
        <source>returns b''</source>
        <translation>返回 b''</translation>
    </message>
    <message>
        <location filename="../../app/panels/handshake_panel.py" line="210" />
        <source>unread data in the receive queue: RST, not FIN</source>
        <translation>接收队列中有未读数据：发送 RST 而不是 FIN</translation>
    </message>
    <message>
        <location filename="../../app/panels/handshake_panel.py" line="212" />
        <source>fails with ECONNRESET</source>
        <translation>失败：ECONNRESET（连接被重置）</translation>
    </message>
    <message>
        <location filename="../../app/panels/handshake_panel.py" line="213" />
        <source>fails with ECONNREFUSED</source>
        <translation>失败：ECONNREFUSED（连接被拒绝）</translation>
    </message>
    <message>
        <location filename="../../app/panels/handshake_panel.py" line="215" />
        <source>active close: this end will hold TIME-WAIT</source>
        <translation>主动关闭：这一端将进入 TIME-WAIT</translation>
    </message>
    <message>
        <location filename="../../app/panels/handshake_panel.py" line="217" />
        <source>EADDRINUSE: the TIME-WAIT connection holds the port</source>
        <translation>EADDRINUSE：处于 TIME-WAIT 的连接仍占用该端口</translation>
    </message>
    <message>
        <location filename="../../app/panels/handshake_panel.py" line="218" />
        <source>allowed: both sockets set SO_REUSEADDR</source>
        <translation>允许：新旧两个套接字都设置了 SO_REUSEADDR</translation>
    </message>
    <message>
        <location filename="../../app/panels/handshake_panel.py" line="219" />
        <source>half-close: FIN, but can still receive</source>
        <translation>半关闭：已发送 FIN，但仍可接收</translation>
    </message>
    <message>
        <location filename="../../app/panels/handshake_panel.py" line="226" />
        <source>loopback capture needs root or CAP_NET_RAW</source>
        <translation>回环接口抓包需要 root 权限或 CAP_NET_RAW</translation>
    </message>
    <message>
        <location filename="../../app/panels/handshake_panel.py" line="228" />
        <source>capture switched off (model only)</source>
        <translation>已关闭抓包（仅模拟）</translation>
    </message>
    <message>
        <location filename="../../app/panels/handshake_panel.py" line="233" />
        <source>Scenario:</source>
        <translation>场景：</translation>
    </message>
    <message>
        <location filename="../../app/panels/handshake_panel.py" line="236" />
        <source>Model only (no capture)</source>
        <translation>仅模拟（不抓包）</translation>
    </message>
    <message>
        <location filename="../../app/panels/handshake_panel.py" line="237" />
        <source>Do not capture; draw the segments the state table predicts</source>
        <translation>不抓包；按状态转换表推算并绘制报文段</translation>
    </message>
    <message>
        <location filename="../../app/panels/handshake_panel.py" line="238" />
        <source>Step</source>
        <translation>单步</translation>
    </message>
    <message>
        <location filename="../../app/panels/handshake_panel.py" line="239" />
        <source>Release the next socket call (Space)</source>
        <translation>放行下一个套接字调用（空格键）</translation>
    </message>
    <message>
        <location filename="../../app/panels/handshake_panel.py" line="240" />
        <source>Run</source>
        <translation>运行</translation>
    </message>
    <message>
        <location filename="../../app/panels/handshake_panel.py" line="241" />
        <source>Pause</source>
        <translation>暂停</translation>
    </message>
    <message>
        <location filename="../../app/panels/handshake_panel.py" line="242" />
        <source>Reset</source>
        <translation>重置</translation>
    </message>
    <message>
        <location filename="../../app/panels/handshake_panel.py" line="243" />
        <source>Speed:</source>
        <translation>速度：</translation>
    </message>
    <message>
        <location filename="../../app/panels/handshake_panel.py" line="244" />
        <source>Absolute seq/ack</source>
        <translation>绝对序列号/确认号</translation>
    </message>
    <message>
        <location filename="../../app/panels/handshake_panel.py" line="245" />
        <source>Show absolute sequence numbers instead of relative ones</source>
        <translation>显示绝对序列号，而不是相对序列号</translation>
    </message>
    <message>
        <location filename="../../app/panels/handshake_panel.py" line="246" />
        <source>Kernel states over time (as the kernel reported them)</source>
        <translation>内核报告的 TCP 状态随时间的变化</translation>
    </message>
    <message>
        <location filename="../../app/panels/handshake_panel.py" line="247" />
        <source>Export pcap…</source>
        <translation>导出 pcap…</translation>
    </message>
    <message>
        <location filename="../../app/panels/handshake_panel.py" line="248" />
        <source>Export PNG…</source>
        <translation>导出 PNG…</translation>
    </message>
    <message>
        <location filename="../../app/panels/handshake_panel.py" line="261" />
        <source>Press Step or Run to open a real TCP connection on 127.0.0.1. Segments are captured on lo when the app has root or CAP_NET_RAW.</source>
        <translation>按“单步”或“运行”，在 127.0.0.1 上建立一条真实的 TCP 连接。程序拥有 root 权限或 CAP_NET_RAW 时，会在 lo 接口上捕获报文段。</translation>
    </message>
    <message>
        <location filename="../../app/panels/handshake_panel.py" line="269" />
        <source>Captured: every arrow is a real segment read off the loopback interface (solid arrows).</source>
        <translation>已捕获：每个箭头都是从回环接口上读到的真实报文段（实线箭头）。</translation>
    </message>
    <message>
        <location filename="../../app/panels/handshake_panel.py" line="276" />
        <source>Capture not available: %1. The arrows are MODELLED from the TCP state table (dashed), not captured; the sockets and the kernel states are still real.</source>
        <translation>无法抓包：%1。箭头是根据 TCP 状态转换表模拟出来的（虚线），并非捕获所得；套接字和内核状态仍然是真实的。</translation>
    </message>
    <message>
        <location filename="../../app/panels/handshake_panel.py" line="285" />
        <source>Highlighted states are the kernel's own (read from %1).</source>
        <translation>高亮的状态来自内核本身（读取自 %1）。</translation>
    </message>
    <message>
        <location filename="../../app/panels/handshake_panel.py" line="292" />
        <source>The kernel's TCP states cannot be read on this platform; the highlighted states come from the model.</source>
        <translation>本平台无法读取内核的 TCP 状态；高亮的状态来自模型。</translation>
    </message>
    <message>
        <location filename="../../app/panels/handshake_panel.py" line="300" />
        <source>Run finished.</source>
        <translation>运行结束。</translation>
    </message>
    <message>
        <location filename="../../app/panels/handshake_panel.py" line="302" />
        <source>Run stopped: %1</source>
        <translation>运行已停止：%1</translation>
    </message>
    <message>
        <location filename="../../app/panels/handshake_panel.py" line="308" />
        <source>Nothing captured: pcap export needs capture</source>
        <translation>没有捕获到任何报文段：导出 pcap 需要抓包</translation>
    </message>
    <message>
        <location filename="../../app/panels/handshake_panel.py" line="312" />
        <source>Client</source>
        <translation>客户端</translation>
    </message>
    <message>
        <location filename="../../app/panels/handshake_panel.py" line="312" />
        <source>Server</source>
        <translation>服务器</translation>
    </message>
    <message>
        <location filename="../../app/panels/handshake_panel.py" line="317" />
        <source>%1 next: %2</source>
        <translation>%1 下一步：%2</translation>
    </message>
    <message>
        <location filename="../../app/panels/handshake_panel.py" line="323" />
        <source>%1 is in %2 (blocked)</source>
        <translation>%1 正在执行 %2（阻塞中）</translation>
    </message>
    <message>
        <location filename="../../app/panels/handshake_panel.py" line="324" />
        <source>%1: —</source>
        <translation>%1：—</translation>
    </message>
    <message>
        <location filename="../../app/panels/handshake_panel.py" line="552" />
        <location filename="../../app/panels/handshake_panel.py" line="557" />
        <source>Export pcap</source>
        <translation>导出 pcap</translation>
    </message>
    <message>
        <location filename="../../app/panels/handshake_panel.py" line="552" />
        <source>pcap files (*.pcap)</source>
        <translation>pcap 文件 (*.pcap)</translation>
    </message>
    <message>
        <location filename="../../app/panels/handshake_panel.py" line="557" />
        <source>%1 captured segments written.</source>
        <translation>已写入 %1 个捕获的报文段。</translation>
    </message>
    <message>
        <location filename="../../app/panels/handshake_panel.py" line="562" />
        <location filename="../../app/panels/handshake_panel.py" line="566" />
        <source>Export PNG</source>
        <translation>导出 PNG</translation>
    </message>
    <message>
        <location filename="../../app/panels/handshake_panel.py" line="562" />
        <source>PNG images (*.png)</source>
        <translation>PNG 图片 (*.png)</translation>
    </message>
    <message>
        <location filename="../../app/panels/handshake_panel.py" line="566" />
        <source>Could not write %1</source>
        <translation>无法写入 %1</translation>
    </message>
    <message>
        <source>Closing the handshake lab</source>
        <translation>关闭握手实验</translation>
    </message>
    <message>
        <source>Starting the handshake lab</source>
        <translation>启动握手实验</translation>
    </message>
    <message>
        <source>client</source>
        <translation>客户端</translation>
    </message>
    <message>
        <source>server</source>
        <translation>服务器</translation>
    </message>
    <message>
        <source>done</source>
        <translation>完成</translation>
    </message>
    <message>
        <source>stopped</source>
        <translation>已停止</translation>
    </message>
    <message>
        <source>failed</source>
        <translation>失败</translation>
    </message>
</context>
<context>
    <name>SegmentDetails</name>
    <message>
        <location filename="../../app/panels/handshake_views.py" line="617" />
        <source>Ethernet (link)</source>
        <translation>以太网（链路层）</translation>
    </message>
    <message>
        <location filename="../../app/panels/handshake_views.py" line="618" />
        <source>IPv4 (network)</source>
        <translation>IPv4（网络层）</translation>
    </message>
    <message>
        <location filename="../../app/panels/handshake_views.py" line="619" />
        <source>TCP (transport)</source>
        <translation>TCP（传输层）</translation>
    </message>
    <message>
        <location filename="../../app/panels/handshake_views.py" line="620" />
        <source>Payload (application)</source>
        <translation>载荷（应用层）</translation>
    </message>
    <message>
        <location filename="../../app/panels/handshake_views.py" line="629" />
        <source>Click an arrow to see the segment's header fields and bytes.</source>
        <translation>点击一个箭头，查看该报文段的首部字段和字节。</translation>
    </message>
    <message>
        <location filename="../../app/panels/handshake_views.py" line="633" />
        <source>client → server</source>
        <translation>客户端 → 服务端</translation>
    </message>
    <message>
        <location filename="../../app/panels/handshake_views.py" line="633" />
        <source>server → client</source>
        <translation>服务端 → 客户端</translation>
    </message>
    <message>
        <location filename="../../app/panels/handshake_views.py" line="635" />
        <source>captured on lo</source>
        <translation>在 lo 接口上捕获</translation>
    </message>
    <message>
        <location filename="../../app/panels/handshake_views.py" line="637" />
        <source>modelled from the state table, not captured</source>
        <translation>根据状态转换表模拟，并非捕获</translation>
    </message>
    <message>
        <location filename="../../app/panels/handshake_views.py" line="640" />
        <source>Direction</source>
        <translation>方向</translation>
    </message>
    <message>
        <location filename="../../app/panels/handshake_views.py" line="641" />
        <source>Source</source>
        <translation>来源</translation>
    </message>
    <message>
        <location filename="../../app/panels/handshake_views.py" line="642" />
        <source>Flags</source>
        <translation>标志位</translation>
    </message>
    <message>
        <location filename="../../app/panels/handshake_views.py" line="644" />
        <source>Sequence number</source>
        <translation>序列号</translation>
    </message>
    <message>
        <location filename="../../app/panels/handshake_views.py" line="645" />
        <location filename="../../app/panels/handshake_views.py" line="651" />
        <source>%1 relative, %2 absolute</source>
        <translation>相对 %1，绝对 %2</translation>
    </message>
    <message>
        <location filename="../../app/panels/handshake_views.py" line="650" />
        <source>Acknowledgement number</source>
        <translation>确认号</translation>
    </message>
    <message>
        <location filename="../../app/panels/handshake_views.py" line="655" />
        <source>Window</source>
        <translation>窗口</translation>
    </message>
    <message>
        <location filename="../../app/panels/handshake_views.py" line="656" />
        <source>Payload length</source>
        <translation>载荷长度</translation>
    </message>
    <message>
        <location filename="../../app/panels/handshake_views.py" line="657" />
        <source>Caused by</source>
        <translation>由此调用产生</translation>
    </message>
    <message>
        <location filename="../../app/panels/handshake_views.py" line="660" />
        <source>Payload</source>
        <translation>载荷</translation>
    </message>
    <message>
        <location filename="../../app/panels/handshake_views.py" line="677" />
        <source>No bytes: this segment was modelled from the state table, not captured.</source>
        <translation>没有字节：该报文段是根据状态转换表模拟的，并非捕获所得。</translation>
    </message>
    <message>
        <source>client</source>
        <translation>客户端</translation>
    </message>
    <message>
        <source>server</source>
        <translation>服务器</translation>
    </message>
    <message>
        <source>listener</source>
        <translation>监听套接字</translation>
    </message>
    <message>
        <source>%1: %2</source>
        <translation>%1：%2</translation>
    </message>
</context>
<context>
    <name>SequenceDiagram</name>
    <message>
        <location filename="../../app/panels/handshake_views.py" line="177" />
        <source>Client</source>
        <translation>客户端</translation>
    </message>
    <message>
        <location filename="../../app/panels/handshake_views.py" line="177" />
        <source>Server</source>
        <translation>服务器</translation>
    </message>
    <message>
        <location filename="../../app/panels/handshake_views.py" line="211" />
        <source>next: %1</source>
        <translation>下一步：%1</translation>
    </message>
    <message>
        <location filename="../../app/panels/handshake_views.py" line="287" />
        <source>modelled, not captured</source>
        <translation>模拟，非捕获</translation>
    </message>
</context>
<context>
    <name>StateMachineView</name>
    <message>
        <location filename="../../app/panels/handshake_views.py" line="354" />
        <source>listen()</source>
        <translation>listen()</translation>
    </message>
    <message>
        <location filename="../../app/panels/handshake_views.py" line="355" />
        <source>connect()</source>
        <translation>connect()</translation>
    </message>
    <message>
        <location filename="../../app/panels/handshake_views.py" line="356" />
        <source>send()</source>
        <translation>send()</translation>
    </message>
    <message>
        <location filename="../../app/panels/handshake_views.py" line="357" />
        <source>close()</source>
        <translation>close()</translation>
    </message>
    <message>
        <location filename="../../app/panels/handshake_views.py" line="358" />
        <source>close() with unread data</source>
        <translation>有未读数据时 close()</translation>
    </message>
    <message>
        <location filename="../../app/panels/handshake_views.py" line="359" />
        <source>rcv SYN</source>
        <translation>收到 SYN</translation>
    </message>
    <message>
        <location filename="../../app/panels/handshake_views.py" line="360" />
        <source>rcv SYN/ACK</source>
        <translation>收到 SYN/ACK</translation>
    </message>
    <message>
        <location filename="../../app/panels/handshake_views.py" line="361" />
        <source>rcv ACK</source>
        <translation>收到 ACK</translation>
    </message>
    <message>
        <location filename="../../app/panels/handshake_views.py" line="362" />
        <source>rcv data</source>
        <translation>收到数据</translation>
    </message>
    <message>
        <location filename="../../app/panels/handshake_views.py" line="363" />
        <source>rcv FIN</source>
        <translation>收到 FIN</translation>
    </message>
    <message>
        <location filename="../../app/panels/handshake_views.py" line="364" />
        <source>rcv FIN/ACK of our FIN</source>
        <translation>收到 FIN/ACK（确认了我方的 FIN）</translation>
    </message>
    <message>
        <location filename="../../app/panels/handshake_views.py" line="365" />
        <source>rcv RST</source>
        <translation>收到 RST</translation>
    </message>
    <message>
        <location filename="../../app/panels/handshake_views.py" line="366" />
        <source>2MSL timeout</source>
        <translation>2MSL 超时</translation>
    </message>
    <message>
        <location filename="../../app/panels/handshake_views.py" line="435" />
        <source>TCP state machine (RFC 9293)</source>
        <translation>TCP 状态机（RFC 9293）</translation>
    </message>
    <message>
        <location filename="../../app/panels/handshake_views.py" line="502" />
        <source>client</source>
        <translation>客户端</translation>
    </message>
    <message>
        <location filename="../../app/panels/handshake_views.py" line="502" />
        <source>server</source>
        <translation>服务器</translation>
    </message>
    <message>
        <source>read from the segments captured on lo</source>
        <translation>根据在 lo 接口上捕获的报文段得出</translation>
    </message>
    <message>
        <source>as the kernel reported it (a state shorter than one poll may be missing)</source>
        <translation>来自内核的报告（持续时间短于一次轮询的状态可能漏掉）</translation>
    </message>
    <message>
        <source>modelled from the state table, not observed</source>
        <translation>根据状态表推演，并非实际观察到</translation>
    </message>
    <message>
        <source>The FINs crossed: each end closed before the other&apos;s FIN came, so both took the CLOSING path.</source>
        <translation>两个 FIN 交叉了：双方都在收到对方的 FIN 之前关闭，所以都走了 CLOSING 路径。</translation>
    </message>
    <message>
        <source>The FINs did not cross this time: one FIN arrived before the other end&apos;s close(), so the kernel took the ordinary path, not the textbook CLOSING path (on loopback the race is rarely won).</source>
        <translation>这次两个 FIN 没有交叉：一个 FIN 在另一端调用 close() 之前就到了，所以内核走的是普通路径，而不是教科书上的 CLOSING 路径（在回环接口上，这场竞争很少能赢）。</translation>
    </message>
</context>
<context>
    <name>StateTimeline</name>
    <message>
        <location filename="../../app/panels/handshake_views.py" line="552" />
        <source>client</source>
        <translation>客户端</translation>
    </message>
    <message>
        <location filename="../../app/panels/handshake_views.py" line="552" />
        <source>server</source>
        <translation>服务器</translation>
    </message>
    <message>
        <location filename="../../app/panels/handshake_views.py" line="552" />
        <source>listener</source>
        <translation>监听套接字</translation>
    </message>
</context>
</TS>
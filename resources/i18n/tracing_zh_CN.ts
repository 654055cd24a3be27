<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="zh_CN">
<context>
    <name>Console</name>
    <message>
        <source>Type a line for the program's stdin, then Enter</source>
        <translation>输入一行发给程序的标准输入（stdin），按回车</translation>
    </message>
    <message>
        <source>Send</source>
        <translation>发送</translation>
    </message>
    <message>
        <source>End stdin</source>
        <translation>结束 stdin</translation>
    </message>
</context>
<context>
    <name>TraceDialog</name>
    <message>
        <source>Trace programs</source>
        <translation>跟踪程序</translation>
    </message>
    <message>
        <source>Example from the lesson:</source>
        <translation>课程中的示例：</translation>
    </message>
    <message>
        <source>Command lines (one program per line, started in order):</source>
        <translation>命令行（每行一个程序，按顺序启动）：</translation>
    </message>
    <message>
        <source>Working directory:</source>
        <translation>工作目录：</translation>
    </message>
    <message>
        <source>Framing for the analysis:</source>
        <translation>分析用的分帧方式：</translation>
    </message>
    <message>
        <source>Browse…</source>
        <translation>浏览…</translation>
    </message>
    <message>
        <source>Section 5: hello / world (two sends, one recv)</source>
        <translation>第五节：hello / world（两次 send，一次 recv）</translation>
    </message>
    <message>
        <source>Section 5: struct length header chat (type in the consoles)</source>
        <translation>第五节：struct 长度头聊天（在控制台中输入）</translation>
    </message>
    <message>
        <source>Section 6: socketserver with two clients</source>
        <translation>第六节：socketserver 与两个客户端</translation>
    </message>
    <message>
        <source>Section 4: TCP chat (type in the consoles)</source>
        <translation>第四节：TCP 聊天（在控制台中输入）</translation>
    </message>
    <message>
        <source>Python programs (python3, python3.8 … or a venv's python) run unmodified: netsim wraps their socket calls. Any other program runs under strace. Programs that never exit (servers) are ended when every program started after them has exited, or by Stop.</source>
        <translation>Python 程序（python3、python3.8 … 或虚拟环境中的 python）无需修改即可运行：netsim 包装它们的 socket 调用。其他程序在 strace 下运行。永不退出的程序（服务端）会在其后启动的所有程序都退出后被结束，或在按下“停止”时结束。</translation>
    </message>
    <message>
        <source>Working directory</source>
        <translation>工作目录</translation>
    </message>
</context>
<context>
    <name>TracingPanel</name>
    <message>
        <source>Your own programs</source>
        <translation>你自己的程序</translation>
    </message>
    <message>
        <source>Your own programs on the ribbon</source>
        <translation>你自己的程序，画在字节带上</translation>
    </message>
    <message>
        <source>Run your socket programs unmodified and see where their send() boundaries fall against the recv() chunks of the program at the other end.</source>
        <translation>无需修改地运行你的 socket 程序，看它们的 send() 边界与另一端程序的 recv() 数据块如何对应。</translation>
    </message>
    <message>
        <source>Trace programs…</source>
        <translation>跟踪程序…</translation>
    </message>
    <message>
        <source>Run (F5)</source>
        <translation>运行 (F5)</translation>
    </message>
    <message>
        <source>Stop (F6)</source>
        <translation>停止 (F6)</translation>
    </message>
    <message>
        <source>Connection:</source>
        <translation>连接：</translation>
    </message>
    <message>
        <source>Calls</source>
        <translation>调用</translation>
    </message>
    <message>
        <source>Program {n}</source>
        <translation>程序 {n}</translation>
    </message>
    <message>
        <source>stopped with Stop</source>
        <translation>已用“停止”结束</translation>
    </message>
    <message>
        <source>no such working directory: {path}</source>
        <translation>工作目录不存在：{path}</translation>
    </message>
    <message>
        <source>Cannot trace</source>
        <translation>无法跟踪</translation>
    </message>
    <message>
        <source>program {n} started ({method}, pid {pid}): {cmd}</source>
        <translation>程序 {n} 已启动（{method}，pid {pid}）：{cmd}</translation>
    </message>
    <message>
        <source>program {n} ended with status {code} {why}</source>
        <translation>程序 {n} 已结束，状态 {code} {why}</translation>
    </message>
    <message>
        <source>client → server</source>
        <translation>客户端 → 服务端</translation>
    </message>
    <message>
        <source>server → client</source>
        <translation>服务端 → 客户端</translation>
    </message>
    <message>
        <source>{addr} (not traced)</source>
        <translation>{addr}（未跟踪）</translation>
    </message>
    <message>
        <source>{n}: {transport} {client} → {server}</source>
        <translation>{n}：{transport} {client} → {server}</translation>
    </message>
    <message>
        <source>No connection traced yet.</source>
        <translation>还没有跟踪到连接。</translation>
    </message>
    <message>
        <source>No bytes in this direction.</source>
        <translation>这个方向没有字节。</translation>
    </message>
    <message>
        <source>Only one end of this connection was traced: the other program's recv() calls are not known.</source>
        <translation>这个连接只跟踪到了一端：另一端程序的 recv() 调用无从得知。</translation>
    </message>
    <message>
        <source>the receiving program got exactly the messages that were sent</source>
        <translation>接收程序得到的消息与发送的完全一致</translation>
    </message>
    <message>
        <source>the receiving program did NOT get the messages that were sent</source>
        <translation>接收程序得到的消息与发送的不一致</translation>
    </message>
    <message>
        <source>merged chunks {m} · split sends {s} · app messages {a} of {i}: {verdict}</source>
        <translation>合并的数据块 {m} · 被拆开的发送 {s} · 应用消息 {a} / {i}：{verdict}</translation>
    </message>
    <message>
        <source>Running {n} program(s)… Stop ends them all.</source>
        <translation>正在运行 {n} 个程序… 按“停止”全部结束。</translation>
    </message>
    <message>
        <source>Showing the trace {path}</source>
        <translation>正在显示记录文件 {path}</translation>
    </message>
    <message>
        <source>Finished.</source>
        <translation>已结束。</translation>
    </message>
    <message>
        <source>Choose the programs to trace with “Trace programs…”.</source>
        <translation>用“跟踪程序…”选择要跟踪的程序。</translation>
    </message>
    <message>
        <source>Cannot save</source>
        <translation>无法保存</translation>
    </message>
    <message>
        <source>Cannot open</source>
        <translation>无法打开</translation>
    </message>
    <message>
        <source>Closing the traced programs</source>
        <translation>关闭被跟踪的程序</translation>
    </message>
    <message>
        <source>send()</source>
        <translation>send()</translation>
    </message>
    <message>
        <source>recv()</source>
        <translation>recv()</translation>
    </message>
    <message>
        <source>app gets</source>
        <translation>应用收到</translation>
    </message>
    <message>
        <source>client</source>
        <translation>客户端</translation>
    </message>
    <message>
        <source>server</source>
        <translation>服务端</translation>
    </message>
    <message>
        <source>wire</source>
        <translation>线路</translation>
    </message>
</context>
</TS>

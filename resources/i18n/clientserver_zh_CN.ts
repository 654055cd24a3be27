<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="zh_CN">
<context>
    <name>ClientServerPanel</name>
        <message>
            <location filename="../../app/lessons/clientserver/panel.py" line="0" />
            <source>C/S and B/S</source>
            <translation>C/S 与 B/S</translation>
        </message>
        <message>
            <location filename="../../app/lessons/clientserver/panel.py" line="0" />
            <source>C/S client</source>
            <translation>C/S 客户端</translation>
        </message>
        <message>
            <location filename="../../app/lessons/clientserver/panel.py" line="0" />
            <source>browser (B/S)</source>
            <translation>浏览器（B/S）</translation>
        </message>
        <message>
            <location filename="../../app/lessons/clientserver/panel.py" line="0" />
            <source>another client</source>
            <translation>其他客户端</translation>
        </message>
        <message>
            <location filename="../../app/lessons/clientserver/panel.py" line="0" />
            <source>C/S and B/S — one service, two kinds of client</source>
            <translation>C/S 与 B/S —— 同一个服务，两种客户端</translation>
        </message>
        <message>
            <location filename="../../app/lessons/clientserver/panel.py" line="0" />
            <source>C/S: a client program you install talks to its server. B/S: the browser is the client; it speaks HTTP to a web server, nothing to install. Below, one small HTTP server on this machine is reached both ways. HTTP separates its messages with the two cures for sticky packets (黏包): the head ends at {crlf2} (a delimiter), the body is Content-Length bytes (a length).</source>
            <translation>C/S：先安装客户端程序，由它和自己的服务器通信。B/S：浏览器就是客户端，通过 HTTP 向 Web 服务器请求资源，无需安装。下面本机上的一个小 HTTP 服务器被这两种方式访问。HTTP 用讲义中解决黏包的两种办法分隔消息：首部以 {crlf2} 结束（分隔符），消息体是 Content-Length 个字节（长度）。</translation>
        </message>
        <message>
            <location filename="../../app/lessons/clientserver/panel.py" line="0" />
            <source>Port:</source>
            <translation>端口：</translation>
        </message>
        <message>
            <location filename="../../app/lessons/clientserver/panel.py" line="0" />
            <source>any free port</source>
            <translation>任意空闲端口</translation>
        </message>
        <message>
            <location filename="../../app/lessons/clientserver/panel.py" line="0" />
            <source>Run the C/S client</source>
            <translation>运行 C/S 客户端</translation>
        </message>
        <message>
            <location filename="../../app/lessons/clientserver/panel.py" line="0" />
            <source>Open in browser</source>
            <translation>在浏览器中打开</translation>
        </message>
        <message>
            <location filename="../../app/lessons/clientserver/panel.py" line="0" />
            <source>Headless Chromium</source>
            <translation>无界面 Chromium</translation>
        </message>
        <message>
            <location filename="../../app/lessons/clientserver/panel.py" line="0" />
            <source>Connection</source>
            <translation>连接</translation>
        </message>
        <message>
            <location filename="../../app/lessons/clientserver/panel.py" line="0" />
            <source>Client</source>
            <translation>客户端</translation>
        </message>
        <message>
            <location filename="../../app/lessons/clientserver/panel.py" line="0" />
            <source>Requests</source>
            <translation>请求数</translation>
        </message>
        <message>
            <location filename="../../app/lessons/clientserver/panel.py" line="0" />
            <source>State</source>
            <translation>状态</translation>
        </message>
        <message>
            <location filename="../../app/lessons/clientserver/panel.py" line="0" />
            <source>head</source>
            <translation>首部</translation>
        </message>
        <message>
            <location filename="../../app/lessons/clientserver/panel.py" line="0" />
            <source>{crlf2}: end of head (delimiter)</source>
            <translation>{crlf2}：首部结束（分隔符）</translation>
        </message>
        <message>
            <location filename="../../app/lessons/clientserver/panel.py" line="0" />
            <source>body: Content-Length bytes (length)</source>
            <translation>消息体：Content-Length 个字节（长度）</translation>
        </message>
        <message>
            <location filename="../../app/lessons/clientserver/panel.py" line="0" />
            <source>a recv() chunk ends here</source>
            <translation>一次 recv() 到此为止</translation>
        </message>
        <message>
            <location filename="../../app/lessons/clientserver/panel.py" line="0" />
            <source>student</source>
            <translation>学生</translation>
        </message>
        <message>
            <location filename="../../app/lessons/clientserver/panel.py" line="0" />
            <source>Headless Chromium is loading {url} …</source>
            <translation>无界面 Chromium 正在加载 {url} ……</translation>
        </message>
        <message>
            <location filename="../../app/lessons/clientserver/panel.py" line="0" />
            <source>Headless Chromium rendered the page; the greeting is on it.</source>
            <translation>无界面 Chromium 已渲染页面，页面上有问候语。</translation>
        </message>
        <message>
            <location filename="../../app/lessons/clientserver/panel.py" line="0" />
            <source>Headless Chromium rendered the page, but without the greeting.</source>
            <translation>无界面 Chromium 已渲染页面，但页面上没有问候语。</translation>
        </message>
        <message>
            <location filename="../../app/lessons/clientserver/panel.py" line="0" />
            <source>Headless Chromium failed: {reason}</source>
            <translation>无界面 Chromium 失败：{reason}</translation>
        </message>
        <message>
            <location filename="../../app/lessons/clientserver/panel.py" line="0" />
            <source>Stop server</source>
            <translation>停止服务器</translation>
        </message>
        <message>
            <location filename="../../app/lessons/clientserver/panel.py" line="0" />
            <source>Start server</source>
            <translation>启动服务器</translation>
        </message>
        <message>
            <location filename="../../app/lessons/clientserver/panel.py" line="0" />
            <source>No Chromium-family browser is installed (apt-get install chromium).</source>
            <translation>没有安装 Chromium 系列浏览器（apt-get install chromium）。</translation>
        </message>
        <message>
            <location filename="../../app/lessons/clientserver/panel.py" line="0" />
            <source>starting…</source>
            <translation>正在启动……</translation>
        </message>
        <message>
            <location filename="../../app/lessons/clientserver/panel.py" line="0" />
            <source>server stopped</source>
            <translation>服务器已停止</translation>
        </message>
        <message>
            <location filename="../../app/lessons/clientserver/panel.py" line="0" />
            <source>closed</source>
            <translation>已关闭</translation>
        </message>
        <message>
            <location filename="../../app/lessons/clientserver/panel.py" line="0" />
            <source>open</source>
            <translation>打开中</translation>
        </message>
        <message>
            <location filename="../../app/lessons/clientserver/panel.py" line="0" />
            <source>(no request yet)</source>
            <translation>（尚无请求）</translation>
        </message>
        <message>
            <location filename="../../app/lessons/clientserver/panel.py" line="0" />
            <source>Error: {e}</source>
            <translation>错误：{e}</translation>
        </message>
        <message>
            <location filename="../../app/lessons/clientserver/panel.py" line="0" />
            <source>Serving {url}: {cs} C/S and {bs} B/S connection(s) so far.</source>
            <translation>正在服务 {url}：目前有 {cs} 个 C/S 连接和 {bs} 个 B/S 连接。</translation>
        </message>
        <message>
            <location filename="../../app/lessons/clientserver/panel.py" line="0" />
            <source>The oldest events were dropped to bound memory.</source>
            <translation>为限制内存，最早的事件已丢弃。</translation>
        </message>
        <message>
            <location filename="../../app/lessons/clientserver/panel.py" line="0" />
            <source>The server’s recv() chunks: {c}</source>
            <translation>服务器每次 recv() 收到的字节：{c}</translation>
        </message>
        <message>
            <location filename="../../app/lessons/clientserver/panel.py" line="0" />
            <source>黏包: one recv() ({a}–{b}) held {n} requests; HTTP's framing took them apart.</source>
            <translation>黏包：一次 recv()（{a}–{b}）收到了 {n} 个请求；HTTP 的分帧把它们分开了。</translation>
        </message>
        <message>
            <location filename="../../app/lessons/clientserver/panel.py" line="0" />
            <source>The C/S client’s recv() chunks: {c}</source>
            <translation>C/S 客户端每次 recv() 收到的字节：{c}</translation>
        </message>
        <message>
            <location filename="../../app/lessons/clientserver/panel.py" line="0" />
            <source>Refused with {status}: {reason}</source>
            <translation>以 {status} 拒绝：{reason}</translation>
        </message>
        <message>
            <location filename="../../app/lessons/clientserver/panel.py" line="0" />
            <source>request {i}</source>
            <translation>请求 {i}</translation>
        </message>
        <message>
            <location filename="../../app/lessons/clientserver/panel.py" line="0" />
            <source>response {i}</source>
            <translation>响应 {i}</translation>
        </message>
        <message>
            <location filename="../../app/lessons/clientserver/panel.py" line="0" />
            <source>bytes {a}–{b}: head {a}–{d}, {crlf2} at {d}–{h}, body {h}–{b} = Content-Length {n}</source>
            <translation>字节 {a}–{b}：首部 {a}–{d}，{crlf2} 在 {d}–{h}，消息体 {h}–{b} = Content-Length {n}</translation>
        </message>
        <message>
            <location filename="../../app/lessons/clientserver/panel.py" line="0" />
            <source>bytes {a}–{b}: head {a}–{d}, {crlf2} at {d}–{h}, no body (Content-Length 0 or none)</source>
            <translation>字节 {a}–{b}：首部 {a}–{d}，{crlf2} 在 {d}–{h}，没有消息体（Content-Length 为 0 或没有）</translation>
        </message>
        <message>
            <location filename="../../app/lessons/clientserver/panel.py" line="0" />
            <source>… {n} more bytes</source>
            <translation>…… 另有 {n} 字节</translation>
        </message>
        <message>
            <location filename="../../app/lessons/clientserver/panel.py" line="0" />
            <source>recv() ends</source>
            <translation>recv() 到此</translation>
        </message>
    <message>
        <source>Stopping the server</source>
        <translation>停止服务器</translation>
    </message>
</context>
</TS>

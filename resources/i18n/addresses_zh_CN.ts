<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="zh_CN">
    <context>
        <name>AddressesPanel</name>
        <message>
            <location filename="../../app/panels/addresses_panel.py" line="359" />
            <source>Addresses, ports and layers</source>
            <translation>地址、端口与分层</translation>
        </message>
        <message>
            <location filename="../../app/panels/addresses_panel.py" line="363" />
            <source>loopback</source>
            <translation>回环地址</translation>
        </message>
        <message>
            <location filename="../../app/panels/addresses_panel.py" line="364" />
            <source>private</source>
            <translation>私有地址</translation>
        </message>
        <message>
            <location filename="../../app/panels/addresses_panel.py" line="365" />
            <source>link-local</source>
            <translation>链路本地地址</translation>
        </message>
        <message>
            <location filename="../../app/panels/addresses_panel.py" line="366" />
            <source>all interfaces (unspecified)</source>
            <translation>全部网卡（未指定地址）</translation>
        </message>
        <message>
            <location filename="../../app/panels/addresses_panel.py" line="367" />
            <source>multicast</source>
            <translation>组播地址</translation>
        </message>
        <message>
            <location filename="../../app/panels/addresses_panel.py" line="368" />
            <source>broadcast</source>
            <translation>广播地址</translation>
        </message>
        <message>
            <location filename="../../app/panels/addresses_panel.py" line="369" />
            <source>shared (carrier NAT)</source>
            <translation>共享地址（运营商 NAT）</translation>
        </message>
        <message>
            <location filename="../../app/panels/addresses_panel.py" line="370" />
            <source>documentation</source>
            <translation>文档示例地址</translation>
        </message>
        <message>
            <location filename="../../app/panels/addresses_panel.py" line="371" />
            <source>reserved</source>
            <translation>保留地址</translation>
        </message>
        <message>
            <location filename="../../app/panels/addresses_panel.py" line="372" />
            <source>IPv4-mapped</source>
            <translation>IPv4 映射地址</translation>
        </message>
        <message>
            <location filename="../../app/panels/addresses_panel.py" line="373" />
            <source>public (global)</source>
            <translation>公网地址（全球单播）</translation>
        </message>
        <message>
            <location filename="../../app/panels/addresses_panel.py" line="381" />
            <source>{addr} is a loopback address ({block}): it never leaves this machine; a program reaches another program on the same computer.</source>
            <translation>{addr} 是回环地址（{block}）：数据不会离开本机，一个程序用它找到同一台电脑上的另一个程序。</translation>
        </message>
        <message>
            <location filename="../../app/panels/addresses_panel.py" line="385" />
            <source>{addr} is a private address ({block}): it works inside a LAN, a router's NAT stands between it and the Internet.</source>
            <translation>{addr} 是私有地址（{block}）：只在局域网内使用，它和互联网之间隔着路由器的 NAT（地址转换）。</translation>
        </message>
        <message>
            <location filename="../../app/panels/addresses_panel.py" line="389" />
            <source>{addr} is a link-local address ({block}): it is valid only on one link (one switch or cable) and routers do not forward it.</source>
            <translation>{addr} 是链路本地地址（{block}）：只在同一条链路（同一台交换机或同一根网线）上有效，路由器不会转发它。</translation>
        </message>
        <message>
            <location filename="../../app/panels/addresses_panel.py" line="393" />
            <source>{addr} means "all interfaces": not a destination; a server bound to it accepts connections on every address of this machine.</source>
            <translation>{addr} 表示“全部网卡”（全网段地址）：它不是通信目标；服务器绑定它，就在本机的每个地址上接受连接。</translation>
        </message>
        <message>
            <location filename="../../app/panels/addresses_panel.py" line="397" />
            <source>{addr} is a multicast address ({block}): one packet reaches every member of a group.</source>
            <translation>{addr} 是组播地址（{block}）：一个数据包送达组内的每个成员。</translation>
        </message>
        <message>
            <location filename="../../app/panels/addresses_panel.py" line="400" />
            <source>{addr} is the broadcast address: one packet reaches every machine on the local network.</source>
            <translation>{addr} 是广播地址：一个数据包送达本地网络中的每台机器。</translation>
        </message>
        <message>
            <location filename="../../app/panels/addresses_panel.py" line="403" />
            <source>{addr} is in the carrier-grade NAT block ({block}): an ISP uses it between its customers and the Internet.</source>
            <translation>{addr} 属于运营商级 NAT 的共享地址块（{block}）：运营商在用户和互联网之间使用它。</translation>
        </message>
        <message>
            <location filename="../../app/panels/addresses_panel.py" line="407" />
            <source>{addr} is a documentation address ({block}): reserved for examples, never routed on the Internet.</source>
            <translation>{addr} 是文档示例地址（{block}）：专供书籍和文档举例使用，互联网上不会路由它。</translation>
        </message>
        <message>
            <location filename="../../app/panels/addresses_panel.py" line="410" />
            <source>{addr} is a reserved address ({block}): not used by ordinary hosts.</source>
            <translation>{addr} 是保留地址（{block}）：普通主机不使用它。</translation>
        </message>
        <message>
            <location filename="../../app/panels/addresses_panel.py" line="412" />
            <source>{addr} is an IPv4 address written as IPv6 ({block}), as dual-stack sockets show it.</source>
            <translation>{addr} 是写成 IPv6 形式的 IPv4 地址（{block}），双栈套接字会这样显示它。</translation>
        </message>
        <message>
            <location filename="../../app/panels/addresses_panel.py" line="415" />
            <source>{addr} is a public (global) address: routable on the Internet and unique worldwide.</source>
            <translation>{addr} 是公网地址：可以在互联网上路由，全球唯一。</translation>
        </message>
        <message>
            <location filename="../../app/panels/addresses_panel.py" line="420" />
            <source>IPv6: {sentence}</source>
            <translation>IPv6：{sentence}</translation>
        </message>
        <message>
            <location filename="../../app/panels/addresses_panel.py" line="425" />
            <source>Its network is {network} (netmask {netmask}).</source>
            <translation>它所在的网段是 {network}（子网掩码 {netmask}）。</translation>
        </message>
        <message>
            <location filename="../../app/panels/addresses_panel.py" line="445" />
            <source>{port} is a well-known port (0–1023).</source>
            <translation>{port} 是知名端口（0–1023）。</translation>
        </message>
        <message>
            <location filename="../../app/panels/addresses_panel.py" line="446" />
            <source>{port} is a registered port (1024–49151).</source>
            <translation>{port} 是注册端口（1024–49151）。</translation>
        </message>
        <message>
            <location filename="../../app/panels/addresses_panel.py" line="447" />
            <source>{port} is a dynamic / private port (49152–65535).</source>
            <translation>{port} 是动态/私有端口（49152–65535）。</translation>
        </message>
        <message>
            <location filename="../../app/panels/addresses_panel.py" line="451" />
            <source>bind() to port 0 asks the operating system to choose a free port.</source>
            <translation>bind() 到 0 号端口，表示请操作系统挑一个空闲端口。</translation>
        </message>
        <message>
            <location filename="../../app/panels/addresses_panel.py" line="454" />
            <source>Binding it needs root here (ports below {start} are privileged).</source>
            <translation>在本机绑定它需要 root 权限（{start} 以下的端口是特权端口）。</translation>
        </message>
        <message>
            <location filename="../../app/panels/addresses_panel.py" line="460" />
            <source>This machine lets any program bind it (privileged ports end below {start}).</source>
            <translation>本机允许任何程序绑定它（特权端口只到 {start} 以下）。</translation>
        </message>
        <message>
            <location filename="../../app/panels/addresses_panel.py" line="468" />
            <source>It lies in this machine's ephemeral range {lo}–{hi}, where client ports are picked: a server may find it taken.</source>
            <translation>它位于本机的临时端口范围 {lo}–{hi}，客户端的端口从这里挑选：服务器可能发现它已被占用。</translation>
        </message>
        <message>
            <location filename="../../app/panels/addresses_panel.py" line="473" />
            <source>A good port for your own server (the lesson: ports from 8000 up).</source>
            <translation>适合给你自己的服务器用（讲义：惯用的端口号在 8000 之后）。</translation>
        </message>
        <message>
            <location filename="../../app/panels/addresses_panel.py" line="476" />
            <source>Known service: {name}.</source>
            <translation>已知服务：{name}。</translation>
        </message>
        <message>
            <location filename="../../app/panels/addresses_panel.py" line="481" />
            <source>Listening now: {who}.</source>
            <translation>正在监听：{who}。</translation>
        </message>
        <message>
            <location filename="../../app/panels/addresses_panel.py" line="483" />
            <source>Nobody listens on it now.</source>
            <translation>目前没有程序在这个端口上监听。</translation>
        </message>
        <message>
            <location filename="../../app/panels/addresses_panel.py" line="489" />
            <source>{transport} {endpoint} ({process}, pid {pid})</source>
            <translation>{transport} {endpoint}（{process}，pid {pid}）</translation>
        </message>
        <message>
            <location filename="../../app/panels/addresses_panel.py" line="495" />
            <source>data link layer</source>
            <translation>数据链路层</translation>
        </message>
        <message>
            <location filename="../../app/panels/addresses_panel.py" line="496" />
            <source>network layer</source>
            <translation>网络层</translation>
        </message>
        <message>
            <location filename="../../app/panels/addresses_panel.py" line="497" />
            <location filename="../../app/panels/addresses_panel.py" line="503" />
            <source>transport layer</source>
            <translation>传输层</translation>
        </message>
        <message>
            <location filename="../../app/panels/addresses_panel.py" line="498" />
            <source>session / presentation / application</source>
            <translation>会话层 / 表示层 / 应用层</translation>
        </message>
        <message>
            <location filename="../../app/panels/addresses_panel.py" line="501" />
            <source>link layer</source>
            <translation>网络接口层</translation>
        </message>
        <message>
            <location filename="../../app/panels/addresses_panel.py" line="502" />
            <source>internet layer</source>
            <translation>网际层</translation>
        </message>
        <message>
            <location filename="../../app/panels/addresses_panel.py" line="504" />
            <source>application layer</source>
            <translation>应用层</translation>
        </message>
        <message>
            <location filename="../../app/panels/addresses_panel.py" line="507" />
            <source>dst MAC</source>
            <translation>目的 MAC</translation>
        </message>
        <message>
            <location filename="../../app/panels/addresses_panel.py" line="508" />
            <source>src MAC</source>
            <translation>源 MAC</translation>
        </message>
        <message>
            <location filename="../../app/panels/addresses_panel.py" line="509" />
            <source>type</source>
            <translation>类型</translation>
        </message>
        <message>
            <location filename="../../app/panels/addresses_panel.py" line="510" />
            <source>src</source>
            <translation>源地址</translation>
        </message>
        <message>
            <location filename="../../app/panels/addresses_panel.py" line="511" />
            <source>dst</source>
            <translation>目的地址</translation>
        </message>
        <message>
            <location filename="../../app/panels/addresses_panel.py" line="513" />
            <source>protocol</source>
            <translation>协议</translation>
        </message>
        <message>
            <location filename="../../app/panels/addresses_panel.py" line="514" />
            <source>total length</source>
            <translation>总长度</translation>
        </message>
        <message>
            <location filename="../../app/panels/addresses_panel.py" line="516" />
            <source>flags</source>
            <translation>标志</translation>
        </message>
        <message>
            <location filename="../../app/panels/addresses_panel.py" line="517" />
            <source>checksum</source>
            <translation>校验和</translation>
        </message>
        <message>
            <location filename="../../app/panels/addresses_panel.py" line="518" />
            <source>src port</source>
            <translation>源端口</translation>
        </message>
        <message>
            <location filename="../../app/panels/addresses_panel.py" line="519" />
            <source>dst port</source>
            <translation>目的端口</translation>
        </message>
        <message>
            <location filename="../../app/panels/addresses_panel.py" line="522" />
            <source>window</source>
            <translation>窗口</translation>
        </message>
        <message>
            <location filename="../../app/panels/addresses_panel.py" line="523" />
            <source>header</source>
            <translation>首部</translation>
        </message>
        <message>
            <location filename="../../app/panels/addresses_panel.py" line="524" />
            <source>length</source>
            <translation>长度</translation>
        </message>
        <message>
            <location filename="../../app/panels/addresses_panel.py" line="525" />
            <source>text</source>
            <translation>文本</translation>
        </message>
        <message>
            <location filename="../../app/panels/addresses_panel.py" line="529" />
            <source>Application data</source>
            <translation>应用数据</translation>
        </message>
        <message>
            <location filename="../../app/panels/addresses_panel.py" line="531" />
            <source>data: {n} bytes</source>
            <translation>数据：{n} 字节</translation>
        </message>
        <message>
            <location filename="../../app/panels/addresses_panel.py" line="533" />
            <source>header: {n} bytes</source>
            <translation>首部：{n} 字节</translation>
        </message>
        <message>
            <location filename="../../app/panels/addresses_panel.py" line="543" />
            <source>OSI {n}: {name}</source>
            <translation>OSI 第 {n} 层：{name}</translation>
        </message>
        <message>
            <location filename="../../app/panels/addresses_panel.py" line="546" />
            <source>TCP/IP: {name}</source>
            <translation>TCP/IP：{name}</translation>
        </message>
        <message>
            <location filename="../../app/panels/addresses_panel.py" line="556" />
            <source>Addresses, ports and layers — on this machine's real data</source>
            <translation>地址、端口与分层 —— 用本机的真实数据</translation>
        </message>
        <message>
            <location filename="../../app/panels/addresses_panel.py" line="559" />
            <source>C/S (client/server): you install a client program that talks to its server. B/S (browser/server): the browser is the client and speaks HTTP to a web server. Either way the client finds the server by IP address and port.</source>
            <translation>C/S 架构（客户端/服务器）：先安装客户端程序，由它和服务器通信。B/S 架构（浏览器/服务器）：浏览器就是客户端，通过 HTTP 向 Web 服务器请求资源。两种架构中，客户端都靠 IP 地址和端口找到服务器。</translation>
        </message>
        <message>
            <location filename="../../app/panels/addresses_panel.py" line="564" />
            <source>This machine</source>
            <translation>本机</translation>
        </message>
        <message>
            <location filename="../../app/panels/addresses_panel.py" line="567" />
            <source>A network card (NIC) has a MAC address from the factory. A switch connects the machines of one LAN; a router (the gateway) connects LANs. ARP finds the MAC address for an IP address.</source>
            <translation>网卡出厂时就分配了一个 MAC 地址。交换机负责局域网内多台机器之间的通信；路由器（网关）负责多个局域网之间的通信。ARP 协议通过 IP 地址获取 MAC 地址。</translation>
        </message>
        <message>
            <location filename="../../app/panels/addresses_panel.py" line="573" />
            <source>Network card</source>
            <translation>网卡</translation>
        </message>
        <message>
            <location filename="../../app/panels/addresses_panel.py" line="574" />
            <source>State</source>
            <translation>状态</translation>
        </message>
        <message>
            <location filename="../../app/panels/addresses_panel.py" line="575" />
            <source>MAC address</source>
            <translation>MAC 地址</translation>
        </message>
        <message>
            <location filename="../../app/panels/addresses_panel.py" line="576" />
            <source>IP address / prefix</source>
            <translation>IP 地址 / 前缀</translation>
        </message>
        <message>
            <location filename="../../app/panels/addresses_panel.py" line="577" />
            <source>Kind</source>
            <translation>类型</translation>
        </message>
        <message>
            <location filename="../../app/panels/addresses_panel.py" line="580" />
            <source>Refresh</source>
            <translation>刷新</translation>
        </message>
        <message>
            <location filename="../../app/panels/addresses_panel.py" line="581" />
            <source>every 3 s</source>
            <translation>每 3 秒</translation>
        </message>
        <message>
            <location filename="../../app/panels/addresses_panel.py" line="582" />
            <source>Addresses and ports</source>
            <translation>地址与端口</translation>
        </message>
        <message>
            <location filename="../../app/panels/addresses_panel.py" line="583" />
            <source>Address:</source>
            <translation>地址：</translation>
        </message>
        <message>
            <location filename="../../app/panels/addresses_panel.py" line="584" />
            <source>e.g. 192.168.16.67, 127.0.0.1, ::1, 10.0.0.1/8</source>
            <translation>例如 192.168.16.67、127.0.0.1、::1、10.0.0.1/8</translation>
        </message>
        <message>
            <location filename="../../app/panels/addresses_panel.py" line="585" />
            <source>Classify</source>
            <translation>判断类型</translation>
        </message>
        <message>
            <location filename="../../app/panels/addresses_panel.py" line="586" />
            <source>Port:</source>
            <translation>端口：</translation>
        </message>
        <message>
            <location filename="../../app/panels/addresses_panel.py" line="587" />
            <source>Explain</source>
            <translation>解释</translation>
        </message>
        <message>
            <location filename="../../app/panels/addresses_panel.py" line="588" />
            <source>Listening now on this machine:</source>
            <translation>本机正在监听的套接字：</translation>
        </message>
        <message>
            <location filename="../../app/panels/addresses_panel.py" line="590" />
            <source>Protocol</source>
            <translation>协议</translation>
        </message>
        <message>
            <location filename="../../app/panels/addresses_panel.py" line="590" />
            <source>Local address</source>
            <translation>本地地址</translation>
        </message>
        <message>
            <location filename="../../app/panels/addresses_panel.py" line="590" />
            <source>Port</source>
            <translation>端口</translation>
        </message>
        <message>
            <location filename="../../app/panels/addresses_panel.py" line="590" />
            <source>Process (pid)</source>
            <translation>进程（pid）</translation>
        </message>
        <message>
            <location filename="../../app/panels/addresses_panel.py" line="592" />
            <source>Layers: encapsulation on real bytes</source>
            <translation>分层：在真实字节上看封装</translation>
        </message>
        <message>
            <location filename="../../app/panels/addresses_panel.py" line="593" />
            <source>Message:</source>
            <translation>消息：</translation>
        </message>
        <message>
            <location filename="../../app/panels/addresses_panel.py" line="596" />
            <source>Sending wraps the message layer by layer (encapsulation): each layer puts its header in front. The receiver takes them off in reverse order. Here: a loopback frame, 127.0.0.1 to 127.0.0.1, port {src} → {dst}, MAC addresses all zero as on lo.</source>
            <translation>发送时消息被逐层包装（封装）：每一层在前面加上自己的首部；接收方按相反的顺序逐层拆开（解封装）。这里是一个回环帧：127.0.0.1 发往 127.0.0.1，端口 {src} → {dst}，MAC 地址像 lo 网卡上一样全为零。</translation>
        </message>
        <message>
            <location filename="../../app/panels/addresses_panel.py" line="669" />
            <source>✔ up</source>
            <translation>✔ 启用</translation>
        </message>
        <message>
            <location filename="../../app/panels/addresses_panel.py" line="669" />
            <source>✘ down</source>
            <translation>✘ 未启用</translation>
        </message>
        <message>
            <location filename="../../app/panels/addresses_panel.py" line="670" />
            <source>(loopback)</source>
            <translation>（回环）</translation>
        </message>
        <message>
            <location filename="../../app/panels/addresses_panel.py" line="687" />
            <source>Default gateway (IPv{v}):</source>
            <translation>默认网关（IPv{v}）：</translation>
        </message>
        <message>
            <location filename="../../app/panels/addresses_panel.py" line="689" />
            <source>unknown (no default route could be read)</source>
            <translation>未知（读不到默认路由）</translation>
        </message>
        <message>
            <location filename="../../app/panels/addresses_panel.py" line="692" />
            <source>{addr} via {iface}</source>
            <translation>{addr}，经由 {iface}</translation>
        </message>
        <message>
            <location filename="../../app/panels/addresses_panel.py" line="694" />
            <source>its MAC {mac}, learnt by ARP</source>
            <translation>它的 MAC 地址 {mac} 由 ARP 获得</translation>
        </message>
        <message>
            <location filename="../../app/panels/addresses_panel.py" line="722" />
            <source>“{text}” is not an IP address: IPv4 is four numbers 0–255 separated by dots, IPv6 eight groups of hex digits separated by colons.</source>
            <translation>“{text}” 不是 IP 地址：IPv4 由 4 个点分十进制数（0–255）组成，IPv6 由 8 组以冒号分隔的十六进制数组成。</translation>
        </message>
        <message>
            <location filename="../../app/panels/addresses_panel.py" line="744" />
            <source>hidden</source>
            <translation>不可见</translation>
        </message>
        <message>
            <location filename="../../app/panels/addresses_panel.py" line="757" />
            <source>Access denied: only the sockets of our own processes are listed.</source>
            <translation>权限不足：只列出本用户进程的套接字。</translation>
        </message>
        <message>
            <location filename="../../app/panels/addresses_panel.py" line="762" />
            <source>Sockets: {n}; some owners are hidden (other users' or other containers' processes).</source>
            <translation>套接字：{n} 个；部分所属进程不可见（其他用户或其他容器的进程）。</translation>
        </message>
        <message>
            <location filename="../../app/panels/addresses_panel.py" line="766" />
            <source>Sockets: {n}.</source>
            <translation>套接字：{n} 个。</translation>
        </message>
        <message>
            <location filename="../../app/panels/addresses_panel.py" line="785" />
            <source>Frame: {sizes} = {total} bytes</source>
            <translation>帧：{sizes} = {total} 字节</translation>
        </message>
        <message>
            <location filename="../../app/panels/addresses_panel.py" line="805" />
            <source>… {n} more bytes</source>
            <translation>…… 另有 {n} 字节</translation>
        </message>
    <message>
        <source>Reading the listening sockets</source>
        <translation>读取正在监听的套接字</translation>
    </message>
    <message>
        <source>Reading the listening sockets failed: {e}</source>
        <translation>读取正在监听的套接字失败：{e}</translation>
    </message>
    <message>
        <source>Reading this machine</source>
        <translation>读取本机信息</translation>
    </message>
    <message>
        <source>Reading this machine failed: {e}</source>
        <translation>读取本机信息失败：{e}</translation>
    </message>
    <message>
        <source>reading…</source>
        <translation>读取中…</translation>
    </message>
        <message>
            <location filename="../../app/lessons/addresses/panel.py" line="0" />
            <source>The lesson and RFC 1918 both call it the {bits}-bit block ({name}).</source>
            <translation>讲义和 RFC 1918 都称它为{name}。</translation>
        </message>
        <message>
            <location filename="../../app/lessons/addresses/panel.py" line="0" />
            <source>The lesson calls it the {lesson_bits}-bit block ({name}); RFC 1918 names the blocks by their host bits and calls it the {rfc_bits}-bit block.</source>
            <translation>讲义称它为{name}；RFC 1918 按主机位数给地址块命名，称它为 {rfc_bits} 位块。</translation>
        </message>
        <message>
            <location filename="../../app/lessons/addresses/panel.py" line="0" />
            <source>Layers (encapsulation)</source>
            <translation>分层（封装）</translation>
        </message>
        <message>
            <location filename="../../app/lessons/addresses/panel.py" line="0" />
            <source>Domain names</source>
            <translation>域名</translation>
        </message>
        <message>
            <location filename="../../app/lessons/addresses/panel.py" line="0" />
            <source>A domain name corresponds to an IP address: resolving the name gives the address. getaddrinfo() asks the sources on the hosts: line of /etc/nsswitch.conf in order, usually the file /etc/hosts first, then the resolver (the DNS name servers in /etc/resolv.conf). A records carry IPv4 addresses, AAAA records IPv6.</source>
            <translation>域名和 IP 地址有对应关系：解析域名就得到 IP 地址。getaddrinfo() 按 /etc/nsswitch.conf 中 hosts: 一行的顺序查询各个来源，通常先查 /etc/hosts 文件，再问解析器（/etc/resolv.conf 中的 DNS 服务器）。A 记录给出 IPv4 地址，AAAA 记录给出 IPv6 地址。</translation>
        </message>
        <message>
            <location filename="../../app/lessons/addresses/panel.py" line="0" />
            <source>Name:</source>
            <translation>域名：</translation>
        </message>
        <message>
            <location filename="../../app/lessons/addresses/panel.py" line="0" />
            <source>e.g. localhost, or a name from /etc/hosts</source>
            <translation>例如 localhost，或 /etc/hosts 中的名字</translation>
        </message>
        <message>
            <location filename="../../app/lessons/addresses/panel.py" line="0" />
            <source>Resolve</source>
            <translation>解析</translation>
        </message>
        <message>
            <location filename="../../app/lessons/addresses/panel.py" line="0" />
            <source>Address</source>
            <translation>地址</translation>
        </message>
        <message>
            <location filename="../../app/lessons/addresses/panel.py" line="0" />
            <source>Family</source>
            <translation>类型</translation>
        </message>
        <message>
            <location filename="../../app/lessons/addresses/panel.py" line="0" />
            <source>Source</source>
            <translation>来源</translation>
        </message>
        <message>
            <location filename="../../app/lessons/addresses/panel.py" line="0" />
            <source>bind() to a name or an address: who can connect?</source>
            <translation>bind() 到一个名字或地址：谁能连进来？</translation>
        </message>
        <message>
            <location filename="../../app/lessons/addresses/panel.py" line="0" />
            <source>Who can connect:</source>
            <translation>谁能连接：</translation>
        </message>
        <message>
            <location filename="../../app/lessons/addresses/panel.py" line="0" />
            <source>hosts file ({path})</source>
            <translation>hosts 文件（{path}）</translation>
        </message>
        <message>
            <location filename="../../app/lessons/addresses/panel.py" line="0" />
            <source>resolver (DNS {servers})</source>
            <translation>解析器（DNS {servers}）</translation>
        </message>
        <message>
            <location filename="../../app/lessons/addresses/panel.py" line="0" />
            <source>the name is an address</source>
            <translation>名字本身就是地址</translation>
        </message>
        <message>
            <location filename="../../app/lessons/addresses/panel.py" line="0" />
            <source>{name} is an address already: getaddrinfo() returns it without any lookup.</source>
            <translation>{name} 本身就是地址：getaddrinfo() 不做任何查询，原样返回。</translation>
        </message>
        <message>
            <location filename="../../app/lessons/addresses/panel.py" line="0" />
            <source>{name}: {n} address(es), {h} from {hosts}, {r} from the resolver.</source>
            <translation>{name}：{n} 个地址，{h} 个来自 {hosts}，{r} 个来自解析器。</translation>
        </message>
        <message>
            <location filename="../../app/lessons/addresses/panel.py" line="0" />
            <source>No resolver answered within {t} s (name servers {servers}). Offline, only the names in {hosts} resolve.</source>
            <translation>{t} 秒内没有解析器应答（DNS 服务器 {servers}）。离线时只有 {hosts} 中的名字能解析。</translation>
        </message>
        <message>
            <location filename="../../app/lessons/addresses/panel.py" line="0" />
            <source>No resolver answers: the name servers {servers} could not be reached, and {name} is not in {hosts}.</source>
            <translation>没有解析器应答：无法连到 DNS 服务器 {servers}，而 {name} 也不在 {hosts} 中。</translation>
        </message>
        <message>
            <location filename="../../app/lessons/addresses/panel.py" line="0" />
            <source>{name} was not found: it is not in {hosts} and the resolver did not know it.</source>
            <translation>找不到 {name}：它不在 {hosts} 中，解析器也不认识它。</translation>
        </message>
        <message>
            <location filename="../../app/lessons/addresses/panel.py" line="0" />
            <source>The lookup failed: {message}</source>
            <translation>查询失败：{message}</translation>
        </message>
        <message>
            <location filename="../../app/lessons/addresses/panel.py" line="0" />
            <source>Resolving {name} …</source>
            <translation>正在解析 {name} ……</translation>
        </message>
        <message>
            <location filename="../../app/lessons/addresses/panel.py" line="0" />
            <source>“{text}” is not a domain name.</source>
            <translation>“{text}” 不是域名。</translation>
        </message>
        <message>
            <location filename="../../app/lessons/addresses/panel.py" line="0" />
            <source>{hosts}: {n} entries. Resolver: name servers {servers} ({resolv}). Order of sources (/etc/nsswitch.conf): {order}.</source>
            <translation>{hosts}：{n} 条。解析器：DNS 服务器 {servers}（{resolv}）。查询顺序（/etc/nsswitch.conf）：{order}。</translation>
        </message>
        <message>
            <location filename="../../app/lessons/addresses/panel.py" line="0" />
            <source>A name, not an address: bind() resolves it first (through /etc/hosts), usually to 127.0.0.1, sometimes ::1.</source>
            <translation>是名字而不是地址：bind() 先（通过 /etc/hosts）解析它，通常得到 127.0.0.1，有时是 ::1。</translation>
        </message>
        <message>
            <location filename="../../app/lessons/addresses/panel.py" line="0" />
            <source>Only programs on this machine, over the address the name resolved to.</source>
            <translation>只有本机上的程序，并且只能通过该名字解析出的那个地址。</translation>
        </message>
        <message>
            <location filename="../../app/lessons/addresses/panel.py" line="0" />
            <source>The IPv4 loopback address itself: no lookup; it never leaves this machine.</source>
            <translation>就是 IPv4 回环地址本身：无需解析，数据从不离开本机。</translation>
        </message>
        <message>
            <location filename="../../app/lessons/addresses/panel.py" line="0" />
            <source>Only programs on this machine (not from the LAN, not over ::1).</source>
            <translation>只有本机上的程序（局域网里的机器不行，经 ::1 也不行）。</translation>
        </message>
        <message>
            <location filename="../../app/lessons/addresses/panel.py" line="0" />
            <source>The unspecified address: not a destination; it means every IPv4 address of this machine.</source>
            <translation>全网段地址：它不是目的地址，而是表示本机的所有 IPv4 地址。</translation>
        </message>
        <message>
            <location filename="../../app/lessons/addresses/panel.py" line="0" />
            <source>Anyone who can reach any of this machine's IPv4 addresses: this machine, the LAN, and the Internet if a router forwards the port.</source>
            <translation>任何能到达本机任一 IPv4 地址的人：本机、局域网，如果路由器转发了该端口，还有互联网。</translation>
        </message>
    <message>
        <source>Stopping the name lookup</source>
        <translation>停止域名解析</translation>
    </message>
    </context>
</TS>

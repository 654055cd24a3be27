<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="zh_CN">
<context>
    <name>QuizBar</name>
    <message>
        <source>Predict the recv(): what does each recv() return?</source>
        <translation>预测 recv()：每一次 recv() 会返回什么？</translation>
    </message>
    <message>
        <source>Next round (N)</source>
        <translation>下一轮 (N)</translation>
    </message>
    <message>
        <source>End the quiz</source>
        <translation>结束测验</translation>
    </message>
    <message>
        <source>TCP: send({a}); send({b}) at once; the receiver sleeps 100 ms, then recv(1024).</source>
        <translation>TCP：立即 send({a})；send({b})；接收方先睡 100 ms，再 recv(1024)。</translation>
    </message>
    <message>
        <source>TCP: send({a}); 100 ms later send({b}); the receiver is already waiting in recv(1024).</source>
        <translation>TCP：send({a})；100 ms 后 send({b})；接收方早已在 recv(1024) 中等待。</translation>
    </message>
    <message>
        <source>TCP: send({a}); send({b}); the receiver sleeps 50 ms, then recv({n}).</source>
        <translation>TCP：send({a})；send({b})；接收方先睡 50 ms，再 recv({n})。</translation>
    </message>
    <message>
        <source>UDP: sendto({a}); sendto({b}); the receiver sleeps 100 ms, then recvfrom(1024).</source>
        <translation>UDP：sendto({a})；sendto({b})；接收方先睡 100 ms，再 recvfrom(1024)。</translation>
    </message>
    <message>
        <source>UDP: sendto({a}); sendto({b}); the receiver sleeps 50 ms, then recvfrom({n}).</source>
        <translation>UDP：sendto({a})；sendto({b})；接收方先睡 50 ms，再 recvfrom({n})。</translation>
    </message>
    <message>
        <source>TCP through a relay (MSS {n} bytes, 2 kbit/s link): send({a}); send({b}); the receiver is already waiting in recv(1024).</source>
        <translation>TCP 经过中继（MSS {n} 字节，2 kbit/s 链路）：send({a})；send({b})；接收方早已在 recv(1024) 中等待。</translation>
    </message>
    <message>
        <source>TCP through a relay (MSS {n} bytes): send({a}); send({b}); the receiver sleeps 150 ms, then recv(1024).</source>
        <translation>TCP 经过中继（MSS {n} 字节）：send({a})；send({b})；接收方先睡 150 ms，再 recv(1024)。</translation>
    </message>
    <message>
        <source>TCP through a relay that delays every segment 50 ms: send({a}); 30 ms later send({b}); the receiver is already waiting in recv(1024).</source>
        <translation>TCP 经过一个把每个报文段延迟 50 ms 的中继：send({a})；30 ms 后 send({b})；接收方早已在 recv(1024) 中等待。</translation>
    </message>
    <message>
        <source>UDP through a relay that loses half the datagrams: sendto({a}); sendto({b}); the receiver sleeps 100 ms, then recvfrom(1024).</source>
        <translation>UDP 经过一个丢掉一半数据报的中继：sendto({a})；sendto({b})；接收方先睡 100 ms，再 recvfrom(1024)。</translation>
    </message>
    <message>
        <source>TCP, as in the lesson: the server calls send({a}); send({b}), then close(); the client sleeps 100 ms, then recv(1024).</source>
        <translation>TCP，与课文相同：服务器先 send({a})；send({b})，然后 close()；客户端先睡 100 ms，再 recv(1024)。</translation>
    </message>
    <message>
        <source>TCP: send(b'hello'); send(b''); send(b'world'), then close(); the receiver sleeps 100 ms, then recv(1024).</source>
        <translation>TCP：send(b'hello')；send(b'')；send(b'world')，然后 close()；接收方先睡 100 ms，再 recv(1024)。</translation>
    </message>
    <message>
        <source>TCP: one send(b'hello, this is one message'), then close(); the receiver sleeps 20 ms, then recv(4).</source>
        <translation>TCP：一次 send(b'hello, this is one message')，然后 close()；接收方先睡 20 ms，再 recv(4)。</translation>
    </message>
    <message>
        <source>TCP with a 4-byte length prefix: send(struct.pack('!I', 5) + b'hello'); the same for b'world'; close(); the receiver sleeps 100 ms, then recv(1024).</source>
        <translation>TCP 加 4 字节长度前缀：send(struct.pack('!I', 5) + b'hello')；b'world' 同样处理；close()；接收方先睡 100 ms，再 recv(1024)。</translation>
    </message>
    <message>
        <source>UDP: sendto(b'hello'); sendto(b''); sendto(b'world'); the receiver sleeps 100 ms, then recvfrom(1024).</source>
        <translation>UDP：sendto(b'hello')；sendto(b'')；sendto(b'world')；接收方先睡 100 ms，再 recvfrom(1024)。</translation>
    </message>
    <message>
        <source>TCP across the Internet (a relay: MSS 1,448 bytes, 30 ms): ten send() calls of 4,096 bytes; the receiver is already waiting in recv(65536).</source>
        <translation>TCP 跨越互联网（中继：MSS 1,448 字节，30 ms）：十次 send()，每次 4,096 字节；接收方早已在 recv(65536) 中等待。</translation>
    </message>
    <message>
        <source>The receiver calls recvfrom() again (after the same wait) for every datagram that comes.</source>
        <translation>接收方对每个到来的数据报都再调用一次 recvfrom()（之前同样先等待）。</translation>
    </message>
    <message>
        <source>The receiver calls recv() again (after the same wait) until it returns b'': the sender closes when done.</source>
        <translation>接收方反复调用 recv()（每次之前同样先等待），直到它返回 b''：发送方发完就关闭连接。</translation>
    </message>
    <message>
        <source>Both sends were already in the receive queue when recv() ran, and TCP keeps no message boundaries.</source>
        <translation>recv() 执行时两次发送的数据都已在接收队列里，而 TCP 不保留消息边界。</translation>
    </message>
    <message>
        <source>Bytes of {k} sends were already in the receive queue when recv() ran, and TCP keeps no message boundaries.</source>
        <translation>recv() 执行时 {k} 次发送的字节都已在接收队列里，而 TCP 不保留消息边界。</translation>
    </message>
    <message>
        <source>send(b'') put nothing on the stream; the other sends were already in the receive queue together.</source>
        <translation>send(b'') 没往字节流里放任何东西；其他几次发送的数据已一起躺在接收队列里。</translation>
    </message>
    <message>
        <source>recv() returns as soon as some bytes arrive: this send arrived alone, before anything after it.</source>
        <translation>只要有字节到达 recv() 就返回：这次发送的数据单独到达，比后面的数据都早。</translation>
    </message>
    <message>
        <source>recv({n}) returns at most {n} bytes; the rest stays in the receive queue for the next call.</source>
        <translation>recv({n}) 最多返回 {n} 个字节；其余的留在接收队列里，等下一次调用。</translation>
    </message>
    <message>
        <source>The rest of a message that the previous recv() left in the receive queue.</source>
        <translation>这是上一次 recv() 留在接收队列里的那条消息的剩余部分。</translation>
    </message>
    <message>
        <source>Only part of the message had arrived; recv() returns what is there and does not wait for the rest.</source>
        <translation>消息只到了一部分；recv() 返回已有的数据，不会等其余部分。</translation>
    </message>
    <message>
        <source>The relay cut the stream into segments of at most {mss} bytes; recv() returned what had arrived.</source>
        <translation>中继把字节流切成最多 {mss} 字节的报文段；recv() 返回了已经到达的部分。</translation>
    </message>
    <message>
        <source>The segments had all arrived while the receiver slept: recv() returns whatever is queued.</source>
        <translation>接收方睡眠期间所有报文段都已到达：recv() 返回队列里现有的全部数据。</translation>
    </message>
    <message>
        <source>Several segments had arrived before recv() ran: it returns all that is queued, up to its size.</source>
        <translation>recv() 执行前已有多个报文段到达：它返回队列里的全部数据，最多为它的大小。</translation>
    </message>
    <message>
        <source>The relay delayed every segment by the same time, so the sends arrived as far apart as they were sent.</source>
        <translation>中继把每个报文段延迟同样的时间，所以各次发送到达的间隔与发送时相同。</translation>
    </message>
    <message>
        <source>The peer closed: everything it sent has been read, so recv() returns b''.</source>
        <translation>对端已关闭：它发送的数据都已读完，所以 recv() 返回 b''。</translation>
    </message>
    <message>
        <source>Each recvfrom() returns exactly one datagram, however many are waiting behind it.</source>
        <translation>每次 recvfrom() 恰好返回一个数据报，不管后面还排着多少个。</translation>
    </message>
    <message>
        <source>sendto(b'') sent a real, empty datagram: recvfrom() returns b'' for it.</source>
        <translation>sendto(b'') 发出了一个真实的空数据报：recvfrom() 为它返回 b''。</translation>
    </message>
    <message>
        <source>The datagram was larger than the recvfrom() size: the rest of it is discarded, not kept for later.</source>
        <translation>数据报比 recvfrom() 的大小更大：多出的部分被丢弃，不会留到下一次。</translation>
    </message>
    <message>
        <source>A datagram sent before this one was lost on the wire, and UDP does not resend it.</source>
        <translation>在它之前发送的一个数据报在线路上丢失了，UDP 不会重传。</translation>
    </message>
    <message>
        <source>This datagram was held back on the wire: UDP does not put datagrams back in order.</source>
        <translation>这个数据报在线路上被耽搁了：UDP 不会把数据报重新排好顺序。</translation>
    </message>
    <message>
        <source>The wire delivered this datagram twice, and UDP does not notice.</source>
        <translation>线路把这个数据报送达了两次，UDP 察觉不到。</translation>
    </message>
    <message>
        <source>recv() returns whatever is in the receive queue at that moment, up to its size.</source>
        <translation>recv() 返回那一刻接收队列里的数据，最多为它的大小。</translation>
    </message>
    <message>
        <source>nothing: it keeps waiting</source>
        <translation>什么也不返回：一直等待</translation>
    </message>
    <message>
        <source>Running it for real… every recv() result is held back until you predict it.</source>
        <translation>正在真实运行……每次 recv() 的结果都先不显示，等你预测后再揭晓。</translation>
    </message>
    <message>
        <source>{call} #{k} of {n}: what does it return? Press 1–{m}.</source>
        <translation>第 {k} 次 {call}（共 {n} 次）：它返回什么？按 1–{m}。</translation>
    </message>
    <message>
        <source>(The run made {total} {call} calls; the quiz asks about the first {n}.)</source>
        <translation>（这次运行调用了 {total} 次 {call}；测验只问前 {n} 次。）</translation>
    </message>
    <message>
        <source>✓ Right: {call} #{k} returned {r}.</source>
        <translation>✓ 答对了：第 {k} 次 {call} 返回了 {r}。</translation>
    </message>
    <message>
        <source>✗ Not this time: {call} #{k} returned {r} (answer {n}).</source>
        <translation>✗ 这次没猜中：第 {k} 次 {call} 返回了 {r}（答案 {n}）。</translation>
    </message>
    <message>
        <source>End of this round: press N for a new one.</source>
        <translation>这一轮结束：按 N 开始新一轮。</translation>
    </message>
    <message>
        <source>This round could not run: {e}</source>
        <translation>这一轮无法运行：{e}</translation>
    </message>
    <message>
        <source>Another run was started: this round is void. Press N for a new round.</source>
        <translation>另一次运行已经开始：这一轮作废。按 N 开始新一轮。</translation>
    </message>
    <message>
        <source>Score: {s} / {n}</source>
        <translation>得分：{s} / {n}</translation>
    </message>
</context>
<context>
    <name>QuizController</name>
    <message>
        <source>Predict the recv()</source>
        <translation>预测 recv()</translation>
    </message>
</context>
<context>
    <name>RibbonView</name>
    <message>
        <source>seg {n}: {size} B</source>
        <translation>段 {n}：{size} B</translation>
    </message>
    <message>
        <source>late</source>
        <translation>迟到</translation>
    </message>
    <message>
        <source>sent on</source>
        <translation>已转发</translation>
    </message>
    <message>
        <source>{label} ×{n}</source>
        <translation>{label} ×{n}</translation>
    </message>
    <message>
        <source>lost on the wire</source>
        <translation>在线路上丢失</translation>
    </message>
    <message>
        <source>over the MTU</source>
        <translation>超过 MTU</translation>
    </message>
    <message>
        <source>datagram #{n}: lost on the wire (UDP does not resend it)</source>
        <translation>数据报 #{n}：在线路上丢失（UDP 不会重传）</translation>
    </message>
    <message>
        <source>datagram #{n}: dropped, larger than the MTU</source>
        <translation>数据报 #{n}：大于 MTU，被丢弃</translation>
    </message>
    <message>
        <source>datagram #{n}: forwarded by the relay</source>
        <translation>数据报 #{n}：已由中继转发</translation>
    </message>
    <message>
        <source>held back: later datagrams overtook it</source>
        <translation>被扣留：后发的数据报超过了它</translation>
    </message>
    <message>
        <source>duplicated: the receiver gets it {n} times</source>
        <translation>被复制：接收方会收到 {n} 次</translation>
    </message>
    <message>
        <source>segment #{n}: bytes [{s}, {e}), {size} B, forwarded at {t:.1f} ms</source>
        <translation>报文段 #{n}：字节 [{s}, {e})，{size} B，于 {t:.1f} ms 转发</translation>
    </message>
</context>
<context>
    <name>StickyPanel</name>
    <message>
        <source>Across the Internet: MSS 1,448, 30 ms</source>
        <translation>跨越互联网：MSS 1,448，30 ms</translation>
    </message>
    <message>
        <source>Each 4 KiB message leaves the relay in 1,448-byte segments: a prompt reader gets every one in pieces.</source>
        <translation>每条 4 KiB 的消息以 1,448 字节的报文段离开中继：及时读取的接收方也会把每条消息分几块收到。</translation>
    </message>
    <message>
        <source>Across the Internet, with a length prefix</source>
        <translation>跨越互联网，加上长度前缀</translation>
    </message>
    <message>
        <source>The same segments and pieces, but the length prefix puts every 4 KiB message back together.</source>
        <translation>同样的报文段、同样的碎块，但长度前缀把每条 4 KiB 的消息重新拼完整。</translation>
    </message>
    <message>
        <source>Wi-Fi with loss (UDP, 10 % loss, 10 % reordering)</source>
        <translation>有丢包的 Wi-Fi（UDP，10% 丢失，10% 乱序）</translation>
    </message>
    <message>
        <source>Datagrams go missing and arrive out of order; nobody resends them, nobody puts them back in order.</source>
        <translation>数据报会丢失、会乱序到达；没有谁重传，也没有谁把顺序排回来。</translation>
    </message>
    <message>
        <source>Slow link: 2 Mbit/s</source>
        <translation>慢速链路：2 Mbit/s</translation>
    </message>
    <message>
        <source>The link drains 250 KB/s; the sender writes faster, so its send queue fills up and sendall() waits.</source>
        <translation>链路每秒只送出 250 KB；发送方写得更快，于是它的发送队列被填满，sendall() 只能等待。</translation>
    </message>
    <message>
        <source>wire</source>
        <translation>线路</translation>
    </message>
    <message>
        <source>Waiting for your prediction…</source>
        <translation>等待你的预测……</translation>
    </message>
    <message>
        <source>lost {n}</source>
        <translation>丢失 {n}</translation>
    </message>
    <message>
        <source>late {n}</source>
        <translation>乱序 {n}</translation>
    </message>
    <message>
        <source>twice {n}</source>
        <translation>重复 {n}</translation>
    </message>
    <message>
        <source>wire: {n} segments</source>
        <translation>线路：{n} 段</translation>
    </message>
</context>
<context>
    <name>WireControls</name>
    <message>
        <source>loopback (no relay)</source>
        <translation>回环（无中继）</translation>
    </message>
    <message>
        <source>relay, MSS 1,448 (Ethernet)</source>
        <translation>中继，MSS 1,448（以太网）</translation>
    </message>
    <message>
        <source>relay, MSS 536 (the minimum)</source>
        <translation>中继，MSS 536（最小值）</translation>
    </message>
    <message>
        <source>relay, MSS 65,483 (loopback)</source>
        <translation>中继，MSS 65,483（回环）</translation>
    </message>
    <message>
        <source>Network</source>
        <translation>网络</translation>
    </message>
    <message>
        <source>Wire delay (ms)</source>
        <translation>线路延迟 (ms)</translation>
    </message>
    <message>
        <source>Jitter ± (ms)</source>
        <translation>抖动 ± (ms)</translation>
    </message>
    <message>
        <source>Link rate (kbit/s)</source>
        <translation>链路速率 (kbit/s)</translation>
    </message>
    <message>
        <source>UDP loss (%)</source>
        <translation>UDP 丢失 (%)</translation>
    </message>
    <message>
        <source>UDP reordering (%)</source>
        <translation>UDP 乱序 (%)</translation>
    </message>
    <message>
        <source>UDP duplicates (%)</source>
        <translation>UDP 重复 (%)</translation>
    </message>
    <message>
        <source>Seed</source>
        <translation>随机种子</translation>
    </message>
    <message>
        <source>default ({n:g})</source>
        <translation>默认（{n:g}）</translation>
    </message>
    <message>
        <source>new each run</source>
        <translation>每次运行换新</translation>
    </message>
    <message>
        <source>UDP through the relay: every loss, duplicate and reordering comes from the seed.</source>
        <translation>UDP 经过中继：每次丢失、重复和乱序都由随机种子决定。</translation>
    </message>
    <message>
        <source>TCP through the relay: segments, delay and rate only. A TCP relay cannot lose bytes - TCP would resend them - so loss applies to UDP only.</source>
        <translation>TCP 经过中继：只有分段、延迟和速率。TCP 中继无法丢失字节——TCP 会把它们重传——所以丢失只适用于 UDP。</translation>
    </message>
    <message>
        <source>relay, MSS {n}</source>
        <translation>中继，MSS {n}</translation>
    </message>
</context>
</TS>

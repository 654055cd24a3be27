<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="zh_CN">
<context>
    <name>HmacPanel</name>
    <message>
        <location filename="../../app/panels/hmac_panel.py" line="282" />
        <source>HMAC challenge-response</source>
        <translation>HMAC 挑战-应答</translation>
    </message>
    <message>
        <location filename="../../app/panels/hmac_panel.py" line="286" />
        <source>Legacy: sha1(key + challenge)</source>
        <translation>旧式：sha1(密钥 + 挑战)</translation>
    </message>
    <message>
        <location filename="../../app/panels/hmac_panel.py" line="287" />
        <source>HMAC</source>
        <translation>HMAC</translation>
    </message>
    <message>
        <location filename="../../app/panels/hmac_panel.py" line="288" />
        <source>Mutual HMAC (role-bound)</source>
        <translation>双向 HMAC（绑定角色）</translation>
    </message>
    <message>
        <location filename="../../app/panels/hmac_panel.py" line="289" />
        <source>Mutual HMAC without role binding (insecure)</source>
        <translation>双向 HMAC，不绑定角色（不安全）</translation>
    </message>
    <message>
        <location filename="../../app/panels/hmac_panel.py" line="290" />
        <source>multiprocessing.connection</source>
        <translation>multiprocessing.connection</translation>
    </message>
    <message>
        <location filename="../../app/panels/hmac_panel.py" line="296" />
        <source>LEGACY — the lesson's first method: a bare hash of key + challenge is not a MAC construction (length extension) and SHA-1 is broken for collisions. Learn from it, never copy it.</source>
        <translation>旧式——课程里的第一种方法：直接对“密钥 + 挑战”求哈希并不是 MAC 构造（存在长度扩展攻击），而且 SHA-1 已能被找到碰撞。用来学习，切勿照抄。</translation>
    </message>
    <message>
        <location filename="../../app/panels/hmac_panel.py" line="301" />
        <source>HMAC with an explicit digest (hmac.new without digestmod fails on current Python); the challenge, digest name included, is what gets MACed.</source>
        <translation>HMAC 须明确指定摘要算法（在当前 Python 中不带 digestmod 调用 hmac.new 会报错）；被计算 MAC 的是整个挑战，其中包括摘要算法名。</translation>
    </message>
    <message>
        <location filename="../../app/panels/hmac_panel.py" line="305" />
        <source>Mutual: the client challenges the server too; each MAC includes the role ('client' or 'server'), so one side's answer is never valid for the other.</source>
        <translation>双向认证：客户端也向服务端发出挑战；每个 MAC 都包含角色（'client' 或 'server'），所以一方的应答对另一方永远无效。</translation>
    </message>
    <message>
        <location filename="../../app/panels/hmac_panel.py" line="309" />
        <source>INSECURE: mutual without role binding — the server's answer can be reflected back to it as a client's answer.</source>
        <translation>不安全：双向认证却不绑定角色——服务端的应答可以被反射回去，冒充客户端的应答。</translation>
    </message>
    <message>
        <location filename="../../app/panels/hmac_panel.py" line="313" />
        <source>The standard library's own handshake (multiprocessing.connection): '{sha256}'-prefixed in Python 3.12+, unprefixed HMAC-MD5 in 3.11 and earlier.</source>
        <translation>标准库自带的握手（multiprocessing.connection）：Python 3.12+ 带 '{sha256}' 前缀，3.11 及更早版本为不带前缀的 HMAC-MD5。</translation>
    </message>
    <message>
        <location filename="../../app/panels/hmac_panel.py" line="320" />
        <source>challenge</source>
        <translation>挑战</translation>
    </message>
    <message>
        <location filename="../../app/panels/hmac_panel.py" line="321" />
        <source>response</source>
        <translation>应答</translation>
    </message>
    <message>
        <location filename="../../app/panels/hmac_panel.py" line="322" />
        <source>client's challenge</source>
        <translation>客户端的挑战</translation>
    </message>
    <message>
        <location filename="../../app/panels/hmac_panel.py" line="323" />
        <source>server's proof</source>
        <translation>服务端的证明</translation>
    </message>
    <message>
        <location filename="../../app/panels/hmac_panel.py" line="324" />
        <source>verdict</source>
        <translation>验证结果</translation>
    </message>
    <message>
        <location filename="../../app/panels/hmac_panel.py" line="325" />
        <source>chat message</source>
        <translation>聊天消息</translation>
    </message>
    <message>
        <location filename="../../app/panels/hmac_panel.py" line="331" />
        <source>generates {what}</source>
        <translation>生成{what}</translation>
    </message>
    <message>
        <location filename="../../app/panels/hmac_panel.py" line="332" />
        <source>sends {what} →</source>
        <translation>发送{what} →</translation>
    </message>
    <message>
        <location filename="../../app/panels/hmac_panel.py" line="333" />
        <source>receives {what}</source>
        <translation>接收{what}</translation>
    </message>
    <message>
        <location filename="../../app/panels/hmac_panel.py" line="334" />
        <source>computes {what}</source>
        <translation>计算{what}</translation>
    </message>
    <message>
        <location filename="../../app/panels/hmac_panel.py" line="335" />
        <source>expects {what}</source>
        <translation>预期的{what}</translation>
    </message>
    <message>
        <location filename="../../app/panels/hmac_panel.py" line="336" />
        <source>compares {what}</source>
        <translation>比较{what}</translation>
    </message>
    <message>
        <location filename="../../app/panels/hmac_panel.py" line="337" />
        <source>refuses {what}</source>
        <translation>拒绝{what}</translation>
    </message>
    <message>
        <location filename="../../app/panels/hmac_panel.py" line="338" />
        <source>ATTACK: {what}</source>
        <translation>攻击：{what}</translation>
    </message>
    <message>
        <location filename="../../app/panels/hmac_panel.py" line="343" />
        <source>the MAC matched (hmac.compare_digest)</source>
        <translation>MAC 一致（hmac.compare_digest）</translation>
    </message>
    <message>
        <location filename="../../app/panels/hmac_panel.py" line="344" />
        <source>the MAC did not match (hmac.compare_digest)</source>
        <translation>MAC 不一致（hmac.compare_digest）</translation>
    </message>
    <message>
        <location filename="../../app/panels/hmac_panel.py" line="345" />
        <source>wrong length for this digest — rejected before comparing</source>
        <translation>长度与该摘要算法不符——比较之前就拒绝</translation>
    </message>
    <message>
        <location filename="../../app/panels/hmac_panel.py" line="346" />
        <source>frame header over the 256-byte pre-authentication limit — cut off</source>
        <translation>帧头声明的长度超过认证前 256 字节的上限——断开连接</translation>
    </message>
    <message>
        <location filename="../../app/panels/hmac_panel.py" line="347" />
        <source>the frame or message breaks the protocol</source>
        <translation>帧或消息不符合协议</translation>
    </message>
    <message>
        <location filename="../../app/panels/hmac_panel.py" line="348" />
        <source>the exchange missed its deadline — cut off</source>
        <translation>整个交换超过了截止时间——断开连接</translation>
    </message>
    <message>
        <location filename="../../app/panels/hmac_panel.py" line="349" />
        <source>the peer closed the connection too early</source>
        <translation>对端过早关闭了连接</translation>
    </message>
    <message>
        <location filename="../../app/panels/hmac_panel.py" line="350" />
        <source>the challenge announces another variant or digest — refused</source>
        <translation>挑战声明了另一种方式或摘要算法——拒绝</translation>
    </message>
    <message>
        <location filename="../../app/panels/hmac_panel.py" line="351" />
        <source>legacy HMAC-MD5 is switched off — refused</source>
        <translation>旧式 HMAC-MD5 已关闭——拒绝</translation>
    </message>
    <message>
        <location filename="../../app/panels/hmac_panel.py" line="352" />
        <source>the server's proof did not match — the client hangs up</source>
        <translation>服务端的证明不一致——客户端挂断</translation>
    </message>
    <message>
        <location filename="../../app/panels/hmac_panel.py" line="353" />
        <source>the server answered #FAILURE#</source>
        <translation>服务端回复了 #FAILURE#</translation>
    </message>
    <message>
        <location filename="../../app/panels/hmac_panel.py" line="354" />
        <source>the peer did not welcome our proof</source>
        <translation>对端没有接受我方的证明</translation>
    </message>
    <message>
        <location filename="../../app/panels/hmac_panel.py" line="355" />
        <source>the run was stopped</source>
        <translation>运行已停止</translation>
    </message>
    <message>
        <location filename="../../app/panels/hmac_panel.py" line="356" />
        <source>the attacker hung up once it had what it wanted</source>
        <translation>攻击者拿到想要的东西后主动挂断</translation>
    </message>
    <message>
        <location filename="../../app/panels/hmac_panel.py" line="357" />
        <source>a socket error ended the connection</source>
        <translation>套接字错误导致连接结束</translation>
    </message>
    <message>
        <location filename="../../app/panels/hmac_panel.py" line="358" />
        <source>an unexpected error ended the connection</source>
        <translation>意外错误导致连接结束</translation>
    </message>
    <message>
        <location filename="../../app/panels/hmac_panel.py" line="363" />
        <source>The client knew the key, so its MAC of the fresh challenge matched.</source>
        <translation>客户端持有密钥，所以它对新挑战算出的 MAC 一致。</translation>
    </message>
    <message>
        <location filename="../../app/panels/hmac_panel.py" line="365" />
        <source>A different key gives a different MAC of the same challenge, so it was rejected.</source>
        <translation>同一个挑战，用不同的密钥会算出不同的 MAC，所以被拒绝。</translation>
    </message>
    <message>
        <location filename="../../app/panels/hmac_panel.py" line="368" />
        <source>The recorded answer is a MAC of an old challenge; the new connection got a fresh random challenge, so the replay does not match.</source>
        <translation>录下的应答是旧挑战的 MAC；新连接收到的是新的随机挑战，所以重放的应答对不上。</translation>
    </message>
    <message>
        <location filename="../../app/panels/hmac_panel.py" line="372" />
        <source>The insecure server sends the same challenge every time, so an answer recorded once is valid forever — the replay got in.</source>
        <translation>这个不安全的服务端每次都发送同一个挑战，所以录下一次的应答永远有效——重放攻击成功了。</translation>
    </message>
    <message>
        <location filename="../../app/panels/hmac_panel.py" line="376" />
        <source>Without role binding the server's answer equals the client's answer, so the attacker made the server compute its own proof on a second connection.</source>
        <translation>不绑定角色时，服务端的应答与客户端的应答相同，于是攻击者在第二条连接上让服务端替自己算出了证明。</translation>
    </message>
    <message>
        <location filename="../../app/panels/hmac_panel.py" line="380" />
        <source>The role is inside every MAC, so the server's answer is never a valid client answer — the reflection failed.</source>
        <translation>每个 MAC 中都包含角色，所以服务端的应答永远不是有效的客户端应答——反射攻击失败。</translation>
    </message>
    <message>
        <location filename="../../app/panels/hmac_panel.py" line="384" />
        <source>The server requires its own digest and the digest name is inside the MACed challenge, so rewriting it to the legacy method only produces an answer the server refuses.</source>
        <translation>服务端坚持使用自己的摘要算法，而且算法名就在参与 MAC 计算的挑战中，所以把它改写成旧式方法只会得到一个服务端拒绝的应答。</translation>
    </message>
    <message>
        <location filename="../../app/panels/hmac_panel.py" line="387" />
        <source>The server accepted a weaker method than the one it offered.</source>
        <translation>服务端接受了比它所提供的更弱的方法。</translation>
    </message>
    <message>
        <location filename="../../app/panels/hmac_panel.py" line="389" />
        <source>Each connection gets its own fresh challenge; only the clients holding the key get in.</source>
        <translation>每条连接都有自己的新挑战；只有持有密钥的客户端才能通过。</translation>
    </message>
    <message>
        <location filename="../../app/panels/hmac_panel.py" line="391" />
        <source>The run did not complete; see the steps for the reason.</source>
        <translation>运行没有完成；原因请看步骤列表。</translation>
    </message>
    <message>
        <location filename="../../app/panels/hmac_panel.py" line="396" />
        <source>Legitimate client</source>
        <translation>合法客户端</translation>
    </message>
    <message>
        <location filename="../../app/panels/hmac_panel.py" line="397" />
        <location filename="../../app/panels/hmac_panel.py" line="508" />
        <source>Wrong key</source>
        <translation>错误密钥</translation>
    </message>
    <message>
        <location filename="../../app/panels/hmac_panel.py" line="398" />
        <source>Replay (fresh challenge)</source>
        <translation>重放攻击（新挑战）</translation>
    </message>
    <message>
        <location filename="../../app/panels/hmac_panel.py" line="399" />
        <source>Replay against a fixed-challenge server</source>
        <translation>对固定挑战服务端的重放攻击</translation>
    </message>
    <message>
        <location filename="../../app/panels/hmac_panel.py" line="400" />
        <source>Reflection, no role binding</source>
        <translation>反射攻击，不绑定角色</translation>
    </message>
    <message>
        <location filename="../../app/panels/hmac_panel.py" line="401" />
        <source>Reflection, role-bound</source>
        <translation>反射攻击，绑定角色</translation>
    </message>
    <message>
        <location filename="../../app/panels/hmac_panel.py" line="402" />
        <source>Downgrade to sha1(key + challenge)</source>
        <translation>降级为 sha1(密钥 + 挑战)</translation>
    </message>
    <message>
        <location filename="../../app/panels/hmac_panel.py" line="403" />
        <source>3 legitimate clients + 1 wrong key</source>
        <translation>3 个合法客户端 + 1 个错误密钥</translation>
    </message>
    <message>
        <location filename="../../app/panels/hmac_panel.py" line="411" />
        <source>client {n} (wrong key)</source>
        <translation>客户端 {n}（错误密钥）</translation>
    </message>
    <message>
        <location filename="../../app/panels/hmac_panel.py" line="413" />
        <source>client {n} (via attacker)</source>
        <translation>客户端 {n}（经过攻击者）</translation>
    </message>
    <message>
        <location filename="../../app/panels/hmac_panel.py" line="414" />
        <source>client {n}</source>
        <translation>客户端 {n}</translation>
    </message>
    <message>
        <location filename="../../app/panels/hmac_panel.py" line="416" />
        <source>server</source>
        <translation>服务端</translation>
    </message>
    <message>
        <location filename="../../app/panels/hmac_panel.py" line="417" />
        <source>client</source>
        <translation>客户端</translation>
    </message>
    <message>
        <location filename="../../app/panels/hmac_panel.py" line="418" />
        <source>attacker</source>
        <translation>攻击者</translation>
    </message>
    <message>
        <location filename="../../app/panels/hmac_panel.py" line="419" />
        <source>attacker (2nd conn.)</source>
        <translation>攻击者（第 2 条连接）</translation>
    </message>
    <message>
        <location filename="../../app/panels/hmac_panel.py" line="426" />
        <source>prefix {h} B + payload {n} B</source>
        <translation>前缀 {h} 字节 + 载荷 {n} 字节</translation>
    </message>
    <message>
        <location filename="../../app/panels/hmac_panel.py" line="431" />
        <source>{formula} over {inputs}</source>
        <translation>{formula}，输入 {inputs}</translation>
    </message>
    <message>
        <location filename="../../app/panels/hmac_panel.py" line="435" />
        <source>length {got} ≠ {want}: rejected before comparing</source>
        <translation>长度 {got} ≠ {want}：比较之前就拒绝</translation>
    </message>
    <message>
        <location filename="../../app/panels/hmac_panel.py" line="439" />
        <source>hmac.compare_digest(expected, received) → equal ✔</source>
        <translation>hmac.compare_digest(预期, 收到) → 相同 ✔</translation>
    </message>
    <message>
        <location filename="../../app/panels/hmac_panel.py" line="440" />
        <source>hmac.compare_digest(expected, received) → different ✘</source>
        <translation>hmac.compare_digest(预期, 收到) → 不同 ✘</translation>
    </message>
    <message>
        <location filename="../../app/panels/hmac_panel.py" line="444" />
        <source>fixed challenge — INSECURE: the same every time</source>
        <translation>固定挑战——不安全：每次都一样</translation>
    </message>
    <message>
        <location filename="../../app/panels/hmac_panel.py" line="446" />
        <source>{code} — legacy form of Python ≤ 3.11 (HMAC-MD5)</source>
        <translation>{code}——Python ≤ 3.11 的旧格式（HMAC-MD5）</translation>
    </message>
    <message>
        <location filename="../../app/panels/hmac_panel.py" line="448" />
        <source>{code} after a '{{digest}}' prefix (Python 3.12+ form)</source>
        <translation>{code}，前面加 '{{digest}}' 前缀（Python 3.12+ 格式）</translation>
    </message>
    <message>
        <location filename="../../app/panels/hmac_panel.py" line="451" />
        <source>recorded from client 1's login</source>
        <translation>录自客户端 1 的登录过程</translation>
    </message>
    <message>
        <location filename="../../app/panels/hmac_panel.py" line="453" />
        <source>ignores the new challenge and replays the recording</source>
        <translation>无视新挑战，重放录下的应答</translation>
    </message>
    <message>
        <location filename="../../app/panels/hmac_panel.py" line="456" />
        <source>sends the 1st connection's challenge as its own</source>
        <translation>把第 1 条连接的挑战当作自己的挑战发出</translation>
    </message>
    <message>
        <location filename="../../app/panels/hmac_panel.py" line="459" />
        <source>answers with the server's own proof from the 2nd connection</source>
        <translation>用第 2 条连接上服务端自己的证明来应答</translation>
    </message>
    <message>
        <location filename="../../app/panels/hmac_panel.py" line="461" />
        <source>an on-path attacker rewrote this frame</source>
        <translation>中间人攻击者改写了这一帧</translation>
    </message>
    <message>
        <location filename="../../app/panels/hmac_panel.py" line="462" />
        <source>not a netsim challenge</source>
        <translation>不是 netsim 挑战</translation>
    </message>
    <message>
        <location filename="../../app/panels/hmac_panel.py" line="463" />
        <source>not a challenge</source>
        <translation>不是挑战</translation>
    </message>
    <message>
        <location filename="../../app/panels/hmac_panel.py" line="470" />
        <source>server asks for {a}, client uses {b} — lenient client follows</source>
        <translation>服务端要求 {a}，客户端使用 {b}——宽松的客户端照办</translation>
    </message>
    <message>
        <location filename="../../app/panels/hmac_panel.py" line="473" />
        <source>server asks for {a}, client uses {b} — refused (downgrade?)</source>
        <translation>服务端要求 {a}，客户端使用 {b}——拒绝（降级攻击？）</translation>
    </message>
    <message>
        <location filename="../../app/panels/hmac_panel.py" line="479" />
        <source>Client legitimacy check: HMAC challenge-response</source>
        <translation>客户端合法性验证：HMAC 挑战-应答</translation>
    </message>
    <message>
        <location filename="../../app/panels/hmac_panel.py" line="482" />
        <source>The server sends a fresh random challenge; only a client holding the shared key can answer with the right MAC. The key itself never crosses the network.</source>
        <translation>服务端发送一个新的随机挑战；只有持有共享密钥的客户端才能给出正确的 MAC 应答。密钥本身从不在网络上传输。</translation>
    </message>
    <message>
        <location filename="../../app/panels/hmac_panel.py" line="486" />
        <source>Server</source>
        <translation>服务端</translation>
    </message>
    <message>
        <location filename="../../app/panels/hmac_panel.py" line="487" />
        <location filename="../../app/panels/hmac_panel.py" line="534" />
        <source>Client</source>
        <translation>客户端</translation>
    </message>
    <message>
        <location filename="../../app/panels/hmac_panel.py" line="489" />
        <source>Key</source>
        <translation>密钥</translation>
    </message>
    <message>
        <location filename="../../app/panels/hmac_panel.py" line="491" />
        <source>Digest</source>
        <translation>摘要算法</translation>
    </message>
    <message>
        <location filename="../../app/panels/hmac_panel.py" line="493" />
        <source>Variant</source>
        <translation>验证方式</translation>
    </message>
    <message>
        <location filename="../../app/panels/hmac_panel.py" line="494" />
        <source>Fixed challenge (INSECURE, for the replay lesson)</source>
        <translation>固定挑战（不安全，用于演示重放攻击）</translation>
    </message>
    <message>
        <location filename="../../app/panels/hmac_panel.py" line="495" />
        <source>Strict: refuse another variant or digest</source>
        <translation>严格：拒绝其他验证方式或摘要算法</translation>
    </message>
    <message>
        <location filename="../../app/panels/hmac_panel.py" line="496" />
        <source>Edit the client's key to make it wrong</source>
        <translation>修改客户端的密钥，使其错误</translation>
    </message>
    <message>
        <location filename="../../app/panels/hmac_panel.py" line="501" />
        <source>Run ▶</source>
        <translation>运行 ▶</translation>
    </message>
    <message>
        <location filename="../../app/panels/hmac_panel.py" line="502" />
        <location filename="../../app/panels/hmac_panel.py" line="529" />
        <source>Step</source>
        <translation>单步</translation>
    </message>
    <message>
        <location filename="../../app/panels/hmac_panel.py" line="503" />
        <source>Pause</source>
        <translation>暂停</translation>
    </message>
    <message>
        <location filename="../../app/panels/hmac_panel.py" line="504" />
        <source>Reset</source>
        <translation>重置</translation>
    </message>
    <message>
        <location filename="../../app/panels/hmac_panel.py" line="505" />
        <source>Attacks:</source>
        <translation>攻击：</translation>
    </message>
    <message>
        <location filename="../../app/panels/hmac_panel.py" line="507" />
        <source>Replay</source>
        <translation>重放攻击</translation>
    </message>
    <message>
        <location filename="../../app/panels/hmac_panel.py" line="509" />
        <source>Reflection</source>
        <translation>反射攻击</translation>
    </message>
    <message>
        <location filename="../../app/panels/hmac_panel.py" line="510" />
        <source>Downgrade</source>
        <translation>降级攻击</translation>
    </message>
    <message>
        <location filename="../../app/panels/hmac_panel.py" line="511" />
        <source>Several clients</source>
        <translation>多个客户端</translation>
    </message>
    <message>
        <location filename="../../app/panels/hmac_panel.py" line="515" />
        <source>Replay a recorded answer on a new connection, then against a fixed-challenge server</source>
        <translation>在新连接上重放录下的应答，然后对固定挑战的服务端再试一次</translation>
    </message>
    <message>
        <location filename="../../app/panels/hmac_panel.py" line="517" />
        <source>A client with a different key</source>
        <translation>使用不同密钥的客户端</translation>
    </message>
    <message>
        <location filename="../../app/panels/hmac_panel.py" line="519" />
        <source>Mutual mode: reflect the server's challenge back to it, without and with role binding</source>
        <translation>双向模式：把服务端的挑战反射回去，分别在不绑定和绑定角色时尝试</translation>
    </message>
    <message>
        <location filename="../../app/panels/hmac_panel.py" line="521" />
        <source>An on-path attacker rewrites the offer to the legacy sha1 method</source>
        <translation>中间人攻击者把服务端的要求改写为旧式 sha1 方法</translation>
    </message>
    <message>
        <location filename="../../app/panels/hmac_panel.py" line="522" />
        <source>3 legitimate clients and 1 with a wrong key, all at once</source>
        <translation>3 个合法客户端和 1 个错误密钥的客户端同时连接</translation>
    </message>
    <message>
        <location filename="../../app/panels/hmac_panel.py" line="527" />
        <source>Steps (bytes in hex; frames as length prefix │ payload)</source>
        <translation>步骤（字节为十六进制；帧显示为 长度前缀 │ 载荷）</translation>
    </message>
    <message>
        <location filename="../../app/panels/hmac_panel.py" line="529" />
        <source>#</source>
        <translation>#</translation>
    </message>
    <message>
        <location filename="../../app/panels/hmac_panel.py" line="529" />
        <source>Who</source>
        <translation>谁</translation>
    </message>
    <message>
        <location filename="../../app/panels/hmac_panel.py" line="529" />
        <source>Bytes (hex)</source>
        <translation>字节（十六进制）</translation>
    </message>
    <message>
        <location filename="../../app/panels/hmac_panel.py" line="529" />
        <source>Note</source>
        <translation>说明</translation>
    </message>
    <message>
        <location filename="../../app/panels/hmac_panel.py" line="531" />
        <source>Verdicts</source>
        <translation>验证结果</translation>
    </message>
    <message>
        <location filename="../../app/panels/hmac_panel.py" line="532" />
        <source>Connections</source>
        <translation>连接</translation>
    </message>
    <message>
        <location filename="../../app/panels/hmac_panel.py" line="534" />
        <source>Port</source>
        <translation>端口</translation>
    </message>
    <message>
        <location filename="../../app/panels/hmac_panel.py" line="534" />
        <source>Server says</source>
        <translation>服务端判定</translation>
    </message>
    <message>
        <location filename="../../app/panels/hmac_panel.py" line="534" />
        <source>Why</source>
        <translation>原因</translation>
    </message>
    <message>
        <location filename="../../app/panels/hmac_panel.py" line="544" />
        <source>The fixed challenge makes any recorded answer replayable.</source>
        <translation>固定挑战使得任何录下的应答都能被重放。</translation>
    </message>
    <message>
        <location filename="../../app/panels/hmac_panel.py" line="551" />
        <source>Running…</source>
        <translation>运行中…</translation>
    </message>
    <message>
        <location filename="../../app/panels/hmac_panel.py" line="554" />
        <source>Waiting before {call} — press Step</source>
        <translation>等待执行 {call}——请按“单步”</translation>
    </message>
    <message>
        <location filename="../../app/panels/hmac_panel.py" line="556" />
        <source>Step mode</source>
        <translation>单步模式</translation>
    </message>
    <message>
        <location filename="../../app/panels/hmac_panel.py" line="558" />
        <source>Done.</source>
        <translation>完成。</translation>
    </message>
    <message>
        <location filename="../../app/panels/hmac_panel.py" line="560" />
        <source>Ready: set the keys, then Run, Step or try an attack.</source>
        <translation>就绪：设置好密钥，然后运行、单步或尝试一种攻击。</translation>
    </message>
    <message>
        <location filename="../../app/panels/hmac_panel.py" line="767" />
        <source>VERDICT ✔ accepted</source>
        <translation>结果 ✔ 通过</translation>
    </message>
    <message>
        <location filename="../../app/panels/hmac_panel.py" line="767" />
        <source>VERDICT ✘ rejected</source>
        <translation>结果 ✘ 拒绝</translation>
    </message>
    <message>
        <location filename="../../app/panels/hmac_panel.py" line="779" />
        <source>error in {call}</source>
        <translation>{call} 出错</translation>
    </message>
    <message>
        <location filename="../../app/panels/hmac_panel.py" line="789" />
        <location filename="../../app/panels/hmac_panel.py" line="813" />
        <source>✘ rejected</source>
        <translation>✘ 拒绝</translation>
    </message>
    <message>
        <location filename="../../app/panels/hmac_panel.py" line="789" />
        <location filename="../../app/panels/hmac_panel.py" line="813" />
        <source>✔ accepted</source>
        <translation>✔ 通过</translation>
    </message>
    <message>
        <location filename="../../app/panels/hmac_panel.py" line="792" />
        <source>⚠ attack succeeded</source>
        <translation>⚠ 攻击成功</translation>
    </message>
    <message>
        <location filename="../../app/panels/hmac_panel.py" line="792" />
        <source>✔ attack stopped</source>
        <translation>✔ 攻击被挡住</translation>
    </message>
    <message>
        <location filename="../../app/panels/hmac_panel.py" line="795" />
        <source>✔ as expected</source>
        <translation>✔ 符合预期</translation>
    </message>
    <message>
        <location filename="../../app/panels/hmac_panel.py" line="795" />
        <source>✘ unexpected result</source>
        <translation>✘ 结果出乎意料</translation>
    </message>
    <message>
        <location filename="../../app/panels/hmac_panel.py" line="799" />
        <source>{name}: {verdict}</source>
        <translation>{name}：{verdict}</translation>
    </message>
    <message>
        <source>Closing the HMAC lab</source>
        <translation>关闭 HMAC 实验</translation>
    </message>
</context>
</TS>
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
        <source>the server is at its connection limit — refused at once</source>
        <translation>服务器已达到连接数上限 — 立即拒绝</translation>
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
    <message>
        <source>The lesson's own form: raw HMAC digest, unframed</source>
        <translation>课程原版形式：原始 HMAC 摘要，无分帧</translation>
    </message>
    <message>
        <source>The lesson's own form: sha1 hexdigest, unframed</source>
        <translation>课程原版形式：sha1 十六进制摘要，无分帧</translation>
    </message>
    <message>
        <source>The lesson's exchange exactly as its programs speak it: 32 random bytes, then the raw HMAC digest (MD5 by default, as the lesson relied on) — no header, no verdict sent back. Its own programs can talk to this server and client.</source>
        <translation>与课程程序在线路上完全一致的交换：先是 32 个随机字节，再是原始 HMAC 摘要（默认 MD5，课程依赖的正是它）——没有报头，也不回送判定。课程自己的程序可以与这里的服务器和客户端对话。</translation>
    </message>
    <message>
        <source>The lesson's first method exactly as its programs speak it: 32 random bytes, then sha1(key + challenge).hexdigest() as 40 characters of text — no header, no verdict.</source>
        <translation>与课程程序完全一致的第一种方法：先是 32 个随机字节，再是 sha1(密钥 + 挑战).hexdigest() 的 40 个字符文本——没有报头，也没有判定。</translation>
    </message>
    <message>
        <source>recv(32) returns what has arrived, up to 32 bytes: a challenge sent in pieces gives the lesson's client a short challenge, and even the right key computes a wrong answer.</source>
        <translation>recv(32) 返回的是已经到达的数据，最多 32 字节：挑战若分几段发来，课程的客户端拿到的就是不完整的挑战，即使密钥正确，算出的答案也是错的。</translation>
    </message>
    <message>
        <source>No framing after the check: the lesson's server takes one recv(1024) as the answer, so a first message sent right behind it is glued on and a legitimate client is refused.</source>
        <translation>验证之后没有分帧：课程的服务器把一次 recv(1024) 当作答案，紧随其后发出的第一条消息会黏在一起，合法的客户端因此被拒绝。</translation>
    </message>
    <message>
        <source>No verdict on the wire: the server prints it and closes on a refusal, so a client cannot tell 'refused' from 'the server simply ended'.</source>
        <translation>线路上没有判定：服务器只是把判定打印出来，拒绝时关闭连接，因此客户端分不清“被拒绝”和“服务器只是结束了”。</translation>
    </message>
    <message>
        <source>ret == res stops at the first differing byte, so its running time leaks how much of a guess was right (a few nanoseconds per byte, visible only over many tries — not measured here). hmac.compare_digest takes the same time whatever matches; this server uses it.</source>
        <translation>ret == res 在第一个不同的字节处就停止比较，所以耗时会泄露猜测对了多少（每字节只差几纳秒，要大量尝试才能看出——这里没有测量）。hmac.compare_digest 无论匹配多少耗时都相同；本服务器用的就是它。</translation>
    </message>
    <message>
        <source>MD5 was hmac.new's old default: HMAC-MD5 still resists forgery in practice, but MD5 is broken for collisions and deprecated (RFC 6151) — name a SHA-2 digest.</source>
        <translation>MD5 是 hmac.new 过去的默认摘要：HMAC-MD5 在实践中仍难以伪造，但 MD5 的抗碰撞性已被攻破且已弃用（RFC 6151）——请明确指定 SHA-2 摘要。</translation>
    </message>
    <message>
        <source>chat: {what}</source>
        <translation>聊天：{what}</translation>
    </message>
    <message>
        <source>WEAK: {what}</source>
        <translation>弱点：{what}</translation>
    </message>
    <message>
        <source>prints its {what}</source>
        <translation>打印{what}</translation>
    </message>
    <message>
        <source>answer sent; the lesson's form sends no verdict, only the server knows</source>
        <translation>答案已发出；课程的形式不回送判定，只有服务器知道结果</translation>
    </message>
    <message>
        <source>the server hung up after our answer — in the lesson's form the only sign of a refusal</source>
        <translation>服务器在收到答案后挂断——在课程的形式中，这是被拒绝的唯一迹象</translation>
    </message>
    <message>
        <source>recv(32) returned fewer than 32 bytes and that short challenge was answered — refused</source>
        <translation>recv(32) 返回不足 32 字节，却对这个不完整的挑战作了应答——被拒绝</translation>
    </message>
    <message>
        <source>the server answered our message — in the lesson's form the only sign of acceptance</source>
        <translation>服务器回复了我们的消息——在课程的形式中，这是被接受的唯一迹象</translation>
    </message>
    <message>
        <source>The slow server sent the challenge in pieces; the lesson's recv(32) returned only the first, so its client answered a short challenge and the right key was refused — the exact reader waited for all 32 bytes and got in.</source>
        <translation>慢速服务器把挑战分段发送；课程的 recv(32) 只拿到第一段，于是它的客户端对不完整的挑战作答，正确的密钥也被拒绝——而按确切长度读取的客户端等齐了 32 字节，通过了验证。</translation>
    </message>
    <message>
        <source>The answer and the first message left in one send(); the lesson's server took its one recv(1024) as the answer and refused the right key — a server reading exactly the answer's size accepted, and the message was still there to read.</source>
        <translation>答案和第一条消息在一次 send() 中发出；课程的服务器把那一次 recv(1024) 当作答案，拒绝了正确的密钥——按答案的确切长度读取的服务器则接受了它，而那条消息仍在缓冲区中等待读取。</translation>
    </message>
    <message>
        <source>The lesson's recv(32) against a slow server</source>
        <translation>课程的 recv(32) 遇上慢速服务器</translation>
    </message>
    <message>
        <source>The lesson's server, answer and message glued</source>
        <translation>课程的服务器：答案与消息黏在一起</translation>
    </message>
    <message>
        <source>client 1 (the lesson's code)</source>
        <translation>客户端 1（课程的代码）</translation>
    </message>
    <message>
        <source>client 2 (exact reads)</source>
        <translation>客户端 2（按确切长度读取）</translation>
    </message>
    <message>
        <source>client → lesson's server</source>
        <translation>客户端 → 课程的服务器</translation>
    </message>
    <message>
        <source>client → exact server</source>
        <translation>客户端 → 按确切长度读取的服务器</translation>
    </message>
    <message>
        <source>a legitimate client</source>
        <translation>合法的客户端</translation>
    </message>
    <message>
        <source>not a legitimate client</source>
        <translation>不合法的客户端</translation>
    </message>
    <message>
        <source>{words} — the lesson's own words: {gloss}</source>
        <translation>{words}——课程服务器打印的原话</translation>
    </message>
    <message>
        <source>piece {i} of {n} ({size} B) — a slow sender</source>
        <translation>第 {i}/{n} 段（{size} 字节）——慢速发送方</translation>
    </message>
    <message>
        <source>exact read: {n} B in {calls} recv() call(s)</source>
        <translation>按确切长度读取：{n} 字节，用了 {calls} 次 recv()</translation>
    </message>
    <message>
        <source>the lesson's code: one recv({limit}) returned {n} B, taken as all of it</source>
        <translation>课程的代码：一次 recv({limit}) 返回 {n} 字节，就被当作全部</translation>
    </message>
    <message>
        <source>sent in the same send() as the {n}-byte answer</source>
        <translation>与 {n} 字节的答案在同一次 send() 中发出</translation>
    </message>
    <message>
        <source>one recv() chunk; no framing says where a message ends</source>
        <translation>一次 recv() 的数据块；没有分帧说明消息在哪里结束</translation>
    </message>
    <message>
        <source>one recv() chunk taken as the reply</source>
        <translation>把一次 recv() 的数据块当作回复</translation>
    </message>
    <message>
        <source>What is weak about the lesson's own form</source>
        <translation>课程原版形式的弱点</translation>
    </message>
    <message>
        <source>Run it for real:</source>
        <translation>真实运行：</translation>
    </message>
    <message>
        <source>recv(32) comes back short</source>
        <translation>recv(32) 收到的不足 32 字节</translation>
    </message>
    <message>
        <source>The server sends the challenge in 8-byte pieces 0.2 s apart; the lesson's client code (one recv(32)) and a client reading exactly each try the right key</source>
        <translation>服务器把挑战按 8 字节一段、间隔 0.2 秒发送；课程的客户端代码（一次 recv(32)）和按确切长度读取的客户端分别用正确的密钥尝试</translation>
    </message>
    <message>
        <source>No framing after the check</source>
        <translation>验证之后没有分帧</translation>
    </message>
    <message>
        <source>A client sends its answer and first message in one send(), to the lesson's server code (one recv(1024)) and to a server reading exactly the answer's size</source>
        <translation>客户端在一次 send() 中发出答案和第一条消息，分别发给课程的服务器代码（一次 recv(1024)）和按答案确切长度读取的服务器</translation>
    </message>
    <message>
        <source>VERDICT ? unknown</source>
        <translation>判定 ？未知</translation>
    </message>
    <message>
        <source>⚠ the weakness bit: the right key was refused</source>
        <translation>⚠ 弱点生效：正确的密钥被拒绝</translation>
    </message>
    <message>
        <source>✘ not reproduced this time</source>
        <translation>✘ 这次没有复现</translation>
    </message>
</context>
</TS>
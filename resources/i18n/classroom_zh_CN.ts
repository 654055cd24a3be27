<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="zh_CN">
    <context>
        <name>ClassroomPanel</name>
        <message>
            <source>Classroom</source>
            <translation>课堂</translation>
        </message>
        <message>
            <source>pending</source>
            <translation>握手中</translation>
        </message>
        <message>
            <source>accepted</source>
            <translation>已接受</translation>
        </message>
        <message>
            <source>refused (wrong key)</source>
            <translation>已拒绝（密钥错误）</translation>
        </message>
        <message>
            <source>timed out</source>
            <translation>超时</translation>
        </message>
        <message>
            <source>protocol error</source>
            <translation>协议错误</translation>
        </message>
        <message>
            <source>room full</source>
            <translation>教室已满</translation>
        </message>
        <message>
            <source>room locked</source>
            <translation>教室已锁</translation>
        </message>
        <message>
            <source>kicked</source>
            <translation>已踢出</translation>
        </message>
        <message>
            <source>cut off (limit)</source>
            <translation>已切断（超限）</translation>
        </message>
        <message>
            <source>Classroom: one server, the whole class, one lane per student</source>
            <translation>课堂：一个服务器，全班同学，每人一条泳道</translation>
        </message>
        <message>
            <source>Serve</source>
            <translation>开课（服务器）</translation>
        </message>
        <message>
            <source>Join</source>
            <translation>加入</translation>
        </message>
        <message>
            <source>Interface</source>
            <translation>网卡</translation>
        </message>
        <message>
            <source>Port</source>
            <translation>端口</translation>
        </message>
        <message>
            <source>Class key</source>
            <translation>课堂密钥</translation>
        </message>
        <message>
            <source>Framing</source>
            <translation>分帧</translation>
        </message>
        <message>
            <source>Max students</source>
            <translation>最多学生数</translation>
        </message>
        <message>
            <source>every interface (0.0.0.0)</source>
            <translation>所有网卡（0.0.0.0）</translation>
        </message>
        <message>
            <source>Copy the join command</source>
            <translation>复制加入命令</translation>
        </message>
        <message>
            <source>Instructor</source>
            <translation>教师操作</translation>
        </message>
        <message>
            <source>message to everyone</source>
            <translation>发给所有人的消息</translation>
        </message>
        <message>
            <source>Broadcast</source>
            <translation>广播</translation>
        </message>
        <message>
            <source>Challenge: hello + world</source>
            <translation>挑战：hello + world</translation>
        </message>
        <message>
            <source>Sends "hello" and "world" in one send(). A student whose program reads with framing prints them separately; one that trusts recv() prints "helloworld".</source>
            <translation>在一次 send() 中连发 "hello" 和 "world"。按分帧读取的学生程序会分别打印两条；相信一次 recv() 就是一条消息的程序会打印 "helloworld"。</translation>
        </message>
        <message>
            <source>Kick selected</source>
            <translation>踢出所选</translation>
        </message>
        <message>
            <source>Lock the room</source>
            <translation>锁上教室</translation>
        </message>
        <message>
            <source>netsim join sends a hello frame first, then answers the framed challenge (HMAC-SHA256, #WELCOME# or #FAILURE# back). A client that says nothing for {ms} ms gets the lesson's bare 32-byte challenge and answers with the raw digest: that is the lesson's own script. Its rows say "lesson" and carry no name: the address stands in.</source>
            <translation>netsim join 先发送一个 hello 帧，再回答带分帧的挑战（HMAC-SHA256，服务器回 #WELCOME# 或 #FAILURE#）。连接后 {ms} 毫秒内一言不发的客户端会收到课程原版的 32 字节裸挑战，并以原始摘要作答：这就是课程自己的脚本。它的行标为“课程”，没有名字，用地址代替。</translation>
        </message>
        <message>
            <source>No name, no version, no digest name on the wire: the server must guess the form.</source>
            <translation>线路上没有名字、没有版本、没有摘要算法名：服务器只能猜是哪种形式。</translation>
        </message>
        <message>
            <source>recv(32) returns what has arrived: a challenge sent in pieces gives the lesson's client a short challenge, and even the right key answers wrongly.</source>
            <translation>recv(32) 只返回已经到达的字节：挑战若分几段发出，课程的客户端拿到的是不完整的挑战，即使密钥正确，答案也是错的。</translation>
        </message>
        <message>
            <source>Nothing marks where the answer ends: the lesson's server takes one recv(1024) as the answer, so a message sent right behind it is glued on and the key is refused.</source>
            <translation>没有任何标记说明答案在哪里结束：课程的服务器把一次 recv(1024) 当作答案，紧跟在后面发出的消息会粘上去，正确的密钥也被拒绝。</translation>
        </message>
        <message>
            <source>No verdict goes back: a refused client cannot tell refusal from a server that just closed.</source>
            <translation>服务器不回送结论：被拒绝的客户端分不清“被拒绝”和“服务器只是关闭了连接”。</translation>
        </message>
        <message>
            <source>ret == res leaks timing; this server uses hmac.compare_digest.</source>
            <translation>ret == res 会泄露时间信息；本服务器使用 hmac.compare_digest。</translation>
        </message>
        <message>
            <source>MD5 was hmac.new's default digest: broken for collisions, name a SHA-2 digest instead.</source>
            <translation>MD5 曾是 hmac.new 的默认摘要算法：它的抗碰撞性已被攻破，应改为明确指定 SHA-2 摘要。</translation>
        </message>
        <message>
            <source>Two handshake forms, one port</source>
            <translation>两种握手形式，同一个端口</translation>
        </message>
        <message>
            <source>What is weak about the lesson's form</source>
            <translation>课程原版形式的弱点</translation>
        </message>
        <message>
            <source>Name</source>
            <translation>名字</translation>
        </message>
        <message>
            <source>Server (IP:port)</source>
            <translation>服务器（IP:端口）</translation>
        </message>
        <message>
            <source>Messages (comma-separated)</source>
            <translation>消息（逗号分隔）</translation>
        </message>
        <message>
            <source>your name</source>
            <translation>你的名字</translation>
        </message>
        <message>
            <source>student sent</source>
            <translation>学生发送</translation>
        </message>
        <message>
            <source>server recv() chunk</source>
            <translation>服务器 recv() 块</translation>
        </message>
        <message>
            <source>merged chunk</source>
            <translation>粘包块</translation>
        </message>
        <message>
            <source>split message</source>
            <translation>半包消息</translation>
        </message>
        <message>
            <source>server sent</source>
            <translation>服务器发送</translation>
        </message>
        <message>
            <source>now</source>
            <translation>现在</translation>
        </message>
        <message>
            <source>student</source>
            <translation>学生</translation>
        </message>
        <message>
            <source>lesson</source>
            <translation>课程</translation>
        </message>
        <message>
            <source>No students yet.</source>
            <translation>还没有学生。</translation>
        </message>
        <message>
            <source>messages received</source>
            <translation>收到的消息</translation>
        </message>
        <message>
            <source>my recv() chunk</source>
            <translation>我的 recv() 块</translation>
        </message>
        <message>
            <source>I sent</source>
            <translation>我发送</translation>
        </message>
        <message>
            <source>Not joined.</source>
            <translation>尚未加入。</translation>
        </message>
        <message>
            <source>Address</source>
            <translation>地址</translation>
        </message>
        <message>
            <source>Form</source>
            <translation>形式</translation>
        </message>
        <message>
            <source>Verdict</source>
            <translation>结论</translation>
        </message>
        <message>
            <source>Msgs in</source>
            <translation>收到消息</translation>
        </message>
        <message>
            <source>Msgs out</source>
            <translation>发出消息</translation>
        </message>
        <message>
            <source>recv() chunks</source>
            <translation>recv() 块数</translation>
        </message>
        <message>
            <source>Merged</source>
            <translation>粘包</translation>
        </message>
        <message>
            <source>Split</source>
            <translation>半包</translation>
        </message>
        <message>
            <source>Framing parsed</source>
            <translation>分帧可解析</translation>
        </message>
        <message>
            <source>Challenge</source>
            <translation>挑战</translation>
        </message>
        <message>
            <source>Last message</source>
            <translation>最后一条消息</translation>
        </message>
        <message>
            <source>Bytes in / out</source>
            <translation>字节 收 / 发</translation>
        </message>
        <message>
            <source>Errors</source>
            <translation>错误</translation>
        </message>
        <message>
            <source>yes</source>
            <translation>是</translation>
        </message>
        <message>
            <source>no</source>
            <translation>否</translation>
        </message>
        <message>
            <source>gone</source>
            <translation>已离开</translation>
        </message>
        <message>
            <source>waiting</source>
            <translation>等待中</translation>
        </message>
        <message>
            <source>hello | world</source>
            <translation>hello | world</translation>
        </message>
        <message>
            <source>helloworld (glued)</source>
            <translation>helloworld（粘在一起）</translation>
        </message>
        <message>
            <source>other</source>
            <translation>其他</translation>
        </message>
        <message>
            <source>Stop</source>
            <translation>停止</translation>
        </message>
        <message>
            <source>Start serving</source>
            <translation>开始服务</translation>
        </message>
        <message>
            <source>Class key: {key}</source>
            <translation>课堂密钥：{key}</translation>
        </message>
        <message>
            <source>Start serving to get the command students type.</source>
            <translation>开始服务后，这里显示学生要输入的命令。</translation>
        </message>
        <message>
            <source>{connected} connected, {accepted} accepted; {lesson} used the lesson's form. Merged chunks: {merged}, split messages: {split}.</source>
            <translation>{connected} 人在线，{accepted} 人已接受；{lesson} 人使用课程原版形式。粘包块：{merged}，半包消息：{split}。</translation>
        </message>
        <message>
            <source>Challenge: {separate} read hello | world, {glued} got helloworld.</source>
            <translation>挑战：{separate} 人读到 hello | world，{glued} 人得到 helloworld。</translation>
        </message>
        <message>
            <source>The room is locked.</source>
            <translation>教室已锁。</translation>
        </message>
        <message>
            <source>Leave</source>
            <translation>离开</translation>
        </message>
        <message>
            <source>The class key must not be empty.</source>
            <translation>课堂密钥不能为空。</translation>
        </message>
        <message>
            <source>The server stopped: {why}</source>
            <translation>服务器已停止：{why}</translation>
        </message>
        <message>
            <source>Joining {address} as {name}…</source>
            <translation>正在以 {name} 的身份加入 {address}…</translation>
        </message>
        <message>
            <source>echo</source>
            <translation>回显</translation>
        </message>
        <message>
            <source>from the instructor</source>
            <translation>来自教师</translation>
        </message>
        <message>
            <source>Verdict: {verdict}</source>
            <translation>结论：{verdict}</translation>
        </message>
        <message>
            <source>error: {text}</source>
            <translation>错误：{text}</translation>
        </message>
    </context>
</TS>

// Test peer: write "hello" and "world" 100 ms apart, half-close, print the reply.
const net = require("net");
const sock = net.connect({ host: "127.0.0.1", port: Number(process.env.LESSON_PORT || 9001) }, () => {
  sock.write("hello");
  setTimeout(() => { sock.write("world"); sock.end(); }, 100);
});
let reply = "";
sock.on("data", (d) => { reply += d; });
sock.on("end", () => { console.log(reply); });
sock.on("error", (e) => { console.error(e.message); process.exit(1); });

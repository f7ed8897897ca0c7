// 06-auth: check titles and hints in Chinese, keyed by check id.

import type { CheckTexts } from '../checks.ts';
import { commonChecks } from './common.ts';

export default {
  ...commonChecks('06'),
  ready: {
    title: '设置了 NETLINGS_SECRET 后启动，打印 "listening on 127.0.0.1:PORT"，端口是真正拿到的那个',
    hint: '在 listen() 的回调里打印就绪行，端口取自 server.address().port。手动运行看看：`NETLINGS_SECRET=abc npm run run -- 06 server`。',
  },
  'stops-on-sigterm': {
    title: '收到 SIGTERM 时关闭所有连接（不管有没有作答）并以 0 退出',
    hint: "process.once('SIGTERM', ...) 和 process.once('SIGINT', ...)：server.close()，销毁每一个还开着的 socket（还在握手中的也要：一个没到点的认证定时器会让进程一直活着），以 0 退出。",
  },
  'client-connection-refused': {
    title: '客户端连接被拒绝时用一行说明原因并以 1 退出',
    hint: "监听 socket 的 'error' 事件：往 stderr 打印一行，例如 `cannot connect to 127.0.0.1:PORT: connection refused`，然后以 1 退出。试试 `NETLINGS_SECRET=abc npm run run -- 06 client --port 1`。",
  },
  'auth-then-lines': {
    title: '发送 32 字节的挑战；正确的应答让这条连接变成行服务',
    hint: "正好读 32 个字节（它们可能分成许多次 'data' 事件到达，也可能和后面的行挤在一次里），计算 crypto.createHmac('sha256', secret).update(challenge).digest()，用 crypto.timingSafeEqual 比较。然后把 32 个字节之后的字节交给行服务。",
  },
  'wrong-secret-refused': {
    title: '错误的应答被关闭，没有服务，什么都不回答',
    hint: '错误的应答会让连接关闭，什么都不发（没有错误行，没有服务）：32 个字节一到、发现不对，就 socket.destroy()。关闭前稍等片刻也可以。',
  },
  'digest-byte-by-byte': {
    title: '一次一个字节到达的应答，要等 32 个字节全部到齐',
    hint: "一次 'data' 事件不是完整的应答：收集数据块直到凑够 32 个字节（Python 的 recv(32) 也可能返回更少）。",
  },
  'digest-and-lines-in-one-write': {
    title: '回答和应答在同一次写入里到达的行',
    hint: '应答那 32 个字节之后的字节是对话的开头：在处理任何后来的数据之前，先把它们交给行服务。不要丢掉数据块剩下的部分。',
  },
  'digest-with-newline-and-nul': {
    title: '把含有 \\n、\\r、\\0 和空格的应答当作字节接收（不断开新连接，直到应答里各出现过一次）',
    hint: '应答是 32 个原始字节，其中任何一个都可能是 \\n、\\r、\\0 或空格：绝不要把它当作一行来读，绝不要 trim，绝不要在 \\0 处停下。数 32 个字节。',
  },
  'concurrent-handshakes': {
    title: '三个客户端同时拿到挑战，按相反的顺序作答',
    hint: '把每条连接的挑战（以及它已经收到的那部分应答）放在连接处理函数里面。模块级的变量只保存最新来的那个客户端的挑战。',
  },
  'fresh-challenges': {
    title: '50 条连接拿到 50 个看起来随机的不同挑战',
    hint: '每条连接一个新的挑战，来自 crypto.randomBytes(32)，在连接处理函数里生成：绝不是常量、计数器、时钟，也不是整个服务端一个值。',
  },
  'replayed-answer-refused': {
    title: '在一条连接上截获的应答，在下一条连接上被拒绝',
    hint: '正确的应答是这条连接自己的挑战的 HMAC：和它比较，别的什么都不接受（不要保存一份以前成功过的应答列表）。',
  },
  'auth-timeout': {
    title: '到 --auth-timeout 时，静默的客户端、只发了一半应答的、逐字节滴送应答的都被关闭；已作答的客户端保留',
    hint: '发出挑战时启动一个定时器：setTimeout(() => socket.destroy(), authTimeout * 1000)。应答正确时（以及关闭时）清除它。socket.setTimeout() 在这里是错误的工具：每来一个字节它就重新计时，所以一个每秒发一个字节的客户端永远不会被关闭。',
  },
  'line-service-after-auth': {
    title: '应答之后，逐字节到达的行、被拆到两次读取里的字符、半关闭都得到回答',
    hint: "认证之后就是第 02 课的服务：缓冲到 \\n，用同一个解码器解码整条流（被拆开的字符保持完整），收到 'end' 时回答没有 \\n 的最后一行，然后 socket.end()。",
  },
  'survives-reset': {
    title: '在握手中或一行中间重置的客户端不会让服务端停下',
    hint: "从连接建立的那一刻起、在发送挑战之前，就给每个 socket 一个 'error' 监听函数：重置（RST）会让它发出带 ECONNRESET 的 'error'，没人处理的话会杀死服务端和所有客户端。",
  },
  'idle-uses-no-cpu': {
    title: '客户端离开之后（其中一个在应答中途离开），空闲时不占 CPU',
    hint: "绝不要轮询：不要有反复调用 socket.read() 的循环，不要在等应答时用 setImmediate/setInterval 空转。让 'data'、'end' 和一个定时器来调用你。",
  },
  'secret-from-file': {
    title: '--secret-file 有效，优先于 NETLINGS_SECRET，末尾的换行不算密钥的一部分',
    hint: '把文件按字节读出来（fs.readFileSync(file)），去掉末尾的一个 \\n 或 \\r\\n，给了 --secret-file 时就用它代替 NETLINGS_SECRET。试试 `echo mysecret > /tmp/s; npm run run -- 06 server --secret-file /tmp/s`。',
  },
  'missing-secret': {
    title: '没有密钥，或者密钥文件读不了：一行清楚的错误，以 2 退出',
    hint: '监听之前先加载密钥：--secret-file FILE，否则 NETLINGS_SECRET（空值算没设）。都没有的话，往 stderr 打印一行（`no secret: give --secret-file FILE or set NETLINGS_SECRET`），以 2 退出。绝不在没有密钥的情况下启动。',
  },
  'advice-timing-safe-compare': {
    title: '建议（分值很少，读源代码判断）：用 crypto.timingSafeEqual 比较摘要',
    hint: '用 crypto.timingSafeEqual(answer, expected) 比较应答（Python：hmac.compare_digest），而不是 ===、Buffer.equals 或在第一个不同处就停下的循环。这项检查只是在你的源代码里找 timingSafeEqual（或 crypto.subtle.verify）：在回环地址上没法可靠地测量时间差。',
  },
  'client-answers-challenge': {
    title: '客户端用 HMAC-SHA256 回答含有 \\n、\\r、\\0 和非 UTF-8 字节、分几次写入到达的挑战',
    hint: "收集服务端的字节直到凑够 32 个（不要 setEncoding：它们不是文本，而且可能含有 \\n 或 \\0），然后发送 crypto.createHmac('sha256', secret).update(challenge).digest()：32 个原始字节，别的什么都没有。",
  },
  'client-talks-after-auth': {
    title: '客户端在挑战之前什么都不发，作答之后再发它的行并打印回复',
    hint: '整个挑战到齐之前什么都不要发：你的头 32 个字节就是应答。作答之后才开始读 stdin（readline）、发送各行，和第 02 课一样。',
  },
  'client-end-of-stdin': {
    title: '输入结束时客户端仍然打印回复，然后以 0 退出',
    hint: "stdin 结束时，半关闭（socket.end()）但继续读：等服务端关闭（'end'）之后才退出，这样最后几条回复才会打印出来。",
  },
  'client-server-closes-first': {
    title: '服务端在一条回复之后关闭时，客户端说 "connection closed by server" 并以 0 退出',
    hint: "收到 socket 的 'end' 事件时，如果你没有发过 quit、你的输入也还没结束，就打印 `connection closed by server`，以 0 退出。",
  },
  'client-secret-file': {
    title: '客户端从 --secret-file 取密钥（优先于 NETLINGS_SECRET，去掉末尾的换行）',
    hint: '把文件按字节读出来（fs.readFileSync(file)），去掉末尾的一个 \\n 或 \\r\\n，给了 --secret-file 时就用它代替 NETLINGS_SECRET。',
  },
  'client-missing-secret': {
    title: '没有密钥的客户端打印一行清楚的错误，以 2 退出',
    hint: '连接之前先加载密钥：--secret-file FILE，否则 NETLINGS_SECRET（空值算没设）。都没有的话，往 stderr 打印一行，以 2 退出。',
  },
} satisfies CheckTexts;

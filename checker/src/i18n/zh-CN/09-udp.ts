// 09-udp: check titles and hints in Chinese, keyed by check id. There are no connections in UDP, so the
// shared checks read differently here (a socket is bound and closed) and the client has no refused connection.

import type { CheckTexts } from '../checks.ts';

const STOPS_BOTH = '（SIGINT 和 SIGTERM 都要处理：Ctrl-C 发的是前者，kill 和各种服务管理器发的是后者。）';

export default {
  ready: {
    title: '绑定它的 UDP socket，打印 "listening on 127.0.0.1:PORT"，端口是真正拿到的那个',
    hint: '在 bind() 的回调里打印就绪行，端口取自 socket.address().port。手动运行看看：`npm run run -- 09 server`。',
  },
  'port-in-use': {
    title: '端口已被占用时打印一行清楚的错误并以 1 退出',
    hint: "监听 socket 的 'error' 事件；遇到 EADDRINUSE 就往 stderr 打印一行（`cannot listen on HOST:PORT: address already in use`），然后以退出码 1 退出。",
  },
  'stops-on-sigint': {
    title: '收到 SIGINT 时关闭 socket 并以 0 退出',
    hint: `process.once('SIGINT', ...)：socket.close()，然后以 0 退出。${STOPS_BOTH}`,
  },
  'stops-on-sigterm': {
    title: '收到 SIGTERM 时关闭 socket 并以 0 退出',
    hint: `process.once('SIGTERM', ...)：socket.close()，然后以 0 退出。${STOPS_BOTH}`,
  },
  'reply-upper-case': {
    title: '用一个数据报回答每一个数据报，转成大写，从它自己的端口发出',
    hint: "在 'message' (msg, rinfo) 里：解码，用 toUpperCase() 转成大写，用同一个 socket 把回复发给 rinfo.port 和 rinfo.address。什么都不加：没有 \\n，没有提示符。",
  },
  'hundred-datagrams': {
    title: '连续发出的 100 个数据报得到 100 条回复，每条都是对它自己那个数据报的回复',
    hint: "每个 'message' 都是一个完整的数据报：立即用一个属于它自己的数据报回答它。绝不要把几条回复合成一次 send，也绝不要把一条拆成几次：UDP 会保留你给它的边界。",
  },
  'empty-datagram': {
    title: '空数据报得到一个空的回复数据报',
    hint: "在 UDP 里，空数据报和其他消息一样是一条消息（在 TCP 里零字节表示流结束；这里不是）。'message' 会带着一个空 Buffer 触发：回答它，在大写模式下回一个空数据报。",
  },
  'clients-own-address': {
    title: '来自五个客户端 socket 的数据报各自被回答到它们自己的地址',
    hint: 'UDP 里没有连接：每个数据报都带着它发送方的地址（rinfo）。回复给你正在回答的那个数据报的 rinfo.address 和 rinfo.port，绝不要回复给之前记住的某个客户端。',
  },
  'big-datagram': {
    title: '一个 60,000 字节的数据报在一个数据报里得到它完整的回复',
    hint: "一个 UDP 数据报最多装 65,507 个字节，Node 会在一次 'message' 里把它全部交给你（没有会截断它的 recvfrom(1024)）。用一次 send 回复它的全部内容。",
  },
  'time-default-format': {
    title: '时间模式：空数据报得到按 %Y-%m-%d %X 写出的日期和时间',
    hint: "在 UDP 里空数据报是一个真正的请求。在时间模式下它表示默认格式 '%Y-%m-%d %X'：2026-12-02 04:07:18。",
  },
  'time-directives': {
    title: '时间模式：%Y %m %d %H %M %S %X 各自给出本地时间，单独出现和夹在文本里都一样',
    hint: '不属于指令的每个字符都原样照抄；每个指令替换成本地时间里对应的字段，补零到两位（年份补到四位）。',
  },
  'time-percent-literal': {
    title: '时间模式：%% 是一个字面的 %，紧挨在一个是指令的字母前面时也一样',
    hint: "从左到右把格式读一遍：% 之后，由下一个字符决定。%%Y 是一个字面的 % 再加一个 Y，而不是一个 % 加上年份。一次替换一种指令（先 replaceAll('%Y', ...)，再 replaceAll('%%', '%')）会把这弄错。",
  },
  'time-bad-format': {
    title: '时间模式：服务端处理不了的格式得到一条 "error ..." 回复，而不是沉默，服务端继续运行',
    hint: '每个数据报都要得到回复。遇到你不支持的指令、末尾孤零零的一个 %，或者超过上限的格式，回复 `error MESSAGE`（捕获你的 FormatError；格式化之前先检查大小：超过 65,507 字节的回复根本发不出去）。',
  },
  'client-prints-replies': {
    title: '客户端把每一行作为一个数据报发送，并打印每条回复',
    hint: '对 stdin 的每一行，发送一个装着这一行字节、不带 \\n 的数据报到 --host 和 --port：socket.send(Buffer.from(line), port, host)。用 console.log 打印回复，输入结束、每一行都有了回复时以 0 退出。',
  },
  'client-empty-line': {
    title: '客户端把空行作为空数据报发送（在 UDP 里它是一条消息）',
    hint: '不要跳过空行：在 UDP 里空数据报是一个真正的请求（时间服务端用默认格式回答它）。socket.send(Buffer.alloc(0), port, host) 就能发送一个。',
  },
  'client-resends': {
    title: '数据报丢失时客户端在 --timeout 之后重发，重复的回复只打印一次',
    hint: 'UDP 不会替你重发。发送之后启动一个 --timeout 毫秒的定时器；它到点时还没有回复，就再发一次同样的数据报，最多 --retries 次。采用服务端的第一条回复；之后到来的它的副本不打印。',
  },
  'client-late-duplicate': {
    title: '对前一行的迟到回复不会被当作下一行的回答打印出来',
    hint: '这个协议没有请求 id，所以对 "alpha" 的迟到回复看起来和一个回答一模一样。每一行都从一个专属的 socket 发送（一个新的 dgram socket，一个新端口），这一行有了回复就关闭它：这样迟到的回复会发到一个没人读的端口，永远不会发到下一行的 socket。',
  },
  'client-ignores-strangers': {
    title: '来自意外地址的回复被忽略',
    hint: '任何人都可以往你的端口发数据报。只有 rinfo.address 和 rinfo.port 是服务端的（你发请求的那个地址）时，才采用这条回复；其他的一律忽略，继续等待。',
  },
  'client-gives-up': {
    title: '重试之后仍无回复：stderr 上一行，以 1 退出，在 (retries+1) × timeout 之内',
    hint: '发送一次数据报，再重发 --retries 次，每次间隔 --timeout 毫秒。最后一次等待结束仍没有回复时，在 stderr 上打印一行写明服务端（`no reply from 127.0.0.1:PORT after 3 tries`），以 1 退出。',
  },
  'client-no-server': {
    title: '那个地址上什么都没有：stderr 上一行写明地址，以 1 退出，绝不打印调用栈',
    hint: "往一个没有程序监听的端口发 UDP 数据报会成功；回答是沉默（或者，在已连接的 socket 上，是一个带 ECONNREFUSED 的 'error' 事件：要监听它）。无论哪种，都在 stderr 上打印一行写明地址，以 1 退出。",
  },
} satisfies CheckTexts;

// 07-socketserver: check titles and hints in Chinese, keyed by check id. Lesson 02's server checks
// keep lesson 02's Chinese titles, with this lesson's hints where checks/07-socketserver.ts gives
// them its own; each runs again as `sequential-ID` (title prefixed with "--mode sequential：").

import type { CheckText, CheckTexts } from '../checks.ts';
import lesson02 from './02-loop-server.ts';
import { commonChecks } from './common.ts';

const STAYS_ALIVE_07 =
  "框架在接受连接时立刻给每个 socket 加上 'error' 监听函数；重置会让 readLine() 被拒绝（或者返回 null），处理器随之结束，它的错误是 stderr 上的一行，服务端照常运行。";

/** Lesson 02's checks with the hints checks/07-socketserver.ts gives them in this lesson's terms. */
const hints07: Record<string, string> = {
  'reply-upper-case':
    "在 handle() 里循环：`const line = await this.readLine();` 得到 null 就结束循环；否则 `await this.write(line.toUpperCase() + '\\n')`。",
  'line-byte-by-byte': 'readLine() 必须等整行到齐：最后一个 \\n 之后的字节留给下一个数据块。名为 read-line-* 的模块检查只测框架本身。',
  'multibyte-split': "readLine() 只在一行完整之后才解码它：保留 Buffer 直到 \\n，再 line.toString('utf8')。",
  'lines-in-one-write': '一个数据块可能装着很多行：readLine() 每次调用交出一行，其余的留给后面的调用。',
  'quit-says-bye': "这一行正好是 quit 时：`await this.write('bye\\n')`，然后从 handle() 返回；finish() 之后框架会关闭连接。",
  'crlf-lines': 'readLine() 会去掉紧挨在 \\n 前面的一个 \\r，所以 quit\\r\\n 就是 quit。',
  'nothing-after-quit': 'quit 之后从 handle() 返回：不再读也不再写；框架会结束这条连接，并丢弃还在到达的数据。',
  'half-close-gets-replies':
    '结束了自己那一侧的客户端仍然在读：readLine() 先返回它的最后一行（不带 \\n），再返回 null；回答这一行，然后从 handle() 返回。框架的 net.Server 需要 { allowHalfOpen: true }，否则 Node 会在你回复之前替你结束你这一侧。',
  'survives-reset': STAYS_ALIVE_07,
  'logs-connections':
    "在 setup() 里用 this.clientAddress 执行 console.log(`connected ${host}:${port}`)，连接没了的时候（它的 'close' 事件，或者 finish()）打印 `disconnected ...`。",
  'concurrent-clients':
    '--mode concurrent（默认）同时服务每个客户端：用 ThreadingTCPServer。每条连接的状态放在它自己的处理器里，绝不要放在所有连接共用的变量里。',
};

/** Lesson 02's server checks as this lesson runs them (ready, port-in-use and the signals are commonChecks). */
const lesson02Ids = [
  'reply-upper-case',
  'line-byte-by-byte',
  'multibyte-split',
  'lines-in-one-write',
  'quit-says-bye',
  'crlf-lines',
  'concurrent-clients',
  'serves-client-after-client',
  'nothing-after-quit',
  'half-close-gets-replies',
  'survives-reset',
  'logs-connections',
  'idle-uses-no-cpu',
] as const;

// Lesson 07 grades no client: commonChecks' client-connection-refused has no check here.
const { 'client-connection-refused': _noClient, ...common } = commonChecks('07');

const wireChecks: CheckTexts = Object.fromEntries(
  lesson02Ids.map((id): [string, CheckText] => {
    const own = lesson02[id];
    return [id, { title: own.title, hint: hints07[id] ?? own.hint }];
  }),
);

/** The checks that run again on a server of their own started with --mode sequential. */
const SEQUENTIAL_SKIPS = new Set(['concurrent-clients', 'survives-reset']);
const sequentialAgain: CheckTexts = Object.fromEntries(
  Object.entries({ ready: common['ready'], ...wireChecks, 'port-in-use': common['port-in-use'], 'stops-on-sigint': common['stops-on-sigint'], 'stops-on-sigterm': common['stops-on-sigterm'] })
    .filter(([id]) => !SEQUENTIAL_SKIPS.has(id))
    .map(([id, t]): [string, CheckText] => [`sequential-${id}`, { title: `--mode sequential：${t?.title ?? ''}`, hint: t?.hint ?? '' }]),
);

export default {
  ...common,
  ...wireChecks,
  'concurrent-mode-flag': {
    title: '--mode concurrent 同时服务两个客户端',
    hint: "--mode concurrent（也是默认值）用 ThreadingTCPServer。用 parseArgs 读这个选项：`mode: { type: 'string', default: 'concurrent' }`。",
  },
  ...sequentialAgain,
  'sequential-one-client-at-a-time': {
    title: '--mode sequential 一次只服务一个客户端：下一个在等待，得不到回答，直到第一个离开',
    hint: "--mode sequential 用 TCPServer：一次只有一个处理器，下一条连接在队列里等着。根据选项挑选类：`mode === 'sequential' ? new TCPServer(...) : new ThreadingTCPServer(...)`。",
  },
  'sequential-survives-reset': {
    title: '--mode sequential：客户端重置连接（正在被服务时、排队等待时、收到 bye 之后）不会让服务端停下',
    hint: STAYS_ALIVE_07,
  },
  'framework-basics': {
    title: '框架的几个类：处理器拿到 socket、客户端地址和服务端；serverAddress 里是真正的端口',
    hint: '导出 BaseRequestHandler、StreamRequestHandler（继承 BaseRequestHandler）、TCPServer 和 ThreadingTCPServer（继承 TCPServer）。服务端这样创建处理器：`new this.Handler(socket, [socket.remoteAddress, socket.remotePort], this)`；listen() 之后，用 server.address() 设置 serverAddress = [address, port]。',
  },
  'serve-forever-listens': {
    title: '还没调用 listen() 时，serveForever() 先开始监听',
    hint: 'serveForever() 一开始就 `await this.listen()`；listen() 调用两次也只监听一次（把它的 promise 存起来）。',
  },
  'phases-in-order': {
    title: 'setup、handle、finish 按这个顺序运行，每个都被 await，然后关闭连接',
    hint: '先 `await handler.setup(); await handler.handle();`，再在 finally 里 `await handler.finish();`，之后才关闭连接：socket.end()。钩子可以返回 promise，也可以什么都不返回；await 对两者都适用。',
  },
  'handle-throws': {
    title: 'handle() 抛出异常或被拒绝时：finish() 照样运行，stderr 上一行 "HOST:PORT handler error: MESSAGE"，连接被关闭，服务端照常运行',
    hint: '用 try/catch 包住 setup 和 handle：用 console.error 记录 `${host}:${port} handler error: ${err.message}`（一行，不要直接打印错误对象，那样会打出调用栈），然后无论如何都运行 finish()，关闭连接，再接下一条连接。',
  },
  'setup-throws': {
    title: 'setup() 抛出异常或被拒绝时：handle() 不运行，finish() 运行，错误是 stderr 上的一行，服务端照常运行',
    hint: 'setup() 和 handle() 放在同一个 try 块里：setup 抛出时就跳过 handle；catch 记录一行；finish() 在 try/catch 之后（放在 finally 里）总会运行。',
  },
  'tcp-server-one-at-a-time': {
    title: 'TCPServer：排队等待的连接没有处理器，也不会被读取，直到当前处理器的 finish() 完成',
    hint: '处理器运行期间到达的连接放进队列，原封不动：创建 net.Server 时加上 { pauseOnConnect: true }，这样 Node 一个字节也不会读它；等循环取到它（当前处理器的 finish() 已经 resolve 之后）再创建它的处理器。',
  },
  'threading-concurrent': {
    title: 'ThreadingTCPServer：50 个客户端，每个的处理器要花 200 ms，全部在远不到一秒内得到服务',
    hint: 'ThreadingTCPServer 每来一条连接就处理它：不要等一个处理器结束再去接下一条连接（在 Python 里，ThreadingMixIn.process_request 开一个线程就返回）。',
  },
  'handle-request-one': {
    title: 'handleRequest() 正好处理一条连接，一直处理到结束',
    hint: 'handleRequest()：等下一条连接（队列里的，或者下一条到来的），把它的处理器运行到底（包括 finish），然后 resolve。不要接第二条连接，也不要在处理器完成之前 resolve。',
  },
  'shutdown-waits': {
    title: 'shutdown() 让 serveForever() 不再接受连接，在正在运行的处理器都完成后 resolve；之后 serverClose()，端口拒绝连接',
    hint: 'shutdown()：设一个 serveForever 循环会检查的标志，如果循环正在等连接就唤醒它，然后 await 这个循环和每个还在运行的处理器（把它们的 promise 放在一个 Set 里）。循环停下之后 serveForever() 才 resolve。',
  },
  'server-close-frees-port': {
    title: '即使还有连接开着，serverClose() 也很快 resolve，端口随即空出来',
    hint: 'serverClose()：调用 server.close()，不等它的回调就 resolve：那个回调要等每条连接都结束才来，而这可能永远不会发生。',
  },
  'hundred-at-once': {
    title: '同时到达的 100 条连接都得到服务，两种服务端都一样',
    hint: '每条等待中的连接都留在队列里，不管有多少条：Python 的 request_queue_size 为 5，指的是内核的监听队列（backlog），并不是丢掉连接的理由。',
  },
  'listen-busy-port': {
    title: '在已被占用的端口上 listen()，以 EADDRINUSE 拒绝',
    hint: "在 listen() 里，用 server 的 'error' 事件（只听一次）拒绝 promise，用监听回调 resolve：`server.once('error', reject); server.listen({ host, port }, resolve)`。",
  },
  'survives-client-reset': {
    title: '客户端在任何时刻重置连接，无论处理器在做什么，服务端都不会崩溃',
    hint: "在连接回调里，在任何处理器存在之前，立刻给每个接受的 socket 加上 'error' 监听函数：重置（ECONNRESET）会发出 'error'，而没人监听的 'error' 会结束整个进程。",
  },
  'closes-half-open': {
    title: 'finish() 之后服务端结束自己那一侧；客户端一直不结束它那一侧时，10 s 内销毁 socket',
    hint: "finish() 之后：socket.end()（待发的数据写完后发 FIN），然后设一个定时器：`setTimeout(() => socket.destroy(), 10_000)`，在 'close' 时清掉。一个永不关闭的客户端不能永远占着一个 socket。",
  },
  'read-line-split': {
    title: '一行按字节逐个到达、或在字符中间被切开时，readLine() 等整行到齐',
    hint: "一个 'data' 数据块并不是一行：最后一个 \\n 之后的字节留给下一个数据块，一行只在完整之后才解码（一个字符的字节可能分两个数据块到达；\\n 永远不会出现在字符内部）。",
  },
  'read-line-coalesced': {
    title: '许多行在一次写入里到达时，readLine() 每次调用交出其中一行',
    hint: '一个数据块可能装着很多行：每次 readLine() 调用交出一行，其余的留给后面的调用。空行（\\n\\n）也是一行。',
  },
  'read-line-crlf': {
    title: 'readLine() 把 \\r\\n 当作行尾，即使 \\r 和 \\n 在不同的读取里',
    hint: '紧挨在 \\n 前面的 \\r 属于行尾：从整行里去掉它（它可能是在上一个数据块里来的）。',
  },
  'read-line-end': {
    title: 'readLine() 返回没有 \\n 的最后一行，然后在流结束时以及之后的每次调用都返回 null',
    hint: "收到 'end' 时，从最后一个 \\n 起保留的字节就是最后一行（如果有的话）；之后 readLine() 每次调用都返回 null：记住流已经结束了，不要再等下一个 'end'。",
  },
  'write-backpressure': {
    title: '客户端不读时 write() 一直等着，客户端一开始读就再次 resolve',
    hint: "write()：`if (socket.write(data)) return;` 否则等 socket 的 'drain'（遇到 'close' 就拒绝）。立即 resolve 的 write() 会让处理器为一个从不读取的客户端攒下几个 GB 的数据。",
  },
} satisfies CheckTexts;

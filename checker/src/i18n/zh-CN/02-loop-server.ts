// 02-loop-server: check titles and hints in Chinese, keyed by check id.

import type { CheckTexts } from '../checks.ts';
import { commonChecks, STAYS_ALIVE_ZH } from './common.ts';

export default {
  ...commonChecks('02'),
  'reply-upper-case': {
    title: '同一条连接上的每一行都转成大写回答',
    hint: "保持连接打开，每凑齐一行就回答：socket.write(line.toUpperCase() + '\\n')。只有收到 quit 或客户端离开时才关闭。",
  },
  'line-byte-by-byte': {
    title: '一行按字节逐个到达时，等整行到齐再回答',
    hint: "一次 'data' 事件并不是一行。把每个数据块都追加到缓冲区，回答其中每一个完整的行（到 \\n 为止），剩下的留给下一个数据块。",
  },
  'multibyte-split': {
    title: '一个字符的字节被拆到两次读取里时，仍然完整地还原它',
    hint: "对每个数据块单独解码（chunk.toString()）会把被拆开的字符变成 U+FFFD �。调用一次 socket.setEncoding('utf8')：之后 Node 会用同一个 StringDecoder 解码整条流。",
  },
  'lines-in-one-write': {
    title: '几行在一次写入里到达时，每一行都要回答',
    hint: '一个数据块可能装着很多行。循环处理：只要缓冲区里还有 \\n，就切下它前面的那一行并回答。',
  },
  'quit-says-bye': {
    title: '收到 quit 回答 bye，并关闭这条连接',
    hint: "这一行正好是 quit 时，回复 'bye\\n' 并关闭：socket.end('bye\\n')。",
  },
  'crlf-lines': {
    title: '以 \\r\\n 结尾的行当作同一行：quit\\r\\n 也回答 bye 并关闭',
    hint: '一行可能以 \\r\\n 结尾（telnet、Windows 和很多客户端都这样发）：在 \\n 之前去掉一个 \\r。这样 quit\\r\\n 就是 quit，\\r 也不会跑进回复里。',
  },
  'concurrent-clients': {
    title: '同时连着的三个客户端都得到服务，按相反顺序回答',
    hint: '把每条连接的状态（它的 socket、它的缓冲区）放在连接处理函数里面。所有连接共用的变量会把一个客户端的回复发给另一个客户端。',
  },
  'serves-client-after-client': {
    title: '持续服务：客户端一个接一个地来了又走',
    hint: STAYS_ALIVE_ZH,
  },
  'nothing-after-quit': {
    title: '回答 bye 之后不再发送任何东西，也不出错，即使 quit 后面还跟着别的行',
    hint: 'quit 之后这条连接就结束了：停止读取（或者忽略还在到达的数据），再也不要写。在 socket.end() 之后写是一个错误（ERR_STREAM_WRITE_AFTER_END）；回答完 quit 就记一个标志，或者移除 \'data\' 监听函数。',
  },
  'half-close-gets-replies': {
    title: '半关闭的客户端仍能收到每一条回复，包括没有 \\n 的最后一行',
    hint: "收到 'end' 时客户端已经停止发送，但还在读：回答缓冲区里剩下的内容（没有 \\n 的最后一行也算），然后 socket.end()。创建服务端时加上 { allowHalfOpen: true }。",
  },
  'survives-reset': {
    title: '客户端在任何时刻重置（RST）连接，服务端都不会因此停下',
    hint: "给每个 socket 加上 'error' 监听函数——凡是会转发 socket 错误的对象也都要加（套在 socket 上的 readline Interface，在 socket 出错时也会发出 'error'）。重置（RST）会让 socket 发出带 ECONNRESET 的 'error'；没人处理的话，它会杀死服务端，连同其他所有客户端。",
  },
  'logs-connections': {
    title: '在 stdout 上记录 "connected HOST:PORT" 和 "disconnected HOST:PORT"',
    hint: "在连接处理函数里 console.log(`connected ${socket.remoteAddress}:${socket.remotePort}`)，在 socket 的 'close' 事件里用 disconnected 打印同样的一行。",
  },
  'idle-uses-no-cpu': {
    title: '所有客户端都离开后，空闲时不占用 CPU',
    hint: "不要轮询：不要写反复调用 socket.read() 的循环，也不要用 setImmediate/setInterval 空转“等下一个客户端来”。让 'connection'、'data'、'end' 和 'close' 事件来调用你。（这个 bug 在 Python 里的样子：客户端离开后 recv() 一直返回 b''，循环就一直空转。）",
  },
  'client-prints-replies': {
    title: '客户端发送每一行并打印每条回复，即使回复按字节逐个到达',
    hint: "把服务端发来的字节缓冲起来，每遇到一个 \\n 打印一行；用 socket.setEncoding('utf8') 解码，让被拆开的字符保持完整。",
  },
  'client-skips-empty-lines': {
    title: '客户端从不发送空行',
    hint: "遇到空的输入行就跳过，不要发送。（在 Python 里 send(b'') 什么都不发，客户端接着就会永远等一个回复。）",
  },
  'client-end-of-stdin': {
    title: '输入结束时，客户端仍然打印完所有回复，然后以 0 退出',
    hint: "stdin 结束时，半关闭（socket.end()）但继续读：等服务端关闭（'end'）之后才退出，这样最后几条回复才会被打印出来。",
  },
  'client-server-closes-first': {
    title: '服务端先关闭时，客户端打印 "connection closed by server" 并以 0 退出',
    hint: "在 socket 的 'end' 事件里，如果你没有发过 quit、输入也还没结束，就打印 `connection closed by server` 并以 0 退出。",
  },
  'client-stops-after-quit': {
    title: 'quit 之后客户端不再发送任何东西并以 0 退出，即使后面还有输入',
    hint: 'quit 结束这次对话：停止读 stdin（关闭 readline 接口，或者忽略它后面的行），再也不要写。在 socket.end() 之后写会失败，报 ERR_STREAM_WRITE_AFTER_END。',
  },
  'client-last-line-without-newline': {
    title: '服务端关闭前发来的最后一行回复没有 \\n，客户端也要打印',
    hint: "服务端关闭时（'end'），缓冲区里剩下的就是它的最后一行：也把它打印出来。",
  },
} satisfies CheckTexts;

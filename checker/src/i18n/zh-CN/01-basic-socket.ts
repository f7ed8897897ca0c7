// 01-basic-socket: check titles and hints in Chinese, keyed by check id.

import type { CheckTexts } from '../checks.ts';
import { commonChecks, STAYS_ALIVE_ZH } from './common.ts';

export default {
  ...commonChecks('01'),
  greeting: {
    title: '向每个客户端发送问候，字节与 "欢迎 welcome\\n" 完全一致',
    hint: "连接一建立就写出问候：socket.write('欢迎 welcome\\n')。字符串默认按 UTF-8 发送，除非你指定别的编码。",
  },
  'reply-upper-case': {
    title: '把收到的一行转成大写回复，然后关闭连接',
    hint: "收集 'data'，直到出现 \\n，回复 line.toUpperCase() + '\\n'，再用 socket.end() 关闭。",
  },
  'line-byte-by-byte': {
    title: '一行按字节逐个到达时，等整行到齐再回答',
    hint: "一次 'data' 事件并不是一行：TCP 传的是字节，不是消息。把每个数据块追加到缓冲区，缓冲区里有 \\n 时才回答。",
  },
  'multibyte-split': {
    title: '一个字符的字节被拆到两次读取里时，仍然完整地还原它',
    hint: "对每个数据块单独 chunk.toString()，会把字节被拆开的字符弄坏（得到 U+FFFD �）。调用一次 socket.setEncoding('utf8')，或者整条流共用一个 StringDecoder 来解码。",
  },
  'one-line-per-connection': {
    title: '两行在一次写入里到达时，只回答第一行',
    hint: '这个服务端每条连接只回答一行。一个数据块可能不止一行（也可能不到一行）：回答第一个 \\n 之前的文本，其余的忽略。',
  },
  'last-line-without-newline': {
    title: '客户端半关闭时，没有 \\n 的最后一行也要回答',
    hint: "客户端结束它那一侧时（'end' 事件），目前收到的文本就是它的那一行：回答它，然后结束。创建服务端时加上 { allowHalfOpen: true }，这样收到客户端的 FIN 之后你还能写。",
  },
  'serves-client-after-client': {
    title: '一直监听：先后来的五个客户端都得到服务',
    hint: STAYS_ALIVE_ZH,
  },
  'concurrent-clients': {
    title: '同时连着的三个客户端都得到服务，按相反顺序回答',
    hint: '把每条连接的状态（它的缓冲区、它的 socket）放在连接处理函数里面，不要放在所有客户端共用的变量里。',
  },
  'survives-reset': {
    title: '客户端在任何时刻重置（RST）连接，服务端都不会因此停下',
    hint: "给每个 socket 加上 'error' 监听函数——凡是会转发 socket 错误的对象也都要加（套在 socket 上的 readline Interface，在 socket 出错时也会发出 'error'）。重置会让 socket 发出 'error'（ECONNRESET）；没有监听函数的话 Node 会把它抛出来，整个服务端就挂了。",
  },
  'client-sends-one-line': {
    title: '客户端把它的命令行参数作为一行发送',
    hint: "把消息参数用空格连起来，只发送一次，以 '\\n' 结尾：socket.write(message + '\\n')。",
  },
  'client-prints-dribbled-replies': {
    title: '问候和回复按字节逐个到达时，客户端照样打印出来',
    hint: "一次 'data' 事件可能只有一行里的一个字节。打印之前先缓冲到 \\n，并用 socket.setEncoding('utf8') 解码，让被拆开的字符保持完整。",
  },
  'client-last-line-without-newline': {
    title: '服务端关闭前发来的最后一行回复没有 \\n，客户端也要打印',
    hint: "服务端关闭时（'end'），缓冲区里剩下的就是它的最后一行：也把它打印出来。",
  },
} satisfies CheckTexts;

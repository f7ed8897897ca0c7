// 04-sticky-packets: check titles and hints in Chinese, keyed by check id.

import type { CheckTexts } from '../checks.ts';
import { commonChecks } from './common.ts';

export default {
  ...commonChecks('04'),
  'numbered-replies': {
    title: '用 "N MESSAGE" 回答每条消息，N 从 1 开始计数',
    hint: '数这条连接上的消息：第一条回复是 `1 ${message}\\n`，下一条是 `2 ...`。消息按发来的样子原样返回，按 UTF-8 解码。',
  },
  'thousand-lines-one-write': {
    title: '一次写入里的 1,000 行，每行一条回复，按顺序回答',
    hint: "一个 'data' 数据块并不是一条消息（粘包）：一个数据块里可能有一千行。回答其中每一个以 \\n 结尾的行，没写完的剩余部分留给下一个数据块。",
  },
  'line-byte-by-byte': {
    title: '一行按字节逐个到达时，等整行到齐再回答',
    hint: "一行可能每次 'data' 事件只来一个字节。把还没有 \\n 的字节留着，把下一个数据块加上去；\\n 到了才回答。",
  },
  'multibyte-split': {
    title: '一个字符的字节被拆到两次读取里时，仍然完整地还原它',
    hint: '对每个数据块单独解码（chunk.toString()）会把被拆开的字符变成 U+FFFD �。把字节留到 \\n，再解码整行；或者用同一个 StringDecoder 解码整条流。',
  },
  'crlf-accepted': {
    title: '接受 \\r\\n 作为行尾，\\r 和 \\n 分在两次读取里也一样',
    hint: '一行在 \\n 处结束；紧挨在它前面的 \\r 属于行尾，既不是单独的一行，也不是消息的一部分。',
  },
  'last-line-without-newline': {
    title: '客户端结束它那一侧时，回答没有 \\n 的最后一行，然后关闭',
    hint: "收到 'end' 时客户端已经停止发送：最后一个 \\n 之后剩下的就是它的最后一行（分行器的 end()）。回答它，然后 socket.end()。创建服务端时加上 { allowHalfOpen: true }。",
  },
  'counter-per-connection': {
    title: '每条连接各自数自己的消息',
    hint: '把计数器放在连接处理函数里面（`let count = 0` 紧挨着分行器），不要放在文件顶部：每条连接都从 1 开始。',
  },
  'limit-exact-line': {
    title: '正好 65,536 字节的消息要回答，无论以 \\n 还是 \\r\\n 结尾、一次写入还是分段到达',
    hint: '限制计算的是不含 \\n 或 \\r\\n 的消息：65,536 字节仍然是一行。数字节，用 > 比较，量之前先去掉 \\r\\n 里的 \\r。',
  },
  'limit-too-long-one-write': {
    title: '拒绝一次写入到达的 65,537 字节消息，之后什么都不回答，同时继续服务其他连接',
    hint: '每个完整的行都要量，不能只量没写完的剩余部分：一次写入里，过长的行可能整行到达。写出 "error line too long\\n"，用 socket.end() 关闭，之后什么都不回答；其他连接继续各自计数。',
  },
  'limit-too-long-pieces': {
    title: '拒绝分段到达的 65,537 字节消息，不等它的 \\n',
    hint: '客户端可能永远不发 \\n：每个数据块之后也要量没写完的剩余部分。一旦它超过 65,536 字节（不算最后一个 \\r，它可能是 \\r\\n 的开头），这一行就过长了。',
  },
  'client-pipelines': {
    title: '客户端不等回复就发出每一行（这个服务端要等所有行到齐才回答）',
    hint: '从 stdin 读到一行就写到 socket，不要等它的回复；回复来一条读一条，每行都有了回复就退出。',
  },
  'client-replies-one-write': {
    title: '所有回复在一次写入里到达时，客户端打印出每一条',
    hint: "一个 'data' 数据块可能装着所有回复。在 \\n 处切分回复（用你的 LineSplitter），逐条打印，数的是回复而不是数据块。",
  },
  'client-replies-dribbled': {
    title: '回复按字节逐个到达时，客户端打印完整的回复',
    hint: "一条回复可能每次 'data' 事件只来一个字节，字符也会被切成两半。只有它的 \\n 到了才打印这条回复，并且解码整行（或用同一个 StringDecoder），绝不要逐块解码。",
  },
  'splitter-lines': {
    title: '不管数据块怎么切，分行器都交出每一个完整的行',
    hint: '一个数据块最后一个 \\n 之后的字节留给下一次 push；数据块里每有一个 \\n 就调用一次 onLine，而不是每次 push 调用一次。空行（\\n\\n）也是一行。',
  },
  'splitter-multibyte': {
    title: '一次 push 在字符中间结束时，分行器保持这个字符完整',
    hint: "对每个数据块单独解码，会把被拆开的字符的两半变成 U+FFFD。保留字节（Buffer）直到 \\n，再把整行解码一次：line.toString('utf8')。（\\n 永远不会出现在多字节字符内部。）",
  },
  'splitter-crlf': {
    title: '分行器把 \\r\\n 当作行尾，即使 \\r 和 \\n 在不同的 push 里',
    hint: '紧挨在 \\n 前面的 \\r 属于行尾：从整行里去掉它，这可能意味着要从上一次 push 留下的字节里去掉。',
  },
  'splitter-last-line': {
    title: 'end() 交出没有 \\n 的最后一行，没有的话什么都不交',
    hint: 'end() 表示流结束了：最后一个 \\n 之后留着的字节（如果有）就是最后一行。"done\\n" 之后什么都没留，所以 end() 什么都不交出（不是一个空行）。',
  },
  'splitter-limit-exact': {
    title: '正好 65,536 字节的消息仍然是一行，不管它的字节怎么到达',
    hint: '限制计算的是不含 \\n 或 \\r\\n 的消息：65,536 字节是允许的。在 \\n 还没来的时候，65,536 字节加一个 \\r 还不算超：这个 \\r 可能是 \\r\\n 的开头。',
  },
  'splitter-limit-over': {
    title: '65,537 字节的消息让 push 立即抛出 LineTooLongError，之后什么都不交出',
    hint: '在两个地方检查限制：每个完整的行（长行可能在一次 push 里整行到达），以及没写完的剩余部分（对方可能永远不发 \\n）。数字节，不是数字符。在第一个过长的行处抛出；它之后的行永远不交出。',
  },
} satisfies CheckTexts;

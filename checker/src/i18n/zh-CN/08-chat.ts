// 08-chat: check titles and hints in Chinese, keyed by check id (checks/08-chat*.ts).

import type { CheckTexts } from '../checks.ts';
import { commonChecks } from './common.ts';

const LEAVES =
  "客户端的 socket 结束、出错或关闭时，把它从客户端集合里移除，并记录 `HOST:PORT quits`（用它加入时保存下来的地址：socket 关闭之后 remoteAddress 就没了）。给每个 socket 加上 'error' 监听函数：没有它，一次重置（ECONNRESET）或一次写往已重置 socket 的写入（EPIPE）就会杀死服务端和整个聊天室。";

export default {
  ...commonChecks('08'),
  'broadcast-to-all': {
    title: '把一个客户端发来的行发给其他客户端，带上时间和发送者的地址',
    hint: '每条消息是两行：`YYYY/MM/DD HH:MM:SS HOST:PORT\\n`（本地时间，补零，发送者的 socket.remoteAddress:socket.remotePort），然后是这一行本身加 `\\n`。每一行只生成一次消息，把同样的字节写给每个客户端。把每个已连接的客户端放在一个 Set 或 Map 里；每凑齐一行，就把消息写给其中每一个（发送者也算），每个一次。',
  },
  'sender-gets-own': {
    title: '这一行也发回给发送者，只发一次',
    hint: '聊天室里的每个人都收到每条消息，发送者也包括在内（发送者看到自己的那一行带着时间和自己的地址回来，和别人看到的一样）：遍历每个客户端，不要跳过这一行的来源，也不要给发送者再写第二遍。',
  },
  'lines-split-and-coalesced': {
    title: '按行接收，而不是按读取：一次写入里的三行、按字节逐个到达的一行、被切开的字符、\\r\\n',
    hint: "一次 'data' 事件并不是一行（教程把 recv(1024) 当成一条消息）。把每个数据块都推进一个分行器（第 04 课的那个），每凑齐一行就广播；剩下的留给下一个数据块。解码完整的行，而不是数据块，并去掉 \\r\\n 里的 \\r。",
  },
  'twenty-clients': {
    title: '20 个客户端同时说话：每条消息正好一次到达每个客户端，每个发送者的消息保持顺序',
    hint: '把每个客户端的状态（它的分行器、它的地址）放在连接处理函数里面，所有客户端放在一个 Set 或 Map 里。一行一凑齐，就把它的消息给每个客户端各写一次；同一个发送者的消息必须保持顺序。',
  },
  'quit-removes': {
    title: '"quit" 关闭这个客户端，不被广播，它后面的内容也不广播',
    hint: '某个客户端的一行（去掉 \\r 之后）正好是 quit 时，把它从客户端中移除并关闭它（socket.end()）；它发来的其余内容一律忽略。quit 是命令，不是消息：谁也收不到它。',
  },
  'leaver-removed': {
    title: '关闭了自己那一侧的客户端被移除，记录 "HOST:PORT quits"，它没有 \\n 的最后一行照样发出去',
    hint: `${LEAVES}客户端发 FIN 之前那个没有 \\n 的最后一行也算数：把它广播给其他人。`,
  },
  'reset-removed': {
    title: '客户端在任何时刻重置连接（即使有消息正在发往它），都会被移除并记录；聊天室照常进行',
    hint: LEAVES,
  },
  'line-too-long': {
    title: '超过 64 KiB 的一行只关闭这一个客户端，不管它在一次写入里还是没有 \\n；65,536 字节仍然算一行',
    hint: '数一数每一行不算 \\n 或 \\r\\n 的字节数，每个数据块之后也数一数还没结束的剩余部分（客户端可能永远不发 \\n）。超过 65,536：关闭这个客户端（可以先说 `error line too long`），它的任何内容都不广播。65,536 字节仍然算一行。',
  },
  'local-time': {
    title: '用服务端所在时区的本地时间给消息打时间戳（TZ=Asia/Kathmandu，UTC+05:45）',
    hint: '时间是本地时间，和教程的 datetime.now() 一样：new Date() 加上 getHours()、getMinutes() 等方法，它们跟随服务端运行时的 TZ。toISOString() 和 getUTCHours() 是 UTC；写死的时差（中国是 +8）只在一个地方是对的。',
  },
  'brief-pause-kept': {
    title: '一个客户端停止读取一会儿，等着它的数据远不到 1 MiB 时，它会留下，并收到每一条消息',
    hint: 'write() 一返回 false（超过 16 KiB 的高水位线）就关闭客户端，会把每个只是忙了一小会儿的客户端都踢掉。上限是服务端自己的队列里等着发给这个客户端的 1 MiB（socket.writableLength > 1024 * 1024），内核另外缓冲多少都不算。',
  },
  'slow-reader-closed': {
    title: '停止读取的客户端，一旦等着它的数据超过 1 MiB 就被关闭，其他人在这期间照常收到消息',
    hint: '每次写之后，看看这个客户端的 socket.writableLength（内核还没收下的部分）。超过 1 MiB：移除这个客户端并 socket.destroy()（end() 会去等一个永远排不空的队列）。绝不要等它：其他人继续聊天。',
  },
  'stdin-quit': {
    title: '服务端 stdin 上的 "quit" 关闭每个客户端和监听 socket，并以 0 退出',
    hint: '逐行读服务端的 stdin（readline.createInterface({ input: process.stdin })）；收到 quit 时：server.close()，销毁每个客户端的 socket，以 0 退出。stdin 结束不等于 quit：输入一开始就关闭着的服务端要继续服务。',
  },
  'client-says-ready': {
    title: '客户端先发送 "I\'m ready."，再发送输入的每一行，并打印收到的消息',
    hint: '一连上就先写 "I\'m ready.\\n"，在任何别的东西之前；然后把 stdin 上输入的每一行加上 \\n 写出去，服务端发来的每一行都原样打印（一条消息是两行）。',
  },
  'client-prints-unprompted': {
    title: '没人打字时，客户端也在消息到达时打印它们：每次写入一条、一次写入好几条、被切成好几段',
    hint: "在 socket 的 'data' 事件里打印，而不是等输入了一行之后：别人想什么时候说话就什么时候说（教程的客户端为此需要一个线程；Node 只需要这个事件）。把到达的内容切成行：一个数据块可能装着好几行，也可能只是一行的一段。",
  },
  'client-quit': {
    title: 'quit 之后客户端不再发送任何东西并以 0 退出，即使后面还有输入',
    hint: 'quit 结束这次对话：把它发出去（服务端随后移除你并关闭连接），或者直接关闭；不管哪种，都停止读 stdin，之后绝不再写，连接关闭后以 0 退出。',
  },
  'client-end-of-stdin': {
    title: '输入结束时，客户端离开并以 0 退出',
    hint: 'stdin 结束时，关闭你这一侧（socket.end()）：服务端移除你并关闭连接，然后以 0 退出。输入结束后还握着连接不放的客户端，永远离不开聊天室。',
  },
  'client-server-closes': {
    title: '服务端关闭连接时，客户端打印收到的内容并以 0 退出',
    hint: "收到 socket 的 'end' 时聊天室已经没了（服务端关闭了）：打印剩下的内容，愿意的话说一声，然后以 0 退出。停止读 stdin，否则进程会永远等着用户。",
  },
} satisfies CheckTexts;

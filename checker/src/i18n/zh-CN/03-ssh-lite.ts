// 03-ssh-lite: check titles and hints in Chinese, keyed by check id.

import type { CheckTexts } from '../checks.ts';
import { commonChecks } from './common.ts';

export default {
  ...commonChecks('03'),
  'runs-echo': {
    title: '运行一条命令，先发它的长度，（收到 ready 后）再发输出；然后处理下一条命令',
    hint: '对每一行命令：运行它，发送 `${output.length}\\n`，等待 "ready" 这一行，然后写出输出。之后在同一条连接上等下一条命令。',
  },
  'no-output': {
    title: '没有输出的命令得到 "cmd has no output..."',
    hint: 'stdout 和 stderr 都为空时，把这 20 个字节 "cmd has no output..."（不带 \\n）作为输出发送，这样回复永远不会是空的。',
  },
  'stdout-then-stderr': {
    title: '失败的命令：先是它全部的 stdout，再是它全部的 stderr',
    hint: '把两个管道都读到底，然后先发 stdout 的字节，再发 stderr 的：Buffer.concat([...stdout, ...stderr])。像 Python 教程那样有 stderr 就只发 stderr，会丢掉输出；先发 stderr 则顺序错了。',
  },
  'length-counts-bytes': {
    title: '长度数的是字节，输出的字节原样到达（非 ASCII，甚至不是 UTF-8）',
    hint: '长度行是输出的「字节」数，用十进制写，后面跟 \\n：对收集到的 Buffer 写 `${output.length}\\n`。字符串的 .length 数的是 UTF-16 单元，不是字节。从管道到 socket 一路都保持 Buffer：把它解码成字符串再转回来，会改掉不是 UTF-8 的字节。',
  },
  'whole-command-line': {
    title: '整行命令到齐之后才运行它',
    hint: "一次 'data' 事件并不是一条命令。把字节缓冲起来，等命令的 \\n 到了才运行；对半行命令启动 shell 会运行错误的命令（想象一下 `rm -r /tmp/build` 在 `rm -r /` 之后被截断）。",
  },
  'waits-for-ready': {
    title: '整行 "ready" 到齐之后才发送输出',
    hint: '发出长度行之后，读一整行，只有它正好是 "ready" 时才发送输出。随便什么字节、或者只有 "rea"，都还不是确认。',
  },
  'big-output-whole': {
    title: '3.5 MB 的输出完整到达，长度也正确',
    hint: "一直收集管道的每个 'data' 数据块，直到子进程的 'close'，然后发送全部内容的长度。（child_process.exec 到 maxBuffer 的 1 MiB 就停了；spawn 没有这个限制。）",
  },
  'default-max-output': {
    title: '默认情况下，超过 8 MiB 的输出在那里截断，并标上 "[output truncated]"',
    hint: '--max-output 的默认值是 8 MiB：8 * 1024 * 1024 = 8388608 字节。先发前 8388608 个字节，再发 "[output truncated]\\n"（单独占一行）。',
  },
  'clients-at-once': {
    title: '一个客户端的命令还在运行时，照样服务另一个客户端',
    hint: '用 spawn 运行命令并等待事件，绝不要用 execSync 或循环：事件循环必须空出来服务其他每个客户端。并且每个连接一来就接受，不要让客户端排队。',
  },
  'timeout-kills-tree': {
    title: '超过 --timeout 时杀掉整棵进程树，输出以 "[timed out after 1s]" 结尾',
    hint: "用 spawn(cmd, { shell: true, detached: true }) 启动命令，让 shell 成为一个独立进程组的组长，然后杀掉整个组：process.kill(-child.pid, 'SIGKILL')。child.kill() 只停掉 shell；它启动的进程会继续运行，并让管道一直开着。在子进程的 'close' 时发送输出。",
  },
  'max-output-cuts': {
    title: '超过 --max-output 时在那里截断，标上 "[output truncated]"，并立即杀掉命令',
    hint: '字节一到就累计 stdout 和 stderr 的字节数。超过 --max-output 时立即杀掉命令的进程组，先发前 --max-output 个字节，再在单独一行发 "[output truncated]\\n"（截下的输出不以 \\n 结尾时，先补一个 \\n）。',
  },
  'default-host-loopback': {
    title: '不给 --host 时，服务端只在 127.0.0.1 上监听',
    hint: "--host 的默认值是 127.0.0.1：谁能连上来，谁就能以你的身份运行命令。Python 的 bind(('', port)) 和 Node 不带 host 的 listen(port) 都会在所有网卡上监听。",
  },
  'client-prints-output': {
    title: '客户端原样打印每份输出，即使长度行和正文被拆到很多次读取里',
    hint: '收集字节直到长度行的 \\n，发送 "ready\\n"，然后边收边数正文的字节（每个数据块的长度只加一次），直到正好收够。用 process.stdout.write(buffer) 写出：console.log 会多加一个 \\n。整份输出到齐之后才发送下一条命令。',
  },
  'client-coalesced': {
    title: '和长度行在同一次读取里到达的输出字节，客户端要留着',
    hint: "TCP 不保留边界：输出可能和长度行在同一个 'data' 数据块里到达。长度行的 \\n 之后的一切都是输出；留着它（并且照样发送 ready）。",
  },
  'client-counts-bytes': {
    title: '客户端数的是字节而不是字符，被拆开的字符保持完整',
    hint: '把 socket 的数据保持为 Buffer（不要 setEncoding），数 buffer.length。字符串的长度数的是字符，输出里有 é 或 欢 时，计数永远到不了长度，客户端就会一直等下去。',
  },
  'client-skips-empty-lines': {
    title: '客户端从不发送空命令',
    hint: "遇到空行或只有空白的输入行就跳过，不要发送。（在 Python 里 send(b'') 根本什么都不发，客户端接着就会永远等一个不会来的长度。）",
  },
  'client-quit': {
    title: 'quit 让客户端以 0 退出，并且不会被发送出去',
    hint: 'quit 这一行是给客户端的，不是命令：不要发送它。停止读 stdin，结束连接（socket.end()），以 0 退出。',
  },
  'client-end-of-stdin': {
    title: '输入结束时，客户端仍然一次一条地打印完每份输出，然后以 0 退出',
    hint: 'stdin 结束时，把还在排队的命令一条一条发出（每条都等上一份输出到齐），直到最后一份输出打印完才以 0 退出。stdin 一结束就退出，会丢掉还在路上的输出。',
  },
} satisfies CheckTexts;

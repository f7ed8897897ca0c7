// The checks every lesson shares (checks/common.ts) and the hints failures give instead of their
// check's own (runner.ts, harness/, checks/), in Chinese.

import type { CheckTexts, FailureHints } from '../checks.ts';

/** The shared checks of lesson NN (its number in the hints' commands). */
export function commonChecks(nn: string): CheckTexts {
  const sig = (s: 'SIGINT' | 'SIGTERM'): { title: string; hint: string } => ({
    title: `收到 ${s} 时关闭所有连接并以 0 退出`,
    hint: `process.once('${s}', ...)：server.close()，销毁还开着的 socket，然后以 0 退出。（SIGINT 和 SIGTERM 都要处理：Ctrl-C 发的是前者，kill 和各种服务管理器发的是后者。）`,
  });
  return {
    ready: {
      title: '启动后打印 "listening on 127.0.0.1:PORT"，端口是真正拿到的那个',
      hint: `在 listen() 的回调里打印就绪行，端口取自 server.address().port。手动运行看看：\`npm run run -- ${nn} server\`。`,
    },
    'port-in-use': {
      title: '端口已被占用时打印一行清楚的错误并以 1 退出',
      hint: "监听 server 的 'error' 事件；遇到 EADDRINUSE 就往 stderr 打印一行（`cannot listen on HOST:PORT: address already in use`），然后以退出码 1 退出。",
    },
    'stops-on-sigint': sig('SIGINT'),
    'stops-on-sigterm': sig('SIGTERM'),
    'client-connection-refused': {
      title: '客户端连接被拒绝时用一行说明原因并以 1 退出',
      hint: `监听 socket 的 'error' 事件：往 stderr 打印一行，例如 \`cannot connect to 127.0.0.1:PORT: connection refused\`，然后以 1 退出。试试 \`npm run run -- ${nn} client --port 1\`。`,
    },
  };
}

/** checks/common.ts STAYS_ALIVE: also the hint of a failure blamed on a server that died. */
export const STAYS_ALIVE_ZH =
  "服务端只在收到 SIGINT 或 SIGTERM 时结束。客户端离开只结束那一条连接，而不是整个服务端：不要在 socket 的 'end'、'close' 或 'error' 处理函数里调用 server.close() 或 process.exit()，也别让那里的错误没人处理。";

export const failureHints: FailureHints = {
  exact: {
    // Lesson 08 (checks/08-chat-wire.ts): a message that is not two lines, a stamp that is not local time.
    "Each message is two lines: `YYYY/MM/DD HH:MM:SS HOST:PORT\\n` (local time, zero-padded, the SENDER's socket.remoteAddress:socket.remotePort) and then the line itself with `\\n`. Build it once per line and write the same bytes to every client.":
      '每条消息是两行：`YYYY/MM/DD HH:MM:SS HOST:PORT\\n`（本地时间，补零，发送者的 socket.remoteAddress:socket.remotePort），然后是这一行本身加 `\\n`。每一行只生成一次消息，把同样的字节写给每个客户端。',
    "The stamp is the server's local time when it broadcasts the line: new Date() with getFullYear(), getMonth() + 1 (months count from 0), getDate(), getHours(), getMinutes(), getSeconds(), each padded to two digits. toISOString() is UTC, not local time.":
      '时间戳是服务端广播这一行时的本地时间：new Date() 加上 getFullYear()、getMonth() + 1（月份从 0 开始数）、getDate()、getHours()、getMinutes()、getSeconds()，每个都补足两位。toISOString() 是 UTC，不是本地时间。',
    'A server ends only on SIGINT or SIGTERM. A client leaving ends that connection, not the server: no server.close() or process.exit() in a socket\'s \'end\', \'close\' or \'error\' handler, and no error left unhandled there.':
      STAYS_ALIVE_ZH,
    'The program kept the check waiting on something that never came. Read the transcript for the last thing that happened.':
      '程序让检查一直在等一件始终没有发生的事。看看记录（transcript）里最后发生了什么。',
    'After the reply the server closes the connection: socket.end().': '回复之后服务端要关闭连接：socket.end()。',
    'After the client ended its side and every reply is sent, end yours: socket.end().':
      '客户端结束了它那一侧、所有回复也都发出之后，再结束你这一侧：socket.end()。',
    'Fix the error at the place shown (the editor underlines it too), then save. `npm run typecheck` shows type errors as well.':
      '到标出的位置改正错误（编辑器也会在那里画波浪线），然后保存。`npm run typecheck` 也会列出类型错误。',
    'An error thrown in a callback (a timer, an event listener) is uncaught and ends the process. Catch it where it happens, or report it through the promise or callback of the call.':
      '在回调（定时器、事件监听函数）里抛出的错误没有人能捕获，会让进程退出。在出错的地方捕获它，或者通过这次调用的 promise 或回调把它报告出去。',
    'Is the server still running and listening on the port it printed?': '服务端还在运行吗？它还在自己打印的那个端口上监听吗？',
    'A server whose accept queue is full, or that never calls listen(), cannot take connections.':
      '接受队列已满、或者根本没调用 listen() 的服务端，是接不了连接的。',
    'Listen on the host from --host, and print the address it actually bound: server.address().':
      '在 --host 给出的地址上监听，并打印实际绑定的地址：server.address()。',
    'Print the port after listen() has called back, from server.address().port. With --port 0 the system picks the port: a constant in the ready line is wrong.':
      '等 listen() 回调之后再打印端口，端口取自 server.address().port。用 --port 0 时端口由系统挑选：就绪行里写死的常量是错的。',
    'Pass the host to listen: server.listen(port, host, ...). Without a host Node listens on every interface, and the ready line must say where it really listens (server.address()).':
      '把 host 传给 listen：server.listen(port, host, ...)。不给 host，Node 会在所有网卡上监听，而就绪行必须写出它真正监听的地址（server.address()）。',
    'Print the port after listen() has called back, from server.address().port.': '等 listen() 回调之后再打印端口，端口取自 server.address().port。',
    'Print the line in the listen() callback, exactly "listening on HOST:PORT" with the address from server.address(): the checker reads the port from it.':
      '在 listen() 的回调里打印这一行，必须正好是 "listening on HOST:PORT"，地址取自 server.address()：检查器要从这一行读出端口。',
    'A loop that never ends (for(;;), while waiting for a flag that an event would set) blocks the event loop: listen() never calls back. Let events call you instead.':
      '一个永不结束的循环（for(;;)，或者 while 等一个本该由事件来设置的标志）会堵住事件循环：listen() 永远不会回调。改成让事件来调用你。',
    "The length line is the number of BYTES of the output in decimal, then \\n: `${output.length}\\n` on the Buffer you collected. A string's .length counts UTF-16 units, not bytes.":
      '长度行是输出的「字节」数，用十进制写，后面跟 \\n：对收集到的 Buffer 写 `${output.length}\\n`。字符串的 .length 数的是 UTF-16 单元，不是字节。',
  },
  patterns: [
    [
      /^A module must not call process\.exit\(\) or crash at import\. Run its file by hand to see the error, e\.g\. `npx tsx (.+)`\.$/,
      (m) => `模块不能调用 process.exit()，也不能在导入时崩溃。手动运行它的文件看看是什么错误，例如 \`npx tsx ${m[1]}\`。`,
    ],
    [
      /^A loop that never gives the event loop back \(for\(;;\), while\(!done\) waiting for a flag, polling socket\.read\(\) with setImmediate\) keeps the (.+) from reading, writing or answering anything\. Let the events \('data', 'end', 'close'\) call you instead\.$/,
      (m) => `一个从不把控制权交还给事件循环的循环（for(;;)、while(!done) 等一个标志、用 setImmediate 轮询 socket.read()）会让 ${m[1]} 什么都读不了、写不了、答不了。让事件（'data'、'end'、'close'）来调用你。`,
    ],
    [
      /^Listen for the server's 'error' event\. For EADDRINUSE print one line to stderr naming the address, then exit with code 1\. \(Python raises OSError: \[Errno 98\] Address already in use; SO_REUSEADDR does not let two servers listen on one port\.\) Try it: `npm run run -- (\S+) server` twice\.$/,
      (m) =>
        `监听 server 的 'error' 事件。遇到 EADDRINUSE 就往 stderr 打印一行，写明地址，然后以退出码 1 退出。（Python 在这里抛出 OSError: [Errno 98] Address already in use；SO_REUSEADDR 并不能让两个服务端监听同一个端口。）试一试：把 \`npm run run -- ${m[1]} server\` 运行两次。`,
    ],
    [
      /^The checker imports (\S+) and calls its exports by the names the lesson's README gives\. Export it: `export function \.\.\.`\.$/,
      (m) => `检查器会导入 ${m[1]}，并按课程 README 里给出的名字调用它导出的东西。把它导出：\`export function ...\`。`,
    ],
    [
      /^Every lesson has (\S+)\. Did you rename or delete it\? `npm run reset -- (\S+)` brings the starter back\.$/,
      (m) => `每一课都有 ${m[1]}。你是不是把它改名或删掉了？\`npm run reset -- ${m[2]}\` 可以恢复初始代码。`,
    ],
    [
      /^When stdout and stderr are both empty, send the 20 bytes "(.*)" \(no \\n\) as the output, so a reply is never empty\.$/,
      (m) => `stdout 和 stderr 都为空时，把这 20 个字节 "${m[1]}"（不带 \\n）作为输出发送，这样回复永远不会是空的。`,
    ],
    [
      /^After "(.*)" nothing more is answered: close the connection with socket\.end\(\) and ignore the rest of its input\.$/,
      (m) => `发出 "${m[1]}" 之后就不再回答任何东西：用 socket.end() 关闭连接，忽略它后面的全部输入。`,
    ],
  ],
};

// 05-struct-headers: check titles and hints in Chinese, keyed by check id.

import type { CheckTexts } from '../checks.ts';
import { commonChecks } from './common.ts';

const stops = (s: 'SIGINT' | 'SIGTERM'): { title: string; hint: string } => ({
  title: `收到 ${s} 时关闭所有连接并以 0 退出，上传进行到一半时也一样`,
  hint: "process.once('SIGTERM', ...) 和 process.once('SIGINT', ...)：server.close()，销毁还开着的 socket，以 0 退出。",
});

export default {
  ...commonChecks('05'),
  'port-in-use': {
    title: '端口已被占用时打印一行清楚的错误并以 1 退出',
    hint: "监听 server 的 'error' 事件；遇到 EADDRINUSE 就往 stderr 打印一行（`cannot listen on HOST:PORT: address already in use`），然后以退出码 1 退出。试一试：把 `npm run run -- 05 server` 运行两次。",
  },
  'stops-on-sigint': stops('SIGINT'),
  'stops-on-sigterm': stops('SIGTERM'),
  'encode-frame': {
    title: 'encodeFrame：4 字节大端的报头字节长度，JSON 报头，正文',
    hint: "const json = Buffer.from(JSON.stringify(header), 'utf8'); const prefix = Buffer.alloc(4); prefix.writeUInt32BE(json.length); 然后 Buffer.concat([prefix, json, body])。长度数的是字节，不是字符（é 是 2 个字节），而且是大端的（struct.pack('!I')，不是 'i'）。",
  },
  'decode-one-frame': {
    title: 'FrameDecoder：把一个帧分成长度、报头、正文三次 push，得到 header、body 和 end 事件',
    hint: 'push(chunk) 返回这个数据块补全的事件：报头完整时是 [{ kind: "header", header }]，正文字节是 { kind: "body", chunk }，data_size 个字节都过去之后是 { kind: "end" }。',
  },
  'decode-byte-by-byte': {
    title: 'FrameDecoder：一次一个字节地 push 帧（被拆到两次 push 里的字符保持完整）',
    hint: "跨多次 push 收集长度的 4 个字节，再收集报头的字节；报头完整时只解码一次（Buffer.concat，然后 toString('utf8')）：每段单独解码会弄坏 é 和 欢。",
  },
  'decode-split-boundaries': {
    title: 'FrameDecoder：在 4 字节边界处、长度内部、报头内部、报头与正文之间切开的 push',
    hint: '一次 push 可能在任何地方结束：长度内部、紧接着长度之后、报头内部、紧接着报头之后、正文内部。留着当前状态已经收集到的东西，等下一次 push 来了再继续。',
  },
  'decode-many-in-one-chunk': {
    title: 'FrameDecoder：一次 push 50 个帧，按顺序得到全部 50 个',
    hint: '一次 push 可能装着许多帧：一个帧结束后，接着处理同一个数据块剩下的部分（遍历整个数据块的循环，而不是每次 push 只走一步状态）。一起到达的前缀和报头要在同一次 push 里解析。',
  },
  'decode-zero-length-body': {
    title: 'FrameDecoder：data_size 为 0（或没有）的帧在补全它报头的那次 push 里结束',
    hint: 'data_size 为 0（或没有）时，帧随报头一起完整：从同一次 push 里返回 header 和 end 事件，不要等一个正文字节。',
  },
  'decode-limits': {
    title: 'FrameDecoder：超过 64 KiB 的报头、0xFFFFFFFF 的长度、超过 maxBody 的 data_size 都立即抛出',
    hint: '按无符号数读长度（readUInt32BE），4 个字节一到、发现它超过 65,536 时就抛出 FrameError("HEADER_TOO_LARGE")。报头的 data_size 超过 maxBody 时，在补全这个报头的那次 push 里、在任何正文字节之前抛出 FrameError("BODY_TOO_LARGE")。',
  },
  'decode-bad-header': {
    title: 'FrameDecoder：不是 JSON、不是对象，或者 data_size 不对的报头抛出 BAD_HEADER',
    hint: '在 try/catch 里 JSON.parse，然后检查 typeof header === "object" && header !== null && !Array.isArray(header)；data_size 要么没有，要么是 ≥ 0 的整数。其他情况：throw new FrameError("BAD_HEADER", ...)。',
  },
  'decode-end-mid-frame': {
    title: 'FrameDecoder：在帧内部调用 end() 抛出 TRUNCATED；在两帧之间则不抛出',
    hint: 'end() 表示流结束了。在两帧之间（prefix 状态、什么都没收集）这没问题；在其他任何地方都要 throw new FrameError("TRUNCATED", ...)。',
  },
  'exec-result': {
    title: '用一个结果帧回答 exec：exit_code、data_size，输出作为正文，不需要确认',
    hint: '用 shell 运行 cmd，然后只写「一个」帧：encodeFrame({ type: "result", exit_code, data_size: output.length }, output)。没有 "ready" 往返：长度就在报头里。',
  },
  'frame-byte-by-byte': {
    title: '读取一次一个字节到达的请求',
    hint: "一次 'data' 事件不是一个帧，甚至不一定有 4 个字节。先收集字节直到凑够 4 个，再收集报头的长度，再收集正文：一个 prefix → header → body 的状态机。报头完整了才解码它，这样被拆开的字符保持完整。",
  },
  'frame-split-boundaries': {
    title: '读取在长度内部、4 字节边界处、报头内部和正文开头处切开的请求',
    hint: '长度前缀可能分几段到达，报头可能和前缀在同一次读取里开始，也可能在之后的读取里。留着已经有的东西，只有当前状态的字节都到齐了才往下走。',
  },
  'frames-in-one-write': {
    title: '按顺序回答在一次写入里到达的 50 个请求',
    hint: '一次读取可能装着许多帧。一个帧处理完后，接着处理同一个数据块剩下的部分：循环到数据块用完为止，不要等下一次读取才去解析你手里已经有的东西。',
  },
  'zero-length-body': {
    title: '处理长度为零的正文：一次空上传，然后是同一次写入里的下一个请求',
    hint: 'data_size 为 0 时，报头一到帧就完整了：立即结束它，不要等一个永远不会来的正文字节。',
  },
  'upload-byte-identical': {
    title: '把上传的文件逐字节相同地存进 --dir，并用它的名字、大小和 sha256 回答',
    hint: '每个正文数据块一到，就写进 --dir 里的一个写入流，同时送进 createHash("sha256")；data_size 个字节都过去之后，结束文件，回复 {"type":"uploaded","file_name":...,"file_size":N,"sha256":HEX}。',
  },
  'upload-memory-flat': {
    title: '把 256 MiB 的上传流式写到磁盘，服务端的内存保持平稳',
    hint: "绝不要收集正文：每个数据块一到就写进文件，write() 返回 false 时暂停 socket，直到文件的 'drain'。一路上用 hash.update(chunk) 算哈希。",
  },
  'huge-length-prefix': {
    title: '0xFFFFFFFF 的长度前缀得到一个错误帧然后关闭，不做大块分配；其他连接继续',
    hint: '按无符号数读前缀（readUInt32BE），仅凭前缀就拒绝超过 64 KiB 的报头：回复一个错误帧，然后关闭。检查之前绝不要 Buffer.alloc(length)，并且要捕获错误，让其他连接继续。',
  },
  'body-over-max-body': {
    title: '超过 --max-body 的 data_size 仅凭报头就被拒绝：错误帧，关闭；其他连接继续',
    hint: '报头一解析完，在读任何正文字节之前，就把 data_size 和 --max-body 比较（解码器不需要知道类型）：回复一个错误帧，然后关闭。',
  },
  'header-not-json': {
    title: '不是 JSON、或者是 JSON 但不是对象的报头，得到一个错误帧然后关闭',
    hint: '在 try/catch 里 JSON.parse；然后检查 typeof header === "object"、header !== null 和 !Array.isArray(header)。任何一项不满足都是坏帧：错误帧，关闭。其他连接继续。',
  },
  'header-size-limit': {
    title: '65,536 字节的报头被接受，65,537 字节的被拒绝：错误帧，然后关闭',
    hint: '上限针对的是前缀里的报头长度：最多 65,536（64 KiB）字节。更长的就拒绝（错误帧，关闭）；正好 65,536 要接受。',
  },
  'bad-request-skips-body': {
    title: '坏请求得到一个错误回复，它的正文被跳过，连接继续',
    hint: '分帧正确、服务端却处理不了的请求（未知的类型、没有 cmd）不是坏帧：跳过它 data_size 个正文字节不读，回复 {"type":"error","message":...}，然后在同一条连接上继续处理下一个帧。',
  },
  'unsafe-file-names': {
    title: '拒绝不安全的文件名（../x、a/b、绝对路径、NUL、..）：--dir 之外、之内都不写任何东西',
    hint: '绝不要不加检查就 path.join(dir, file_name)："../x" 和 "/tmp/x" 会离开 --dir。只接受普通的名字：没有 / 或 \\，不是 "." 或 ".."，没有 NUL。其余的用错误回复拒绝（正文被跳过），连接保留。',
  },
  'sha256-mismatch': {
    title: 'sha256 不匹配的上传得到一个错误回复，不留下任何文件',
    hint: '正文完整时，把 hash.digest("hex") 和报头里的 sha256 比较。不匹配就删掉文件（fs.promises.unlink），回复 {"type":"error",...}；连接继续。',
  },
  'upload-interrupted': {
    title: '上传中途结束或被重置的连接不留下任何文件',
    hint: "有上传正在进行时收到 'close'（或在帧内部收到 'end'），销毁它的写入流，删掉没写完的文件。",
  },
  'eof-mid-frame': {
    title: '在帧中间结束的连接被关闭，没有忙循环；其他连接继续',
    hint: "在帧内部收到 'end' 时，不会再有东西来了：关闭连接（socket.end() 或 destroy()）。不要等待或轮询缺少的字节：'end' 只来一次。",
  },
  'client-exec-request': {
    title: '客户端把 exec 作为一个带大端长度的帧发送，并打印输出',
    hint: "发送 encodeFrame({ type: 'exec', cmd })，其中 4 字节长度是大端的（writeUInt32BE；struct.pack('!I')），然后读取回复帧，把它的正文写到 stdout。",
  },
  'client-reads-reply-byte-by-byte': {
    title: '客户端读取逐字节到达的回复，原样打印它的字节',
    hint: "把每个 'data' 数据块喂给一个 FrameDecoder；把每个正文数据块作为 Buffer 写到 stdout（process.stdout.write(chunk)），绝不单独解码：输出不一定是 UTF-8，被拆到两次读取里的字符也必须保持完整。",
  },
  'client-error-reply': {
    title: '错误回复是 stderr 上带着它的消息的一行，以 1 退出',
    hint: '回复的类型是 "error" 时，往 stderr 打印一行带着它的消息的内容（console.error），以退出码 1 退出。',
  },
  'client-upload': {
    title: '客户端上传一个文件：名字、大小和 sha256 在报头里，文件作为正文',
    hint: '发送 encodeFrame({ type: "upload", file_name: path.basename(PATH), data_size: size, sha256 })，然后流式发送文件的字节：pipeline(fs.createReadStream(PATH), socket, { end: false })。先算文件的哈希（单独读一遍）：报头要带上哈希。',
  },
  'client-no-progress-when-piped': {
    title: 'stderr 不是终端时，客户端不画进度条',
    hint: '只在 process.stderr.isTTY 时画进度条：在管道或日志文件里它只是噪音。检查器是通过管道读取 stderr 的。',
  },
} satisfies CheckTexts;

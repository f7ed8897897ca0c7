// Lesson 07's module checks of the server classes: TCPServer, ThreadingTCPServer and the handler
// lifecycle (setup, handle, finish, the close, errors), handleRequest, shutdown, serverClose, many
// connections at once, a busy port and resets. Each runs the learner's framework in the driver.

import net from 'node:net';
import type { CheckDef } from '../harness/check.ts';
import { CheckFailure } from '../harness/errors.ts';
import { closedPort } from '../harness/ready.ts';
import { pause, timing } from '../harness/timing.ts';
import type { ConstructInfo, Ev, Kind } from '../drivers/07-socketserver.ts';
import { connectWhenListening, describeEvents, expectHandlerErrorLine, expectLinesThenClose, frameworkCheck, refuses, startRemote } from './07-socketserver-framework.ts';

const ASYNC_PHASES = ['setup start', 'setup end', 'handle start', 'handle end', 'finish start', 'finish end'];
const KINDS: Kind[] = ['TCPServer', 'ThreadingTCPServer'];
/** How fast 50 handlers of 200 ms each must all be done when they run at once (one after another: 10 s). */
const FIFTY_WITHIN_MS = 1000 * (timing.reply / 2000);

export const serverClassChecks: CheckDef[] = [
  frameworkCheck({
    id: 'framework-basics',
    title: "the framework's classes: a handler gets the socket, the client's address and the server; serverAddress has the real port",
    hint: "Export BaseRequestHandler, StreamRequestHandler (extends BaseRequestHandler), TCPServer and ThreadingTCPServer (extends TCPServer). The server creates `new this.Handler(socket, [socket.remoteAddress, socket.remotePort], this)`; after listen(), serverAddress = [address, port] from server.address().",
    async run(ctx, host, hint) {
      const classes = await host.call<Record<string, { type: string; extendsTCPServer?: boolean; extendsBase?: boolean }>>('classes');
      for (const [name, c] of Object.entries(classes)) {
        if (c.type !== 'function') throw new CheckFailure('MISSING_EXPORT', `src/socketserver.ts does not export the class ${name}`, { expected: `export class ${name}`, actual: `${name} is ${c.type === 'undefined' ? 'not exported' : `a ${c.type}`}`, hint });
      }
      if (!classes['ThreadingTCPServer']?.extendsTCPServer) throw new CheckFailure('WRONG_VALUE', 'ThreadingTCPServer does not extend TCPServer', { expected: 'class ThreadingTCPServer extends TCPServer (directly, or through a mixin over it)', actual: 'ThreadingTCPServer.prototype is not an instance of TCPServer', hint });
      if (!classes['StreamRequestHandler']?.extendsBase) throw new CheckFailure('WRONG_VALUE', 'StreamRequestHandler does not extend BaseRequestHandler', { expected: 'class StreamRequestHandler extends BaseRequestHandler', actual: 'StreamRequestHandler.prototype is not an instance of BaseRequestHandler', hint });
      for (const kind of KINDS) {
        const server = await startRemote(host, kind, { handler: 'phases-sync' });
        const address = await host.call<unknown>('serverAddress', [server.id]);
        if (!Array.isArray(address) || address[0] !== '127.0.0.1' || address[1] !== server.port) {
          throw new CheckFailure('WRONG_VALUE', `${kind}: serverAddress after listen() is ${JSON.stringify(address)}`, { expected: `['127.0.0.1', ${server.port}]`, actual: JSON.stringify(address), hint });
        }
        const c = await ctx.connect(server.port);
        await expectLinesThenClose(c, ['setup', 'handle', 'finish'], 'what a handler with plain (not async) setup, handle and finish wrote', hint);
        const { events } = await server.waitFor('construct', c.localPort);
        const info = events.find((e) => e.what === 'construct' && e.port === c.localPort)?.info as ConstructInfo | undefined;
        const address2 = info?.clientAddress;
        if (!info || !Array.isArray(address2) || address2[0] !== '127.0.0.1' || address2[1] !== c.localPort) {
          throw new CheckFailure('WRONG_VALUE', `${kind}: the handler's clientAddress is ${JSON.stringify(address2)}, not the client's address`, { expected: `['127.0.0.1', ${c.localPort}]`, actual: `${JSON.stringify(address2)}\n${describeEvents(events)}`, hint });
        }
        if (!info.isSocket) throw new CheckFailure('WRONG_VALUE', `${kind}: the handler's request is not the connection's net.Socket`, { expected: 'handler.request: the net.Socket of the connection, passed as the first argument', actual: 'something else', hint });
        if (!info.serverIsTheServer) throw new CheckFailure('WRONG_VALUE', `${kind}: the handler's server is not the server that created it`, { expected: 'handler.server === the server (pass `this`)', actual: 'something else', hint });
      }
    },
  }),
  frameworkCheck({
    id: 'serve-forever-listens',
    title: 'serveForever() listens first when listen() was not called',
    hint: 'serveForever() starts with `await this.listen()`, and listen() called twice listens once (keep its promise).',
    async run(ctx, host, hint) {
      for (const kind of KINDS) {
        const port = await closedPort();
        ctx.transcript.note('tester', `${kind} on port ${port}: serveForever() without listen()`);
        await host.call('start', [kind, { handler: 'phases-sync', serve: 'forever-no-listen', port }], { what: `new ${kind}(['127.0.0.1', ${port}], handler).serveForever()` });
        const c = await connectWhenListening(ctx, port);
        await expectLinesThenClose(c, ['setup', 'handle', 'finish'], 'the handler', hint);
      }
    },
  }),
  frameworkCheck({
    id: 'phases-in-order',
    title: 'setup, handle and finish run in that order, each awaited, then the connection is closed',
    hint: "Run `await handler.setup(); await handler.handle();` then, in a finally, `await handler.finish();` and only then close the connection: socket.end(). A hook may return a promise or nothing; await works for both.",
    async run(ctx, host, hint) {
      for (const kind of KINDS) {
        const server = await startRemote(host, kind, { handler: 'phases' });
        for (let round = 1; round <= 2; round++) {
          const c = await ctx.connect(server.port);
          await expectLinesThenClose(c, ASYNC_PHASES, `what async setup, handle and finish (each waiting 30 ms) wrote on ${kind}`, hint);
          c.destroy();
        }
      }
    },
  }),
  frameworkCheck({
    id: 'handle-throws',
    title: 'when handle() throws or rejects: finish() still runs, one stderr line "HOST:PORT handler error: MESSAGE", the connection is closed, the server goes on',
    needs: ['phases-in-order'],
    hint: "Wrap setup and handle in try/catch: log `${host}:${port} handler error: ${err.message}` with console.error (one line, not the error object, which prints a stack trace), then run finish() in any case, close the connection and take the next one.",
    async run(ctx, host, hint) {
      for (const kind of KINDS) {
        for (const throwSync of [true, false]) {
          const how = throwSync ? 'throws' : 'rejects after an await';
          const server = await startRemote(host, kind, { handler: 'phases', throwIn: 'handle', throwFor: [1, 2], throwSync });
          for (const n of [1, 2]) {
            const since = host.program.stderrLines.length;
            const c = await ctx.connect(server.port);
            await expectLinesThenClose(c, ['setup start', 'setup end', 'handle start', 'finish start', 'finish end'], `handler #${n}, whose handle() ${how}, on ${kind}`, hint);
            await expectHandlerErrorLine(host, c.localPort, `boom in handle #${n}`, hint, since);
          }
          const next = await ctx.connect(server.port);
          await expectLinesThenClose(next, ASYNC_PHASES, `the next handler, after two that threw, on ${kind}`, 'The server goes on after a handler failed: catch the error per connection, never let it end the loop.');
        }
      }
    },
  }),
  frameworkCheck({
    id: 'setup-throws',
    title: 'when setup() throws or rejects: handle() does not run, finish() does, the error is one stderr line, the server goes on',
    needs: ['phases-in-order'],
    hint: "setup() and handle() in one try block: when setup throws, handle is skipped; the catch logs one line; finish() runs after the try/catch (a finally) in every case.",
    async run(ctx, host, hint) {
      for (const kind of KINDS) {
        for (const throwSync of [true, false]) {
          const how = throwSync ? 'throws' : 'rejects after an await';
          const server = await startRemote(host, kind, { handler: 'phases', throwIn: 'setup', throwFor: [1], throwSync });
          const since = host.program.stderrLines.length;
          const c = await ctx.connect(server.port);
          await expectLinesThenClose(c, ['setup start', 'finish start', 'finish end'], `handler #1, whose setup() ${how}, on ${kind}`, hint);
          await expectHandlerErrorLine(host, c.localPort, 'boom in setup #1', hint, since);
          const next = await ctx.connect(server.port);
          await expectLinesThenClose(next, ASYNC_PHASES, `the next handler on ${kind}`, 'The server goes on after a handler failed.');
        }
      }
    },
  }),
  frameworkCheck({
    id: 'tcp-server-one-at-a-time',
    title: "TCPServer: no handler exists and nothing is read for a connection that waits, until the current handler's finish() is done",
    needs: ['phases-in-order'],
    hint: "A connection that arrives while a handler runs goes into a queue, untouched: create the net.Server with { pauseOnConnect: true } so Node reads nothing of it, and create its handler only when the loop takes it, after the current handler's finish() has resolved.",
    async run(ctx, host, hint) {
      const server = await startRemote(host, 'TCPServer', { handler: 'held' });
      const first = await ctx.connect(server.port);
      if (!(await server.waitFor('construct', first.localPort)).ok) throw new CheckFailure('TIMEOUT', 'TCPServer: no handler was created for the first connection', { hint });
      // The second connection sends far more than the kernel's buffers hold; a framework that reads
      // waiting connections takes it all, one that leaves them alone stalls the sender.
      const flood = await ctx.connect(server.port);
      const third = await ctx.connect(server.port);
      await third.send('waiting\n');
      const chunk = Buffer.alloc(64 * 1024, 'q');
      const total = 40 * 1024 * 1024;
      let taken = 0;
      ctx.transcript.note(flood.name, `the tester writes ${total / 1024 / 1024} MiB (its writes are not shown) while the first handler runs`);
      for (let sent = 0; sent < total; sent += chunk.length) flood.socket.write(chunk, (err) => !err && (taken += chunk.length));
      const early = await server.waitFor('construct', flood.localPort, 1000);
      const state = await server.state();
      if (early.ok || state.constructed > 1) {
        throw new CheckFailure('WRONG_VALUE', `TCPServer created ${state.constructed} handlers while the first one was still in handle()`, {
          expected: 'one handler at a time: the next is created only after the current handler\'s finish() is done',
          actual: describeEvents(early.events),
          hint,
        });
      }
      if (taken >= total) {
        throw new CheckFailure('WRONG_VALUE', `TCPServer read all ${total / 1024 / 1024} MiB a waiting connection sent, while its first handler was still running`, {
          expected: "a waiting connection's bytes stay unread (only what the system buffers by itself) until its handler reads them",
          actual: `the tester's ${total / 1024 / 1024} MiB were all taken within 1 s, with no handler for that connection`,
          hint,
        });
      }
      ctx.transcript.note('tester', `${(taken / 1024 / 1024).toFixed(1)} MiB of ${total / 1024 / 1024} MiB were taken by the system while the connection waited`);
      // Release them one by one: each next handler comes only after the last one's finish() is done.
      const order: number[] = [first.localPort];
      for (let i = 0; i < 2; i++) {
        const current = order.at(-1) as number;
        await server.release(current);
        const next = await server.waitFor('construct', null, timing.reply * 2, i + 2);
        if (!next.ok) throw new CheckFailure('TIMEOUT', `TCPServer created no handler for a waiting connection after handler #${i + 1} finished`, { actual: describeEvents(next.events), hint: 'When a handler is done, the loop takes the next connection from the queue.' });
        const constructs = next.events.filter((e) => e.what === 'construct');
        const newest = constructs[i + 1] as Ev;
        const doneAt = next.events.findIndex((e) => e.what === 'finish-end' && e.port === current);
        if (doneAt < 0 || doneAt > next.events.indexOf(newest)) {
          throw new CheckFailure('WRONG_VALUE', `TCPServer created handler #${i + 2} before handler #${i + 1}'s finish() was done`, { expected: 'handler #N+1 created after handler #N\'s finish() has resolved', actual: describeEvents(next.events), hint });
        }
        order.push(newest.port);
      }
      await server.release(order.at(-1) as number);
      for (const c of [first, flood, third]) c.destroy();
    },
  }),
  frameworkCheck({
    id: 'threading-concurrent',
    title: 'ThreadingTCPServer: 50 clients whose handlers each take 200 ms are served in well under a second',
    needs: ['phases-in-order'],
    hint: 'ThreadingTCPServer handles every connection as it arrives: do not await one handler before taking the next connection (in Python, ThreadingMixIn.process_request starts a thread and returns).',
    async run(ctx, host, hint) {
      const server = await startRemote(host, 'ThreadingTCPServer', { handler: 'echo', delayMs: 200 });
      const clients = await ctx.connectMany(server.port, 50);
      const t0 = performance.now();
      await Promise.all(clients.map((c, i) => c.send(`client ${i + 1}\n`)));
      // Deadline: twice the limit, so handlers run one after another (10 s) fail in seconds, not after all of them.
      const replies = await Promise.all(clients.map((c, i) => c.expectLine(`CLIENT ${i + 1}`, { what: `the reply to client ${i + 1}`, within: FIFTY_WITHIN_MS * 2 }).then(() => true, () => false)));
      const ms = Math.round(performance.now() - t0);
      const state = await server.state();
      const answered = replies.filter(Boolean).length;
      if (answered < clients.length) {
        throw new CheckFailure('TIMEOUT', `only ${answered} of 50 clients got their reply within ${FIFTY_WITHIN_MS * 2} ms`, { expected: `all 50 replies within ${FIFTY_WITHIN_MS} ms (handlers of 200 ms that run at once)`, actual: `${answered} replies; at most ${state.maxActive} handlers were in handle() at once`, hint });
      }
      ctx.transcript.note('tester', `50 replies of 200 ms each took ${ms} ms; at most ${state.maxActive} handlers were running at once`);
      if (ms > FIFTY_WITHIN_MS) {
        throw new CheckFailure('TIMEOUT', `50 handlers of 200 ms each took ${ms} ms`, { expected: `all 50 replies within ${FIFTY_WITHIN_MS} ms (they run at once)`, actual: `${ms} ms; at most ${state.maxActive} handlers were in handle() at once`, hint });
      }
      for (const c of clients) c.destroy();
    },
  }),
  frameworkCheck({
    id: 'handle-request-one',
    title: 'handleRequest() handles exactly one connection to its end',
    needs: ['phases-in-order'],
    hint: 'handleRequest(): wait for the next connection (from the queue, or the next to arrive), run its handler to the end (finish included), resolve. Do not take a second connection, and do not resolve before the handler is done.',
    async run(ctx, host, hint) {
      const server = await startRemote(host, 'TCPServer', { handler: 'echo', serve: 'listen' });
      await host.call('handleRequest', [server.id]);
      const a = await ctx.connect(server.port);
      const b = await ctx.connect(server.port);
      await a.send('one\n');
      await a.expectLine('ONE', { what: 'the reply to the connection handleRequest() took', hint });
      await b.send('two\n');
      await a.send('again\n');
      await a.expectLine('AGAIN', { what: 'the second reply on that connection', hint });
      const before = await server.events();
      if (before.some((e) => e.what.startsWith('handle-request-'))) {
        throw new CheckFailure('WRONG_VALUE', 'handleRequest() resolved while its handler was still reading', { expected: 'handleRequest() resolves once the handler is done', actual: describeEvents(before), hint });
      }
      await a.end();
      await a.expectClose({ what: 'the end of the client\'s input: the handler ends and the connection is closed', hint });
      const done = await server.waitFor('handle-request-resolved');
      if (!done.ok) throw new CheckFailure('TIMEOUT', 'handleRequest() did not resolve after its connection was handled to the end', { actual: describeEvents(done.events), hint });
      const endAt = done.events.findIndex((e) => e.what === 'handle-end');
      if (endAt < 0 || endAt > done.events.findIndex((e) => e.what === 'handle-request-resolved')) {
        throw new CheckFailure('WRONG_VALUE', 'handleRequest() resolved before its handler was done', { actual: describeEvents(done.events), hint });
      }
      await b.expectNoData(300, { hint: 'handleRequest() handles one connection: the second one waits for the next handleRequest() or serveForever().' });
      const state = await server.state();
      if (state.constructed !== 1) throw new CheckFailure('WRONG_VALUE', `handleRequest() created ${state.constructed} handlers`, { expected: 'one handler', actual: describeEvents(done.events), hint });
      await host.call('handleRequest', [server.id]);
      await b.expectLine('TWO', { what: 'the reply, from the next handleRequest(), to the connection that waited', hint: 'A connection that waited is taken by the next handleRequest().' });
      await b.end();
      await b.expectClose({ hint });
      if (!(await server.waitFor('handle-request-resolved', null, timing.reply, 2)).ok) throw new CheckFailure('TIMEOUT', 'the second handleRequest() did not resolve', { hint });
    },
  }),
  frameworkCheck({
    id: 'shutdown-waits',
    title: 'shutdown() stops serveForever() taking connections, resolves once the handlers in progress are done; then serverClose() and the port refuses',
    needs: ['phases-in-order'],
    hint: 'shutdown(): set a flag the serveForever loop checks, wake the loop if it waits for a connection, then await the loop and every handler still running (keep their promises in a Set). serveForever() resolves once its loop has stopped.',
    async run(ctx, host, hint) {
      for (const kind of KINDS) {
        const server = await startRemote(host, kind, { handler: 'held' });
        const running = kind === 'ThreadingTCPServer' ? 2 : 1;
        const clients = [];
        for (let i = 0; i < running; i++) {
          const c = await ctx.connect(server.port);
          if (!(await server.waitFor('construct', c.localPort)).ok) throw new CheckFailure('TIMEOUT', `${kind}: no handler was created for a connection`, { hint });
          clients.push(c);
        }
        await host.call('shutdown', [server.id]);
        ctx.transcript.note('tester', `${kind}: shutdown() called with ${running} handler(s) in handle()`);
        let late: Awaited<ReturnType<typeof ctx.connect>> | undefined;
        if (!(await refuses(server.port)).refused) {
          late = await ctx.connect(server.port);
          await late.send('too late?\n');
        }
        for (const [i, c] of clients.entries()) {
          const events = await server.events();
          if (events.some((e) => e.what === 'shutdown-resolved')) {
            throw new CheckFailure('WRONG_VALUE', `${kind}: shutdown() resolved while ${running - i} handler(s) were still running`, { expected: 'shutdown() resolves after every handler in progress has finished', actual: describeEvents(events), hint });
          }
          await server.release(c.localPort);
          await c.expectLine('finished', { what: 'what finish() wrote after shutdown() was called', hint: 'Handlers in progress run to their end after shutdown(): do not close their connections.' });
          await c.expectClose({ hint });
        }
        const done = await server.waitFor('shutdown-resolved');
        if (!done.ok) throw new CheckFailure('TIMEOUT', `${kind}: shutdown() did not resolve after the handlers in progress finished`, { actual: describeEvents(done.events), hint });
        const stopped = await server.waitFor('serve-forever-resolved');
        if (!stopped.ok) throw new CheckFailure('TIMEOUT', `${kind}: serveForever() did not resolve after shutdown()`, { actual: describeEvents(stopped.events), hint: 'serveForever() resolves once its loop has stopped.' });
        const lastFinish = Math.max(...done.events.map((e, i) => (e.what === 'finish-end' ? i : -1)));
        if (done.events.findIndex((e) => e.what === 'shutdown-resolved') < lastFinish) {
          throw new CheckFailure('WRONG_VALUE', `${kind}: shutdown() resolved before the handlers in progress finished`, { actual: describeEvents(done.events), hint });
        }
        if (late) {
          await late.expectNoData(200, { hint: 'A connection that arrives after shutdown() is never handled.' });
          if (done.events.filter((e) => e.what === 'construct').length > running) {
            throw new CheckFailure('WRONG_VALUE', `${kind}: a connection that arrived after shutdown() got a handler`, { actual: describeEvents(done.events), hint });
          }
        }
        await host.call('serverClose', [server.id], { what: 'serverClose() after shutdown()' });
        const after = await refuses(server.port);
        if (!after.refused) {
          throw new CheckFailure('WRONG_VALUE', `${kind}: the port still took connections after shutdown() and serverClose()`, { expected: 'ECONNREFUSED', actual: after.code ?? 'the connection was accepted', hint: 'serverClose() closes the listening socket: server.close().' });
        }
        late?.destroy();
      }
    },
  }),
  frameworkCheck({
    id: 'server-close-frees-port',
    title: 'serverClose() resolves promptly, with a connection still open, and the port is free',
    needs: ['phases-in-order'],
    hint: "serverClose(): call server.close() and resolve without waiting for its callback: that callback only comes once every connection has ended, which may be never.",
    async run(ctx, host, hint) {
      for (const kind of KINDS) {
        const server = await startRemote(host, kind, { handler: 'held' });
        const c = await ctx.connect(server.port);
        await server.waitFor('construct', c.localPort);
        await host.call('serverClose', [server.id], { what: `serverClose() with a connection in handle() (${kind})` });
        const blocker = net.createServer();
        ctx.defer(() => new Promise<void>((r) => blocker.close(() => r())));
        const bound = await new Promise<NodeJS.ErrnoException | undefined>((resolve) => {
          blocker.once('error', resolve);
          blocker.listen(server.port, '127.0.0.1', () => resolve(undefined));
        });
        if (bound) {
          throw new CheckFailure('WRONG_VALUE', `${kind}: the port was not free after serverClose() resolved`, { expected: 'the tester can listen on the port', actual: `listen failed: ${bound.code ?? bound.message}`, hint });
        }
        await server.release(c.localPort);
        c.destroy();
      }
    },
  }),
  frameworkCheck({
    id: 'hundred-at-once',
    title: 'serves 100 connections that arrive at once, on both servers',
    needs: ['phases-in-order'],
    hint: "Keep every waiting connection in the queue, however many there are: Python's request_queue_size of 5 is the kernel's listen backlog, not a reason to drop connections.",
    async run(ctx, host, hint) {
      for (const kind of KINDS) {
        const server = await startRemote(host, kind, { handler: 'echo' });
        const clients = await ctx.connectMany(server.port, 100);
        await Promise.all(clients.map(async (c, i) => {
          await c.send(`hello ${i + 1}\n`);
          await c.end();
        }));
        await Promise.all(clients.map(async (c, i) => {
          await c.expectLine(`HELLO ${i + 1}`, { what: `the reply to client ${i + 1} of 100 (${kind})`, within: timing.reply * 3, hint });
          await c.expectClose({ within: timing.reply * 3, hint });
        }));
        for (const c of clients) c.destroy();
      }
    },
  }),
  frameworkCheck({
    id: 'listen-busy-port',
    title: 'listen() on a port in use rejects with EADDRINUSE',
    hint: "In listen(), reject the promise from the server's 'error' event (once), resolve from the listening callback: `server.once('error', reject); server.listen({ host, port }, resolve)`.",
    async run(ctx, host, hint) {
      const blocker = net.createServer();
      ctx.defer(() => new Promise<void>((r) => blocker.close(() => r())));
      await new Promise<void>((r) => blocker.listen(0, '127.0.0.1', r));
      const port = (blocker.address() as net.AddressInfo).port;
      for (const kind of KINDS) {
        ctx.transcript.note('tester', `the tester holds 127.0.0.1:${port}; ${kind}.listen() on it`);
        const r = await host.call<{ resolved: boolean; error?: { name: string; message: string; code?: string } }>('listenBusy', [kind, port], { what: `listen() on a port in use (${kind})` });
        if (r.resolved || r.error?.code !== 'EADDRINUSE') {
          throw new CheckFailure('WRONG_VALUE', `${kind}: listen() on a port in use ${r.resolved ? 'resolved' : `rejected with ${r.error?.name}${r.error?.code ? ` [${r.error.code}]` : ''}: ${r.error?.message}`}`, { expected: "a rejection with Node's error, code EADDRINUSE", actual: r.resolved ? 'resolved' : JSON.stringify(r.error), hint });
        }
      }
    },
  }),
  frameworkCheck({
    id: 'survives-client-reset',
    title: 'a client that resets its connection, at any moment, never crashes the server, whatever the handler does',
    needs: ['phases-in-order'],
    hint: "Give every accepted socket an 'error' listener at once, in the connection callback, before any handler exists: a reset (ECONNRESET) emits 'error', and an 'error' nobody listens to ends the process.",
    async run(ctx, host, hint) {
      const echo = await startRemote(host, 'ThreadingTCPServer', { handler: 'echo' });
      const writer = await startRemote(host, 'ThreadingTCPServer', { handler: 'writer' });
      const idle = await startRemote(host, 'ThreadingTCPServer', { handler: 'idle' });
      const queued = await startRemote(host, 'TCPServer', { handler: 'echo' });
      for (let round = 0; round < 2; round++) {
        const a = await ctx.connect(echo.port);
        a.reset(); // right after connecting
        const b = await ctx.connect(echo.port);
        await b.send('before the reset\n');
        await b.expectLine('BEFORE THE RESET');
        b.reset(); // after a reply
        const c = await ctx.connect(echo.port);
        await c.send('half a li');
        await echo.waitFor('construct', c.localPort);
        c.reset(); // in the middle of a line
        const w = await ctx.connect(writer.port);
        await w.expectBytes('w'.repeat(1024), { what: 'the first bytes of the writing handler' }); // it is writing
        w.reset(); // while the handler writes
        const i = await ctx.connect(idle.port);
        i.reset(); // while the framework closes a handler that did nothing
        const busy = await ctx.connect(queued.port);
        const waiting = await ctx.connect(queued.port);
        await waiting.send('never read\n');
        waiting.reset(); // while waiting in the queue
        busy.reset(); // while handled
        await ctx.settle(host.program);
        await pause(0);
      }
      await host.call('state', [echo.id], { what: 'a call to the driver after the resets' });
      const next = await ctx.connect(echo.port);
      await next.send('still there?\n');
      await next.expectLine('STILL THERE?', { what: 'the reply to a new client after the resets', hint });
      const q = await ctx.connect(queued.port);
      await q.send('and here?\n');
      await q.expectLine('AND HERE?', { what: 'the reply of the TCPServer after the resets', hint });
      const w = await ctx.connect(writer.port);
      await w.expectBytes('w'.repeat(1024), { what: 'bytes from the writer after the resets', hint });
      const i = await ctx.connect(idle.port);
      await i.expectClose({ what: 'nothing: a handler that does nothing', hint });
      if (host.program.exit !== undefined) throw new CheckFailure('EXITED', `the process ${host.program.describeExit()} after clients reset their connections`, { actual: host.program.describeOutput(), hint });
      for (const p of [next, q, w, i]) p.destroy();
    },
  }),
  frameworkCheck({
    id: 'closes-half-open',
    title: 'after finish() the server ends its side, and destroys the socket within 10 s when the client never ends its own',
    slow: true,
    needs: ['phases-in-order'],
    hint: "After finish(): socket.end() (FIN after pending writes), then a timer: `setTimeout(() => socket.destroy(), 10_000)`, cleared on 'close'. A client that never closes must not hold a socket forever.",
    async run(ctx, host, hint) {
      const server = await startRemote(host, 'ThreadingTCPServer', { handler: 'phases-sync' });
      const c = await ctx.connect(server.port);
      await expectLinesThenClose(c, ['setup', 'handle', 'finish'], 'the handler', hint);
      const t0 = performance.now();
      ctx.transcript.note('tester', 'the tester does not end its side; the server must let go of the connection within 10 s');
      const holding = () => (host.program.sockets() ?? []).some((s) => s.state !== 'LISTEN' && s.remotePort === c.localPort);
      if (host.program.sockets() === undefined) {
        ctx.transcript.note('tester', 'sockets cannot be read on this system (no /proc): skipped');
        return;
      }
      const limit = 10_000 + 1500 * (timing.reply / 2000);
      while (holding() && performance.now() - t0 < limit) await host.program.until(() => host.program.exit !== undefined, 100);
      if (holding()) {
        throw new CheckFailure('NOT_CLOSED', `the server still held the connection ${Math.round(performance.now() - t0)} ms after it ended its side`, { expected: 'the socket destroyed within 10 s when the client never ends its side', actual: 'the connection is still open on the server', hint });
      }
      ctx.transcript.note('tester', `the server let go of the connection after ${Math.round(performance.now() - t0)} ms`);
      c.destroy();
    },
  }),
];

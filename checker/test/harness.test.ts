// The harness against programs that misbehave: each failure says what happened, and nothing is left running.

import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CheckResult } from '../src/runner.ts';

// Shrink every deadline for these tests (read when timing.ts loads, hence the dynamic imports below).
process.env['NETLINGS_TIME_SCALE'] = '0.25';
const { runLesson } = await import('../src/runner.ts');
const { lesson01 } = await import('../src/checks/01-basic-socket.ts');
const { Transcript } = await import('../src/harness/transcript.ts');
const { Peer } = await import('../src/harness/peer.ts');
const { showBytes, hexDiff } = await import('../src/harness/bytes.ts');

const temp = mkdtempSync(path.join(tmpdir(), 'netlings-harness-'));
afterAll(() => rmSync(temp, { recursive: true, force: true }));

let n = 0;
/** A root holding one lesson-01 folder whose server is `source`. */
function fixture(source: string): string {
  const root = path.join(temp, `case${++n}`);
  mkdirSync(path.join(root, '01-basic-socket', 'src'), { recursive: true });
  writeFileSync(path.join(root, '01-basic-socket', 'src', 'server.ts'), source);
  return root;
}

async function ready(source: string): Promise<CheckResult> {
  const [r] = await runLesson(lesson01, { root: fixture(source), only: ['ready'] });
  if (!r) throw new Error('no result');
  return r;
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

describe('starting a learner program', () => {
  it('reports a crash at start-up with the exit code and the error line', async () => {
    const r = await ready("throw new Error('boom at start');\n");
    expect(r.status).toBe('fail');
    expect(r.code).toBe('NOT_READY');
    expect(r.message).toMatch(/exited with code 1 \(Error: boom at start\) before printing its ready line/);
    expect(r.actual).toMatch(/boom at start/);
  });

  it('reports a program that does not compile with the file and line', async () => {
    const r = await ready('const x: number = ;\n');
    expect(r.code).toBe('NOT_READY');
    expect(r.message).toMatch(/server\.ts does not compile/);
    expect(r.actual).toMatch(/server\.ts:1:/);
  });

  it('reports a program that idles without listening or printing its ready line, early, and kills it', async () => {
    const root = fixture("import { writeFileSync } from 'node:fs';\nwriteFileSync('pid', String(process.pid));\nsetInterval(() => {}, 1000);\n");
    const t0 = performance.now();
    const [r] = await runLesson(lesson01, { root, only: ['ready'] });
    expect(performance.now() - t0).toBeLessThan(8000);
    expect(r?.code).toBe('NOT_READY');
    expect(r?.message).toMatch(/running but idle: it listens on no port and printed no ready line/);
    expect(r?.hint).toMatch(/Call server\.listen/);
    const pid = Number(readFileSync(path.join(root, '01-basic-socket', 'pid'), 'utf8'));
    expect(alive(pid)).toBe(false);
  });

  it('reports a busy loop before the ready line as a busy loop within the deadline', async () => {
    const r = await ready('for (;;) {}\n');
    expect(r.code).toBe('BUSY');
    expect(r.message).toMatch(/stuck in a busy loop before listening/);
  });

  it('says when the program printed something other than the ready line', async () => {
    const r = await ready("console.log('server is up!');\nsetInterval(() => {}, 1000);\n");
    expect(r.code).toBe('NOT_READY');
    expect(r.hint).toMatch(/printed other lines/);
    expect(r.actual).toMatch(/server is up!/);
  });

  it('names the port the program really listens on when it prints another', async () => {
    const r = await ready(
      "import net from 'node:net';\nconst s = net.createServer();\ns.listen(0, '127.0.0.1', () => console.log('listening on 127.0.0.1:1'));\n",
    );
    expect(r.code).toBe('WRONG_PORT');
    expect(r.actual).toMatch(/it is listening on 127\.0\.0\.1:\d+/);
  });

  it('kills the whole process group, children included, when the check ends', async () => {
    const root = fixture(
      [
        "import net from 'node:net';",
        "import { spawn } from 'node:child_process';",
        "import { writeFileSync } from 'node:fs';",
        "const child = spawn('sleep', ['30'], { stdio: 'ignore' });",
        "writeFileSync('child.pid', String(child.pid));",
        'const s = net.createServer((c) => c.write("欢迎 welcome\\n"));',
        "s.listen(0, '127.0.0.1', () => console.log(`listening on 127.0.0.1:${(s.address() as net.AddressInfo).port}`));",
      ].join('\n'),
    );
    const results = await runLesson(lesson01, { root, only: ['ready', 'greeting'] });
    expect(results.map((r) => r.status)).toEqual(['pass', 'pass']);
    const pidFile = path.join(root, '01-basic-socket', 'child.pid');
    expect(existsSync(pidFile)).toBe(true);
    const pid = Number(readFileSync(pidFile, 'utf8'));
    // SIGKILL to the group is delivered at once; give the kernel a bounded moment to reap.
    const deadline = performance.now() + 2000;
    while (alive(pid) && performance.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    expect(alive(pid)).toBe(false);
  });

  it('fails a server that accepts but never answers within the reply deadline', async () => {
    const root = fixture(
      "import net from 'node:net';\nconst s = net.createServer(() => {});\ns.listen(0, '127.0.0.1', () => console.log(`listening on 127.0.0.1:${(s.address() as net.AddressInfo).port}`));\n",
    );
    const [, greeting] = await runLesson(lesson01, { root, only: ['ready', 'greeting'] });
    expect(greeting?.code).toBe('TIMEOUT');
    expect(greeting?.message).toMatch(/did not arrive within \d+ ms/);
    expect(greeting?.actual).toBe('nothing');
  });
});

describe('showing bytes', () => {
  it('quotes text and escapes control characters', () => {
    expect(showBytes('héllo\n')).toBe('"héllo\\n"');
  });

  it('adds a hex view for bytes that are not text', () => {
    const shown = showBytes(Buffer.from([0x00, 0x01, 0xff, 0x41]));
    expect(shown.split('\n')[0]).toBe('"\\x00\\x01\\xffA"');
    expect(shown).toMatch(/000000 {2}00 01 ff 41/);
  });

  it('puts a caret under the first differing byte', () => {
    const diff = hexDiff(Buffer.from('abcdef'), Buffer.from('abXdef'));
    expect(diff).toMatch(/first difference at byte 2/);
    const lines = diff.split('\n');
    const caretCol = lines[3]?.indexOf('^^') ?? -1;
    const actualRow = lines[2] ?? '';
    expect(actualRow.slice(caretCol, caretCol + 2)).toBe('58'); // 'X'
  });
});

describe('the tester peer', () => {
  let server: net.Server;
  let port = 0;
  const received: Buffer[] = [];
  beforeAll(async () => {
    server = net.createServer((s) => {
      s.on('data', (b) => received.push(b));
      s.on('error', () => {});
      s.write('line one\r\n');
      s.write('line');
      setImmediate(() => s.end(' two'));
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    port = (server.address() as net.AddressInfo).port;
  });
  afterAll(() => new Promise<void>((r) => server.close(() => r())));

  it('accepts \\r\\n endings and a last line without \\n before the close', async () => {
    const t = new Transcript();
    const peers: InstanceType<typeof Peer>[] = [];
    const p = await Peer.connect(port, 'c1', t, (x) => peers.push(x));
    try {
      await p.expectLine('line one');
      await p.expectLine('line two');
      await p.expectClose();
    } finally {
      p.destroy();
    }
  });

  it('shows chunk boundaries of a split send in the transcript', async () => {
    const t = new Transcript();
    const p = await Peer.connect(port, 'c2', t, () => {});
    try {
      await p.send('abcd', { splitAt: [1, 3] });
      expect(t.format()).toMatch(/→ "a│bc│d" {2}\(4 bytes in 3 chunks @0\)/);
    } finally {
      p.destroy();
    }
  });
});

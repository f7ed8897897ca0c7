// A UDP client's new socket can get the port its last one had, by chance (Linux picks a free port at
// random from about 28,000). client-late-duplicate sends a late reply to where an earlier try came
// from; a correct client whose next line's socket got that port would take it for its answer. These
// clients force the coincidence: the solution's client with its second line's socket bound to the
// first line's port (a correct client that was unlucky once) must pass; with every line on the first
// line's port (what one socket for every line does), it must still fail. Only the fixed case's client
// is forced: the seeded one beside it keeps the system's ports.

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { lesson09 } from '../src/checks/09-udp.ts';
import { mutantRoot, withNeeds, type Mutant } from '../src/mutation.ts';
import { runLesson } from '../src/runner.ts';

const temp = mkdtempSync(path.join(tmpdir(), 'netlings-port-reuse-'));
afterAll(() => rmSync(temp, { recursive: true, force: true }));

const SOCKET = "  const socket = dgram.createSocket('udp4');\n";
const SEND = '      socket.send(data, port, address, (err) => {\n';

/** The solution's client, its sockets for the lines `reuse` says bound to the first line's port. */
function reusing(name: string, reuse: string): Mutant {
  return {
    id: name,
    file: 'src/client.ts',
    bug: 'binds a new socket to the port of the first line’s socket',
    catches: 'client-late-duplicate',
    edits: [
      // Only the fixed case's client (--timeout 400): the seeded one beside it keeps the system's ports,
      // so the seed's doubled replies cannot meet a forced reuse.
      [SOCKET, `${SOCKET}  const n = ++asked;\n  if (timeout === 400 && firstPort !== undefined && (${reuse})) socket.bind(firstPort, '0.0.0.0');\n`],
      [SEND, `      if (firstPort === undefined && tries === 1) socket.once('listening', () => (firstPort = socket.address().port));\n${SEND}`],
      ['function ask(', 'let asked = 0;\nlet firstPort: number | undefined;\n\nfunction ask('],
    ],
  };
}

async function lateDuplicate(m: Mutant) {
  const root = mutantRoot(lesson09.lesson, m, path.join(temp, m.id));
  const results = await runLesson(lesson09, { root, only: withNeeds(lesson09, 'client-late-duplicate') });
  const r = results.find((x) => x.id === 'client-late-duplicate');
  return { r, notes: (r?.events ?? []).filter((e) => e.kind === 'note').map((e) => e.text ?? '') };
}

describe('client-late-duplicate and a new socket that gets the old port', () => {
  it('passes a correct client whose second line comes from the first line’s port by chance', async () => {
    const { r, notes } = await lateDuplicate(reusing('second-line-reuses', 'n === 2'));
    expect(notes.some((t) => /"beta" came from the port the held try of "alpha" came from/.test(t)), notes.join('\n')).toBe(true);
    expect(r?.status, r?.message).toBe('pass');
  }, 30_000);

  it('still fails a client whose every line comes from one port, as one socket for every line does', async () => {
    const { r } = await lateDuplicate(reusing('every-line-reuses', 'n > 1'));
    expect(r?.status).toBe('fail');
    expect(r?.code).toBe('OUTPUT');
  }, 30_000);
});

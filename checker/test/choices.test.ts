import net from 'node:net';
import { afterAll, describe, expect, it } from 'vitest';
import { Choices, GAPS, describePlan, hotSpots, seedFor, shrink } from '../src/harness/choices.ts';
import { FakeUdpServer, type Fate } from '../src/harness/fake-udp-server.ts';
import { DatagramPeer } from '../src/harness/datagram.ts';
import { Peer } from '../src/harness/peer.ts';
import { Transcript } from '../src/harness/transcript.ts';
import { chunksOf } from '../src/drivers/04-lines.ts';
import { expectedFeed, fixedCases } from '../src/checks/04-sticky-packets-lines.ts';

describe('seeded choices', () => {
  it('draws the same numbers from the same seed, and others from another', () => {
    const a = new Choices({ seed: 42 });
    const b = new Choices({ seed: 42 });
    const c = new Choices({ seed: 43 });
    const draw = (x: Choices) => Array.from({ length: 20 }, () => x.below(1000));
    const [da, db, dc] = [draw(a), draw(b), draw(c)];
    expect(da).toEqual(db);
    expect(dc).not.toEqual(da);
    expect(da.every((v) => v >= 0 && v < 1000)).toBe(true);
  });

  it('gives each check of a run a seed of its own, the same in every run', () => {
    expect(seedFor(7, 'splitter-crlf')).toBe(seedFor(7, 'splitter-crlf'));
    expect(seedFor(7, 'splitter-crlf')).not.toBe(seedFor(7, 'splitter-lines'));
    expect(seedFor(7, 'splitter-crlf')).not.toBe(seedFor(8, 'splitter-crlf'));
  });

  it('replays recorded draws, and past them gives the simplest choice', () => {
    const first = new Choices({ seed: 5 });
    const cuts = first.cuts(100, 6);
    const again = new Choices({ replay: first.drawn });
    expect(again.cuts(100, 6)).toEqual(cuts);
    expect(new Choices({ replay: [] }).cuts(100, 6)).toEqual([]);
  });

  it('shrinks a failing list of draws to the smallest that still fails', async () => {
    // Fails whenever some draw is at least 10: the smallest failing list is one draw of 10.
    const fails = async (d: number[]) => d.some((v) => v >= 10);
    const { draws } = await shrink([3, 50, 7, 99, 12], fails);
    expect(draws).toEqual([10]);
  });
});

describe('seeded sends', () => {
  const bytes = Buffer.from('größe 欢迎\r\nzwei\n', 'utf8');

  it('marks every \\n, \\r and byte inside a character, and the offsets a check names', () => {
    expect(hotSpots(Buffer.from('ab\r\ncd', 'utf8'), [5, 99])).toEqual([2, 3, 5]);
    expect(hotSpots(Buffer.from('é', 'utf8'))).toEqual([1]);
  });

  it('plans the same cuts and pauses from the same seed, and from its recorded draws', () => {
    const a = new Choices({ seed: 11 });
    const plan = a.sendPlan(bytes);
    expect(new Choices({ seed: 11 }).sendPlan(bytes)).toEqual(plan);
    expect(new Choices({ replay: a.drawn }).sendPlan(bytes)).toEqual(plan);
    expect(new Choices({ replay: [] }).sendPlan(bytes)).toEqual({ cuts: [], gaps: [] });
    expect(describePlan({ cuts: [], gaps: [] })).toBe('in one write');
    expect(describePlan({ cuts: [3, 7], gaps: [2, 0] })).toBe('cut at 3, 7 (pauses 2, 0 ms)');
  });

  it('cuts inside the bytes, up to the most asked for, each pause one of the gaps, and often next to a hot spot', () => {
    const hot = hotSpots(bytes);
    let near = 0;
    let all = 0;
    for (let seed = 1; seed <= 300; seed++) {
      const { cuts, gaps } = new Choices({ seed }).sendPlan(bytes, { maxCuts: 4 });
      expect(cuts.length).toBeLessThanOrEqual(4);
      expect(gaps).toHaveLength(cuts.length);
      expect([...cuts].sort((x, y) => x - y)).toEqual(cuts);
      for (const c of cuts) expect(c > 0 && c < bytes.length).toBe(true);
      for (const g of gaps) expect(GAPS).toContain(g);
      all += cuts.length;
      near += cuts.filter((c) => hot.some((h) => Math.abs(h - c) <= 2)).length;
    }
    expect(near / all).toBeGreaterThan(0.5);
  });

  describe('over a connection', () => {
    const server = net.createServer((s) => s.on('data', () => {}));
    const received: Buffer[] = [];
    server.on('connection', (s) => s.on('data', (d: Buffer) => received.push(d)));
    afterAll(() => new Promise<void>((r) => server.close(() => r())));

    it('sends the same pieces for the same seed, and again from the recorded draws, every byte arriving', async () => {
      await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
      const port = (server.address() as net.AddressInfo).port;
      const plans = [];
      const transcript = new Transcript();
      const first = new Choices({ seed: 4242 });
      for (const choices of [first, new Choices({ seed: 4242 }), new Choices({ replay: first.drawn })]) {
        const peer = await Peer.connect(port, `c${plans.length + 1}`, transcript, () => {});
        plans.push(await peer.send(bytes, { seeded: choices }));
        expect(choices.notes).toEqual([`c${plans.length} sent ${bytes.length} bytes ${describePlan(plans.at(-1) ?? { cuts: [], gaps: [] })}`]);
        peer.destroy();
      }
      expect(plans[0]?.cuts.length).toBeGreaterThan(1); // seed 4242 cuts these bytes three times
      expect(plans[1]).toEqual(plans[0]);
      expect(plans[2]).toEqual(plans[0]);
      // The pieces went out as the plan says (the transcript shows each write), and all of them arrived.
      const [sent] = transcript.events().filter((e) => e.kind === 'send' && e.lane === 'c1');
      const sizes = [...(plans[0]?.cuts ?? []), bytes.length].map((at, i, all) => at - (i ? (all[i - 1] ?? 0) : 0));
      expect(sent?.chunks?.map((c) => Buffer.from(c, 'base64').length)).toEqual(sizes);
      await new Promise<void>((r) => {
        const t = setInterval(() => Buffer.concat(received).length >= 3 * bytes.length && (clearInterval(t), r()), 5);
      });
      expect(Buffer.concat(received)).toEqual(Buffer.concat([bytes, bytes, bytes]));
    });
  });

  it("the fake UDP server answers, doubles, drops and answers late as each datagram's fate says", async () => {
    const transcript = new Transcript();
    const closers: (() => void)[] = [];
    try {
      const fake = await FakeUdpServer.start(transcript, (f) => closers.push(() => f.close()));
      const fates: Fate[] = ['late', 'drop', 'twice', 'answer', 'late', 'answer', 'late', 'answer'];
      fake.serve({ answer: (d) => d.toString('utf8').toUpperCase(), fate: () => fates.shift() ?? 'answer' });
      const peer = await DatagramPeer.open(fake.port, 'u1', transcript, (p) => closers.push(() => p.close()));
      await peer.send('one'); // held
      await peer.expectNoDatagram(100, 'nothing yet: the reply to "one" is held');
      await peer.send('one'); // its resend, dropped: now the late reply to the first "one" comes
      await peer.expectDatagram('ONE');
      await peer.expectNoDatagram(100, 'nothing for the resend: it was dropped');
      await peer.send('three'); // twice
      await peer.expectDatagram('THREE');
      await peer.expectDatagram('THREE');
      await peer.send('four');
      await peer.expectDatagram('FOUR');
      // Another line from the held one's port: a new socket may have got that port by chance, and
      // would take the late reply for its answer. It is not sent.
      await peer.send('five'); // held
      await peer.send('six');
      await peer.expectDatagram('SIX');
      await peer.expectNoDatagram(100, 'no late reply to "five": "six" came from its port');
      // From another port, the late reply goes where the held datagram came from.
      const other = await DatagramPeer.open(fake.port, 'u2', transcript, (p) => closers.push(() => p.close()));
      await peer.send('seven'); // held
      await other.send('eight');
      await peer.expectDatagram('SEVEN');
      await other.expectDatagram('EIGHT');
    } finally {
      for (const c of closers) c();
    }
  });
});

describe("lesson 04's splitter model", () => {
  it('agrees with every fixed case of the splitter checks', () => {
    let n = 0;
    for (const [id, cases] of fixedCases) {
      for (const c of cases()) {
        const data = typeof c.data === 'string' ? Buffer.from(c.data, 'utf8') : c.data;
        // The fixed plan as cut offsets.
        const chunks = chunksOf(data, c.plan ?? {});
        const cuts: number[] = [];
        let at = 0;
        for (const ch of chunks.slice(0, -1)) cuts.push((at += ch.length));
        const got = expectedFeed(data, cuts, c.plan?.end ?? false);
        expect({ id, what: c.what, ...got }).toEqual({ id, what: c.what, lines: c.lines, ...(c.tooLongAt !== undefined ? { tooLongAt: c.tooLongAt } : {}) });
        n++;
      }
    }
    expect(n).toBeGreaterThan(25);
  });
});

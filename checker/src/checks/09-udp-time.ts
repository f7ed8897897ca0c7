// Lesson 09's time mode: the checker's own reading of the supported strftime directives, and the
// checks that compare the server's replies with the checker's clock. The server runs with TZ set to a
// zone half an hour off UTC, so a server that formats UTC instead of local time is seen at once, and
// with an English locale, so a locale-dependent %X is seen too.

import type { CheckContext, CheckDef, RunningServer } from '../harness/check.ts';
import { CheckFailure } from '../harness/errors.ts';
import type { DatagramPeer } from '../harness/datagram.ts';
import { showBytes } from '../harness/bytes.ts';
import { startUdpServer } from '../harness/udp-ready.ts';

export const TIME_ZONE = 'Asia/Kolkata'; // UTC+05:30, no daylight saving time
export const TIME_ENV = { TZ: TIME_ZONE, LANG: 'en_US.UTF-8', LC_ALL: 'en_US.UTF-8' };

const clock = new Intl.DateTimeFormat('en-US', {
  timeZone: TIME_ZONE,
  hourCycle: 'h23',
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
  hour: '2-digit',
  minute: '2-digit',
  second: '2-digit',
});

/** The local time in TIME_ZONE at `ms`, as the lesson's directives read it. */
function fields(ms: number): Record<'Y' | 'm' | 'd' | 'H' | 'M' | 'S', string> {
  const parts = Object.fromEntries(clock.formatToParts(new Date(ms)).map((p) => [p.type, p.value]));
  return { Y: (parts['year'] ?? '').padStart(4, '0'), m: parts['month'] ?? '', d: parts['day'] ?? '', H: parts['hour'] ?? '', M: parts['minute'] ?? '', S: parts['second'] ?? '' };
}

/** `format` at `ms` with the supported directives (%Y %m %d %H %M %S %X %%); the format must hold no other. */
export function formatAt(format: string, ms: number): string {
  const f = fields(ms);
  return format.replace(/%(.)/gsu, (_all, d: string) => {
    if (d === '%') return '%';
    if (d === 'X') return `${f.H}:${f.M}:${f.S}`;
    const v = f[d as keyof typeof f];
    if (v === undefined) throw new Error(`formatAt: unsupported directive %${d}`);
    return v;
  });
}

/** Starts the server in time mode, in TIME_ZONE. */
export async function timeServer(ctx: CheckContext): Promise<RunningServer> {
  return startUdpServer(ctx, ['--host', '127.0.0.1', '--port', '0', '--mode', 'time'], 'server', TIME_ENV);
}

/**
 * Sends `format` and expects the local time in it, within a second of the checker's clock: every
 * second from one before the send to one after the reply is a right answer (a reply may straddle a
 * second boundary).
 */
export async function expectTime(peer: DatagramPeer, format: string, expectFormat: string, what: string, hint: string): Promise<void> {
  const t0 = Date.now();
  await peer.send(format);
  const d = await peer.nextDatagram(undefined, `the reply to the format ${JSON.stringify(format)}`);
  const t1 = Date.now();
  const right = new Set<string>();
  for (let s = Math.floor(t0 / 1000) - 1; s <= Math.floor(t1 / 1000) + 1; s++) right.add(formatAt(expectFormat, s * 1000));
  const got = d.data.toString('utf8');
  if (!right.has(got) || d.from.port !== peer.target) {
    if (right.has(got)) {
      throw new CheckFailure('WRONG_ADDRESS', `${peer.name}: the reply came from port ${d.from.port}, not from the server's ${peer.target}`, {
        expected: `a reply from 127.0.0.1:${peer.target}`,
        actual: `a reply from ${d.from.address}:${d.from.port}`,
        hint: 'Reply with the socket that received the datagram: socket.send(reply, rinfo.port, rinfo.address).',
      });
    }
    throw new CheckFailure('WRONG_BYTES', `${peer.name}: the reply to ${what} is not the local time in that format`, {
      expected: `${showBytes(formatAt(expectFormat, t1))} (the local time in ${TIME_ZONE}, where the tester started the server with TZ=${TIME_ZONE}; any second from ${new Date(t0 - 1000).toISOString()} to ${new Date(t1 + 1000).toISOString()} is right)`,
      actual: showBytes(d.data),
      hint,
    });
  }
}

const DIRECTIVES: [format: string, what: string, hint: string][] = [
  ['%Y', '%Y (the year)', '%Y is the year with four digits: date.getFullYear().'],
  ['%m', '%m (the month)', "%m is the month 01 to 12: date.getMonth() counts from 0, so add 1, and pad to two digits."],
  ['%d', '%d (the day of the month)', '%d is the day of the month 01 to 31: date.getDate() (getDay() is the day of the week), padded to two digits.'],
  ['%H', '%H (the hour)', "%H is the hour 00 to 23 in local time: date.getHours(), not getUTCHours(). The server runs with TZ set; Node's Date follows it."],
  ['%M', '%M (the minute)', '%M is the minute 00 to 59 in local time: date.getMinutes(), padded to two digits.'],
  ['%S', '%S (the second)', '%S is the second 00 to 59: date.getSeconds(), padded to two digits.'],
  ['%X', '%X (the time)', "%X is the time as HH:MM:SS, 24-hour (the C locale's form): not toLocaleTimeString(), whose form depends on the locale (\"4:07:18 AM\")."],
];

export const timeChecks: CheckDef[] = [
  {
    id: 'time-default-format',
    title: 'time mode: an empty datagram gets the date and time as %Y-%m-%d %X',
    target: 'server',
    needs: ['ready'],
    hint: "An empty datagram is a real request in UDP. In time mode it means the default format, '%Y-%m-%d %X': 2026-12-02 04:07:18.",
    async run(ctx) {
      const { port } = await timeServer(ctx);
      const u = await ctx.udpPeer(port);
      await expectTime(u, '', '%Y-%m-%d %X', 'an empty datagram', this.hint);
      await expectTime(u, '', '%Y-%m-%d %X', 'a second empty datagram', this.hint);
    },
  },
  {
    id: 'time-directives',
    title: 'time mode: %Y %m %d %H %M %S %X each give the local time, alone and inside text',
    target: 'server',
    needs: ['ready'],
    hint: 'Copy every character that is not part of a directive as it is; replace each directive with its field of the local time, padded to two digits (the year to four).',
    async run(ctx) {
      const { port } = await timeServer(ctx);
      const u = await ctx.udpPeer(port);
      for (const [format, what, hint] of DIRECTIVES) await expectTime(u, format, format, what, hint);
      for (const format of ['%Y-%m-%d %H:%M:%S', '现在是 %H 点 %M 分 😀 %S', 'date %d/%m/%Y, time %X.']) {
        await expectTime(u, format, format, `the format ${JSON.stringify(format)}`, this.hint);
      }
    },
  },
  {
    id: 'time-percent-literal',
    title: 'time mode: %% is a literal %, also right before a letter that is a directive',
    target: 'server',
    needs: ['ready'],
    hint: "Read the format once, left to right: after a %, the next character decides. %%Y is a literal % and then a Y, not a % and the year. Replacing directives one kind at a time (replaceAll('%Y', ...), then replaceAll('%%', '%')) gets this wrong.",
    async run(ctx) {
      const { port } = await timeServer(ctx);
      const u = await ctx.udpPeer(port);
      for (const format of ['%%', '100%% sure', '%%Y is not the year, %Y is', '%%%H%%%%M%%']) {
        await expectTime(u, format, format, `the format ${JSON.stringify(format)}`, this.hint);
      }
    },
  },
  {
    id: 'time-bad-format',
    title: 'time mode: a format the server cannot handle gets an "error ..." reply, not silence, and the server goes on',
    target: 'server',
    needs: ['ready'],
    hint: 'Every datagram gets a reply. For a directive you do not support, a % at the very end, or a format over the limit, reply `error MESSAGE` (catch your FormatError; check the size before formatting: a reply over 65,507 bytes cannot be sent at all).',
    async run(ctx) {
      const { port, program } = await timeServer(ctx);
      const u = await ctx.udpPeer(port);
      const bad: [format: string, what: string, mustName?: string][] = [
        ['%Q', 'the unsupported directive %Q', '%Q'],
        ['time: %H:%M %Q', 'a format with %Q after good directives', '%Q'],
        ['50%', 'a format that ends with %'],
        ['%Y'.repeat(30_000), 'a 60,000-byte format (its reply would be 120,000 bytes, more than a datagram holds)'],
      ];
      for (const [format, what, mustName] of bad) {
        await u.send(format);
        const d = await u.nextDatagram(undefined, `the error reply to ${what}`).catch((e: unknown) => {
          if (e instanceof CheckFailure && e.code === 'TIMEOUT') {
            throw new CheckFailure('TIMEOUT', `${u.name}: ${what} got no reply: silence`, {
              expected: 'one datagram starting with "error "',
              actual: `no datagram within the deadline${program.exit ? `; the server ${program.describeExit()}` : ''}\n${program.describeOutput()}`,
              hint: this.hint,
            });
          }
          throw e;
        });
        const text = d.data.toString('utf8');
        if (!text.startsWith('error ') || (mustName !== undefined && !text.includes(mustName))) {
          throw new CheckFailure('WRONG_BYTES', `${u.name}: the reply to ${what} is not an error reply${mustName ? ` naming ${mustName}` : ''}`, {
            expected: `a datagram "error MESSAGE"${mustName ? `, the message naming ${mustName}, such as "error unsupported directive ${mustName}"` : ''}`,
            actual: showBytes(d.data),
            hint: this.hint,
          });
        }
      }
      await expectTime(u, '%Y', '%Y', '%Y after the bad formats', 'A bad format gets an error reply and nothing else: the server goes on answering.');
    },
  },
];

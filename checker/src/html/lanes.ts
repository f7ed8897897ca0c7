// A check's transcript events laid out as a sequence diagram: which lanes (parties) there are, and
// one row per event with the lanes it joins. Pure data; diagram.ts draws it.

import type { TranscriptEvent } from '../harness/transcript.ts';
import type { Target } from '../harness/check.ts';

export interface Lane {
  /** 'conn': a tester connection; 'program': a program the check started; its 'stdout' and 'stderr'. */
  kind: 'conn' | 'program' | 'stdout' | 'stderr';
  /** The name in the transcript (c1, fake#1, server). */
  name: string;
  label: string;
  /** A lane that several tester connections share (too many for a lane each): their names. */
  members?: string[];
}

export type Row =
  /**
   * Bytes on a connection, or one datagram: the tester sent them (to the program) or received them
   * (from it). fate: what the tester's fake UDP server did with a datagram it received.
   */
  | { type: 'bytes'; at: number; from: number; to: number; ev: TranscriptEvent; fate?: 'dropped' | 'held'; conn?: string }
  /** A connection opened, half-closed (FIN) or reset (RST). */
  | { type: 'signal'; at: number; from: number; to: number; signal: 'connect' | 'fin' | 'rst'; text: string; error: boolean; conn?: string }
  /** A note on one lane, or across all of them (lane undefined: the tester's own notes). */
  | { type: 'note'; at: number; lane: number | undefined; who: string; text: string; error: boolean; conn?: string }
  /** Lines the program printed together (a stack trace), on its stdout or stderr lane. */
  | { type: 'output'; at: number; lane: number; stream: 'stdout' | 'stderr'; lines: string[]; until: number }
  /** Time passing with nothing recorded. */
  | { type: 'gap'; at: number; ms: number }
  /** Entries the transcript did not keep. */
  | { type: 'omitted'; at: number; count: number };

export interface Diagram {
  lanes: Lane[];
  rows: Row[];
}

/**
 * The least width, in px, of the time column and of a lane (diagram.ts: 4.5rem, 2 × 4.5rem, 2 × 6rem
 * for a stdout or stderr lane), and the width the diagram has on a laptop (1366 px wide) beside the
 * page's margins.
 */
const TIME_PX = 72;
const LANE_PX = 144;
const STREAM_PX = 192;
const WIDTH_PX = 1230;

/** A pause at least this long between two events gets a row of its own: where a check waited. */
export const GAP_MS = 250;
/** Lines of one stream at most this far apart, nothing between them, share one box. */
const BURST_MS = 20;

/** The lane of a tester event: its connection, or for a datagram the socket it went through. */
const laneOf = (ev: TranscriptEvent): string => ev.datagram?.socket ?? ev.lane;

/** "fake server", "seeded fake server #2", "tester c1", "tester u1". */
function laneLabel(name: string, fake: boolean, socket: boolean): string {
  if (!fake) return `tester ${name}`;
  const [, base = name, k] = /^(.*?)(?:#(\d+))?$/.exec(name) ?? [];
  const server = `${base === 'fake' ? '' : `${base} `}fake server`;
  return socket || k === undefined ? server : `${server} #${k}`;
}

const programOf = (ev: TranscriptEvent): string | undefined =>
  ev.kind === 'stdout' || ev.kind === 'stderr' || ev.source !== 'tester' ? ev.lane : undefined;

/**
 * The lanes and rows of a check's events; `target` says which program the tester's connections talk
 * to when there are several, `endAt` when the check ended (a wait at the end gets its gap row too).
 */
export function layout(events: TranscriptEvent[], target?: Target, endAt?: number): Diagram {
  // A tester lane is a connection (or a UDP socket) when bytes or connection signals happened on
  // it; other tester lanes ('tester', a TCP fake server's listener) hold notes only, drawn across
  // the diagram. A UDP entry's lane is its socket: every datagram of one socket shares it.
  const conns: string[] = [];
  const sockets = new Set<string>();
  const fakes = new Set<string>();
  const peers = new Map<string, string>();
  const programs: string[] = [];
  const streams = new Map<string, Set<'stdout' | 'stderr'>>();
  for (const ev of events) {
    const prog = programOf(ev);
    if (prog !== undefined) {
      if (!programs.includes(prog)) programs.push(prog);
      if (ev.kind === 'stdout' || ev.kind === 'stderr') {
        const set = streams.get(prog) ?? new Set();
        set.add(ev.kind);
        streams.set(prog, set);
      }
      continue;
    }
    const name = laneOf(ev);
    if ((ev.kind === 'send' || ev.kind === 'recv' || ev.flags) && !conns.includes(name)) conns.push(name);
    if (ev.datagram) sockets.add(name);
    if (ev.datagram?.fake || ev.flags?.connectFrom === 'program') fakes.add(name);
    if (ev.peer !== undefined) peers.set(name, ev.peer);
  }
  if (programs.length === 0 && conns.length > 0) programs.push('program');
  // The program at the other end of a tester connection: the one the check linked it to, else the
  // only one, or the check's target.
  const fallback = programs.length === 1 ? programs[0] : (programs.find((p) => p === target) ?? programs[0]);
  const peerName = (conn: string) => {
    const linked = peers.get(conn);
    return linked !== undefined && programs.includes(linked) ? linked : fallback;
  };
  // One group of lanes per program, the fallback's first: its tester connections, it, its stdout
  // and stderr. Two clients, each with its fake server, are drawn side by side and no arrow crosses.
  const groups = [...programs]
    .sort((a, b) => Number(b === fallback) - Number(a === fallback))
    .map((name) => ({ name, conns: conns.filter((c) => peerName(c) === name) }));
  // Too many lanes to read on a laptop without scrolling sideways (a check with eight connections
  // beside a server's stdout and stderr): each program's tester connections share one lane, every
  // arrow on it labelled with its connection.
  const width = TIME_PX + groups.reduce((w, g) => w + LANE_PX * (1 + g.conns.length) + STREAM_PX * (streams.get(g.name)?.size ?? 0), 0);
  const merge = width > WIDTH_PX;
  const lanes: Lane[] = [];
  const connLane = new Map<string, number>();
  for (const g of groups) {
    if (merge && g.conns.length > 1) {
      for (const c of g.conns) connLane.set(c, lanes.length);
      const kind = g.conns.every((c) => sockets.has(c)) ? 'sockets' : 'connections';
      lanes.push({ kind: 'conn', name: g.conns.join(' '), label: `tester: ${g.conns.length} ${kind}`, members: g.conns });
    } else {
      for (const conn of g.conns) {
        connLane.set(conn, lanes.length);
        lanes.push({ kind: 'conn', name: conn, label: laneLabel(conn, fakes.has(conn) || /^fake#\d+$/.test(conn), sockets.has(conn)) });
      }
    }
    lanes.push({ kind: 'program', name: g.name, label: g.name });
    for (const stream of ['stdout', 'stderr'] as const) {
      if (streams.get(g.name)?.has(stream)) lanes.push({ kind: stream, name: g.name, label: `${g.name} ${stream}` });
    }
  }
  const find = (kind: Lane['kind'], name: string) => (kind === 'conn' ? (connLane.get(name) ?? -1) : lanes.findIndex((l) => l.kind === kind && l.name === name));
  /** The connection's name, where its lane is shared and its arrows must say whose they are. */
  const whose = (k: number, name: string) => (lanes[k]?.members ? { conn: name } : {});
  const peerOf = (conn: string) => {
    const name = peerName(conn);
    return name === undefined ? -1 : find('program', name);
  };

  const rows: Row[] = [];
  let last: number | undefined;
  for (const ev of events) {
    if (ev.omittedBefore) rows.push({ type: 'omitted', at: ev.at, count: ev.omittedBefore });
    else if (last !== undefined && ev.at - last >= GAP_MS) rows.push({ type: 'gap', at: last, ms: ev.at - last });
    last = ev.at;
    const prog = programOf(ev);
    if (ev.kind === 'stdout' || ev.kind === 'stderr') {
      const lane = find(ev.kind, ev.lane);
      const prev = rows.at(-1);
      if (prev?.type === 'output' && prev.lane === lane && ev.at - prev.until <= BURST_MS && !ev.omittedBefore) {
        prev.lines.push(ev.text ?? '');
        prev.until = ev.at;
      } else rows.push({ type: 'output', at: ev.at, lane, stream: ev.kind, lines: [ev.text ?? ''], until: ev.at });
      continue;
    }
    if (prog !== undefined) {
      rows.push({ type: 'note', at: ev.at, lane: find('program', prog), who: prog, text: ev.text ?? '', error: false });
      continue;
    }
    const name = laneOf(ev);
    const conn = find('conn', name);
    // A UDP socket's own notes (what its fake server will do) are about the whole exchange: across.
    if (conn < 0 || (sockets.has(name) && !ev.flags && !ev.datagram)) {
      rows.push({ type: 'note', at: ev.at, lane: undefined, who: ev.lane, text: ev.text ?? '', error: false });
      continue;
    }
    const peer = peerOf(name);
    if (ev.kind === 'send') rows.push({ type: 'bytes', at: ev.at, from: conn, to: peer, ev, ...whose(conn, name) });
    else if (ev.kind === 'recv') rows.push({ type: 'bytes', at: ev.at, from: peer, to: conn, ev, ...whose(conn, name) });
    else {
      const f = ev.flags ?? {};
      const text = ev.text ?? '';
      // What the fake UDP server did with a datagram it received is drawn on that datagram's arrow.
      const n = f.dropped ?? f.held;
      if (n !== undefined) {
        const fate = f.dropped !== undefined ? 'dropped' : 'held';
        const row = rows.findLast((r) => r.type === 'bytes' && r.ev.kind === 'recv' && r.ev.datagram?.socket === name && r.ev.datagram.n === n);
        if (row?.type === 'bytes') {
          row.fate = fate;
          continue;
        }
      }
      const signal = f.rstFrom ? 'rst' : f.finFrom ? 'fin' : f.connectFrom ? 'connect' : undefined;
      const by = f.rstFrom ?? f.finFrom ?? f.connectFrom;
      if (signal && by) rows.push({ type: 'signal', at: ev.at, from: by === 'tester' ? conn : peer, to: by === 'tester' ? peer : conn, signal, text, error: f.error === true, ...whose(conn, name) });
      else rows.push({ type: 'note', at: ev.at, lane: conn, who: ev.lane, text, error: f.error === true, ...whose(conn, name) });
    }
  }
  if (last !== undefined && endAt !== undefined && endAt - last >= GAP_MS) rows.push({ type: 'gap', at: last, ms: endAt - last });
  return { lanes, rows };
}

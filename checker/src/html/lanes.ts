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
}

export type Row =
  /** Bytes on a connection: the tester sent them (to the program) or received them (from it). */
  | { type: 'bytes'; at: number; from: number; to: number; ev: TranscriptEvent }
  /** A connection opened, half-closed (FIN) or reset (RST). */
  | { type: 'signal'; at: number; from: number; to: number; signal: 'connect' | 'fin' | 'rst'; text: string; error: boolean }
  /** A note on one lane, or across all of them (lane undefined: the tester's own notes). */
  | { type: 'note'; at: number; lane: number | undefined; who: string; text: string; error: boolean }
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

/** A pause at least this long between two events gets a row of its own: where a check waited. */
export const GAP_MS = 250;
/** Lines of one stream at most this far apart, nothing between them, share one box. */
const BURST_MS = 20;

const programOf = (ev: TranscriptEvent): string | undefined =>
  ev.kind === 'stdout' || ev.kind === 'stderr' || ev.source !== 'tester' ? ev.lane : undefined;

/**
 * The lanes and rows of a check's events; `target` says which program the tester's connections talk
 * to when there are several, `endAt` when the check ended (a wait at the end gets its gap row too).
 */
export function layout(events: TranscriptEvent[], target?: Target, endAt?: number): Diagram {
  // A tester lane is a connection when bytes or connection signals happened on it; other tester
  // lanes ('tester', 'fake') hold notes only, drawn across the diagram.
  const conns: string[] = [];
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
    } else if ((ev.kind === 'send' || ev.kind === 'recv' || ev.flags) && !conns.includes(ev.lane)) conns.push(ev.lane);
  }
  if (programs.length === 0 && conns.length > 0) programs.push('program');
  const lanes: Lane[] = [
    ...conns.map((name): Lane => ({ kind: 'conn', name, label: /^fake#/.test(name) ? `fake server ${name.slice(5) ? `#${name.slice(5)}` : ''}`.trim() : `tester ${name}` })),
    ...programs.map((name): Lane => ({ kind: 'program', name, label: name })),
  ];
  for (const name of programs) {
    for (const stream of ['stdout', 'stderr'] as const) {
      if (streams.get(name)?.has(stream)) lanes.push({ kind: stream, name, label: `${name} ${stream}` });
    }
  }
  const find = (kind: Lane['kind'], name: string) => lanes.findIndex((l) => l.kind === kind && l.name === name);
  // The program at the other end of the tester's connections: the only one, or the check's target.
  const peerName = programs.length === 1 ? programs[0] : (programs.find((p) => p === target) ?? programs[0]);
  const peer = peerName === undefined ? -1 : find('program', peerName);

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
    const conn = find('conn', ev.lane);
    if (conn < 0) {
      rows.push({ type: 'note', at: ev.at, lane: undefined, who: ev.lane, text: ev.text ?? '', error: false });
      continue;
    }
    if (ev.kind === 'send') rows.push({ type: 'bytes', at: ev.at, from: conn, to: peer, ev });
    else if (ev.kind === 'recv') rows.push({ type: 'bytes', at: ev.at, from: peer, to: conn, ev });
    else {
      const f = ev.flags ?? {};
      const text = ev.text ?? '';
      const signal = f.rstFrom ? 'rst' : f.finFrom ? 'fin' : f.connectFrom ? 'connect' : undefined;
      const by = f.rstFrom ?? f.finFrom ?? f.connectFrom;
      if (signal && by) rows.push({ type: 'signal', at: ev.at, from: by === 'tester' ? conn : peer, to: by === 'tester' ? peer : conn, signal, text, error: f.error === true });
      else rows.push({ type: 'note', at: ev.at, lane: conn, who: ev.lane, text, error: f.error === true });
    }
  }
  if (last !== undefined && endAt !== undefined && endAt - last >= GAP_MS) rows.push({ type: 'gap', at: last, ms: endAt - last });
  return { lanes, rows };
}

// The page's CSS, inline (the page loads nothing). Sized for a laptop screen (1366×768 and up);
// a diagram wider than the screen scrolls sideways in its own box.

export const CSS = `
:root { --fg: #1d2125; --dim: #5c6670; --line: #8a96a3; --bg: #fff; --panel: #f5f7f9; --send: #1a5fb4; --recv: #26734d;
  --fin: #8a5a00; --rst: #c01c28; --err: #c01c28; --out: #444; --mark: #ffd54f; --focus: #7a3cff; }
* { box-sizing: border-box; }
body { margin: 0; font: 15px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, "Noto Sans", sans-serif; color: var(--fg); background: var(--bg); }
code, pre, .bytes, .out, .t, .hexdiff td, .meta { font-family: ui-monospace, "DejaVu Sans Mono", Menlo, Consolas, monospace; font-size: 13px; }
a { color: var(--send); }
:focus-visible { outline: 3px solid var(--focus); outline-offset: 2px; }
.skip { position: absolute; left: -9999px; top: 0; background: #000; color: #fff; padding: .5rem 1rem; z-index: 10; }
.skip:focus { left: .5rem; top: .5rem; }
.sr { position: absolute; width: 1px; height: 1px; overflow: hidden; clip: rect(0 0 0 0); white-space: nowrap; }
header, main { max-width: 1320px; margin: 0 auto; padding: 0 1rem; }
header { padding-top: 1rem; }
h1 { font-size: 1.4rem; margin: .2rem 0; }
h2 { font-size: 1.15rem; margin: 1.5rem 0 .5rem; border-bottom: 1px solid #dde2e7; padding-bottom: .2rem; }
.summary { margin: .2rem 0 .6rem; }
.summary .n-fail { color: var(--err); font-weight: 600; }
.summary .n-pass { color: var(--recv); font-weight: 600; }
nav ol { margin: .2rem 0; padding-left: 1.4rem; columns: 2 28rem; }
nav li { break-inside: avoid; }
.tools { margin: .5rem 0; }
.tools button { font: inherit; padding: .2rem .7rem; margin-right: .4rem; }
details.check { border: 1px solid #dde2e7; border-radius: 6px; margin: .6rem 0; background: var(--bg); }
details.check > summary { cursor: pointer; padding: .45rem .7rem; list-style-position: inside; }
details.check.fail { border-left: 5px solid var(--err); }
details.check.pass { border-left: 5px solid var(--recv); }
details.check.skip { border-left: 5px solid #b8c0c8; }
.mark { font-weight: 700; }
.fail .mark { color: var(--err); } .pass .mark { color: var(--recv); } .skip .mark { color: var(--dim); }
.tag, .dur, .code { color: var(--dim); font-size: 13px; margin-left: .4rem; }
.code { font-family: ui-monospace, monospace; }
.body { padding: 0 1rem 1rem; }
.message { font-weight: 600; color: var(--err); margin: .3rem 0 .6rem; white-space: pre-wrap; }
.hint { background: #fff8e1; border-left: 4px solid #e0a800; padding: .5rem .8rem; margin: .8rem 0; }
.seed { color: #555; font-size: .9rem; margin: .4rem 0; }
.seed code { background: #f1f3f5; padding: .1rem .3rem; border-radius: 3px; }
.hidden-note { color: var(--dim); font-style: italic; }
.skip-inline { font-size: 13px; }
.diagram { overflow-x: auto; border: 1px solid #e3e7eb; border-radius: 4px; background: var(--panel); padding: .4rem .4rem .6rem; }
.seq { display: grid; column-gap: 0; row-gap: .25rem; position: relative; min-width: fit-content; }
.lane { font-weight: 600; text-align: center; font-size: 13px; padding: .2rem .3rem; background: #e8edf2; border-radius: 4px; margin: 0 .3rem .3rem; z-index: 1; overflow-wrap: anywhere; }
.lane.time { background: none; color: var(--dim); font-weight: 400; }
.lane.stdout, .lane.stderr { background: #eee; font-weight: 500; }
.lane.stderr { color: var(--err); }
.life { justify-self: center; width: 0; border-left: 2px dashed #c5ced6; z-index: 0; }
.life.conn, .life.program { border-left-style: solid; border-left-color: #b3bec9; }
.t { color: var(--dim); text-align: right; padding: .1rem .5rem 0 0; align-self: start; font-size: 12px; }
.t.gapt { align-self: center; }
.arrow { position: relative; z-index: 1; align-self: end; padding: 0 .15rem; min-width: 0; }
.arrow .label { text-align: center; padding: 0 .3rem .1rem; overflow-wrap: anywhere; }
.arrow.left .label { text-align: center; }
.arrow .line { display: flex; gap: 3px; height: 2px; position: relative; margin: 0 2px; }
.arrow .line i { flex: 1; background: currentColor; height: 2px; }
.arrow.right .line::after, .arrow.left .line::before { content: ""; position: absolute; top: -5px; border: 6px solid transparent; }
.arrow.right .line::after { right: -4px; border-left: 9px solid currentColor; border-right: 0; }
.arrow.left .line::before { left: -4px; border-right: 9px solid currentColor; border-left: 0; }
.arrow.send { color: var(--send); }
.arrow.recv { color: var(--recv); }
.arrow .label { color: var(--fg); }
.arrow.signal .line i, .arrow.lost .line i { background: none; border-top: 2px dashed currentColor; height: 0; }
.arrow.connect { color: var(--line); }
.arrow.fin { color: var(--fin); }
.arrow.rst, .arrow.lost { color: var(--rst); }
.arrow.rst.right .line::after, .arrow.lost.right .line::after { content: "✕"; border: 0; top: -11px; right: -6px; font-size: 15px; font-weight: 700; }
.arrow.rst.left .line::before, .arrow.lost.left .line::before { content: "✕"; border: 0; top: -11px; left: -6px; font-size: 15px; font-weight: 700; }
.sig { font-weight: 700; font-size: 12px; letter-spacing: .04em; }
.arrow .fate { display: block; color: var(--rst); font-size: 13px; font-weight: 600; }
.arrow.held .fate { color: var(--fin); }
.arrow.connect .sig { font-weight: 500; }
.arrow .conn, .note .conn { font: 600 12px ui-monospace, monospace; color: var(--fg); background: #e3e8ee; border-radius: 3px; padding: 0 .3em; }
.meta { color: var(--dim); font-size: 11.5px; white-space: nowrap; }
.signal .meta { white-space: normal; }
.bytes .chunk { background: #fff; border: 1px solid #b9c4cf; border-radius: 3px; padding: 0 .2rem; white-space: pre-wrap; box-decoration-break: clone; -webkit-box-decoration-break: clone; }
.bytes .cut { color: var(--rst); font-weight: 700; padding: 0 1px; }
.chunk.tail { border-style: dashed; }
.esc { color: #8250df; font-weight: 600; }
.hex { color: #0b4f8a; }
.gloss { color: var(--dim); }
.elided { color: var(--dim); font-style: italic; }
.note { z-index: 1; background: #fff; border: 1px solid #d4dbe2; border-radius: 4px; padding: .1rem .4rem; font-size: 13px; margin: 0 .3rem; overflow-wrap: anywhere; align-self: center; }
.note.wide { background: #eef2f6; border-style: dashed; text-align: left; }
.note .who { font-weight: 600; color: var(--dim); }
.note.error { border-color: var(--err); color: var(--err); }
.out { z-index: 1; background: #fff; border: 1px solid #e0e0e0; border-radius: 3px; padding: 0 .35rem; margin: 0 .3rem; white-space: pre-wrap; overflow-wrap: anywhere; color: var(--out); font-size: 12px; }
.out.stderr { color: var(--err); border-color: #f0c2c6; }
.gap { z-index: 1; text-align: center; color: var(--dim); font-style: italic; font-size: 13px; background: linear-gradient(var(--panel), var(--panel)) center / 60% 100% no-repeat; }
.gap.omitted { font-style: normal; }
.end { z-index: 1; padding: .25rem .6rem; border-radius: 4px; font-weight: 600; }
.end.fail { background: #fdecee; color: var(--err); border: 1px solid #f3b7bd; }
.end.pass { background: #e9f6ee; color: var(--recv); border: 1px solid #b8e0c6; }
details.fold { margin: .3rem 0; }
details.fold > summary { cursor: pointer; color: var(--send); padding: .3rem .6rem; background: #fff; border: 1px dashed #9fb3c8; border-radius: 4px; margin: .2rem 4.5rem; }
details.fold > summary .how { color: var(--dim); font-size: 12px; }
.legend { color: var(--dim); font-size: 12.5px; margin: .3rem 0 .8rem; }
.legend .chunk { border: 1px solid #b9c4cf; border-radius: 3px; padding: 0 .2rem; background: #fff; }
.legend .cut { color: var(--rst); font-weight: 700; }
.k-arrow { color: var(--send); font-weight: 700; } .k-fin { color: var(--fin); font-weight: 700; } .k-rst, .k-lost { color: var(--rst); font-weight: 700; }
.compare { display: grid; grid-template-columns: 1fr 1fr; gap: .8rem; margin: .6rem 0; }
.compare figure, .hexdiff { margin: 0; }
figcaption { font-weight: 600; font-size: 13px; color: var(--dim); margin-bottom: .15rem; }
.compare pre { margin: 0; background: var(--panel); border: 1px solid #e3e7eb; border-radius: 4px; padding: .5rem .6rem; white-space: pre-wrap; overflow-wrap: anywhere; max-height: 24rem; overflow-y: auto; }
mark.caret { background: var(--mark); outline: 2px solid #e0a800; border-radius: 2px; position: relative; }
.hexdiff table { border-collapse: collapse; }
.hexdiff th { text-align: right; padding-right: .6rem; font-size: 13px; color: var(--dim); font-weight: 500; }
.hexdiff td { padding: .05rem .3rem; text-align: center; }
.hexdiff tr.offsets td { color: var(--dim); font-size: 11px; }
.hexdiff td.caret { background: var(--mark); outline: 2px solid #e0a800; }
.hexdiff tr.caret-row td { color: #b07800; font-weight: 700; line-height: 1; }
.none { color: var(--dim); }
details.text { margin-top: .6rem; }
details.text > summary { cursor: pointer; color: var(--dim); }
details.text pre { background: var(--panel); padding: .5rem; overflow-x: auto; font-size: 12px; }
.empty { color: var(--dim); font-style: italic; }
@media (max-width: 900px) { .compare { grid-template-columns: 1fr; } nav ol { columns: 1; } }
@media print { .tools, .skip { display: none; } details.check { break-inside: avoid; } }
`;

// Mutants that are the same bug, made by the same edit, in the servers or clients of several lessons
// (the parts every lesson's program shares: listening, signals, reporting a refused connection).

import type { Mutant } from './mutant.ts';

/** Listens on every interface (no host given to listen) but prints the host it was given. */
export const bindsEveryInterface: Mutant = {
  id: 'binds-every-interface',
  file: 'src/server.ts',
  bug: "listens on 0.0.0.0 (every interface) but prints the --host it was given in the ready line",
  catches: 'ready',
  edits: [
    [
      'server.listen(port, host, () => {\n  const { address, port: actual } = server.address() as net.AddressInfo;\n  console.log(`listening on ${address}:${actual}`);',
      "server.listen(port, '0.0.0.0', () => {\n  const { port: actual } = server.address() as net.AddressInfo;\n  console.log(`listening on ${host}:${actual}`);",
    ],
  ],
};

/** Handles SIGTERM only: Ctrl-C (SIGINT) kills it by the signal's default action. */
export const sigintNotHandled: Mutant = {
  id: 'sigint-not-handled',
  file: 'src/server.ts',
  bug: 'handles SIGTERM but not SIGINT (Ctrl-C), so Ctrl-C kills it instead of closing the connections and exiting 0',
  catches: 'stops-on-sigint',
  edits: [["for (const signal of ['SIGINT', 'SIGTERM'] as const) {", "for (const signal of ['SIGTERM'] as const) {"]],
};

/** Names the address of a refused connection but not the reason. */
export const refusedWithoutReason: Mutant = {
  id: 'client-refused-no-reason',
  file: 'src/client.ts',
  bug: 'reports a refused connection with the address but without the reason',
  catches: 'client-connection-refused',
  edits: [['  console.error(`${what} ${host}:${port}: ${reason(err)}`);', '  console.error(`${what} ${host}:${port}`);']],
};

/** Connects to the lesson's default port whatever --port says. */
export function ignoresPort(lessonPort: number, catches: string): Mutant {
  return {
    id: 'client-ignores-port',
    file: 'src/client.ts',
    bug: `connects to the lesson's port ${lessonPort} whatever --port says`,
    catches,
    edits: [['const socket = net.connect({ host, port', `const socket = net.connect({ host, port: ${lessonPort}`]],
  };
}

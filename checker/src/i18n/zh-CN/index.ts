// The Chinese tables: one file per lesson (its check ids), and the failures' own hints.
// A new lesson adds its file here; checker/test/i18n.test.ts lists the checks still without one.

import type { CheckTexts } from '../checks.ts';
import lesson01 from './01-basic-socket.ts';
import lesson02 from './02-loop-server.ts';
import lesson03 from './03-ssh-lite.ts';
import lesson04 from './04-sticky-packets.ts';
import lesson05 from './05-struct-headers.ts';
import lesson06 from './06-auth.ts';
import lesson09 from './09-udp.ts';
import lesson07 from './07-socketserver.ts';
import lesson08 from './08-chat.ts';

export { failureHints as zhFailureHints } from './common.ts';

export const zhChecks: Record<string, CheckTexts> = {
  '01-basic-socket': lesson01,
  '02-loop-server': lesson02,
  '03-ssh-lite': lesson03,
  '04-sticky-packets': lesson04,
  '05-struct-headers': lesson05,
  '06-auth': lesson06,
  '09-udp': lesson09,
  '07-socketserver': lesson07,
  '08-chat': lesson08,
};

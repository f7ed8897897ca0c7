// Lesson 08: the one message format of the chat, fixed byte for byte so that other programs (a
// Python port of the tutorial's ChatClient, say) can talk to this server:
//
//   YYYY/MM/DD HH:MM:SS HOST:PORT\n
//   LINE\n
//
// The time is the server's local time when it broadcast the line; HOST:PORT is the sender's address
// as the server sees it (socket.remoteAddress, socket.remotePort).

const two = (n: number): string => String(n).padStart(2, '0');

/** `2024/05/01 09:03:07`: local time, month and day from 1, 24-hour clock, zero-padded. */
export function timestamp(when: Date): string {
  const date = `${when.getFullYear()}/${two(when.getMonth() + 1)}/${two(when.getDate())}`;
  return `${date} ${two(when.getHours())}:${two(when.getMinutes())}:${two(when.getSeconds())}`;
}

/** The bytes of one message, encoded once: the same Buffer is written to every client. */
export function chatMessage(when: Date, sender: string, line: string): Buffer {
  return Buffer.from(`${timestamp(when)} ${sender}\n${line}\n`, 'utf8');
}

// Variant: the server as a class with one handler per mode.

import dgram from 'node:dgram';
import { parseArgs } from 'node:util';
import { DEFAULT_FORMAT, FormatError, strftime } from './strftime.ts';

type Handler = (request: Buffer) => string;

class UdpService {
  private readonly socket = dgram.createSocket('udp4');
  constructor(private readonly handle: Handler) {
    this.socket.on('message', (req, from) => this.reply(req, from));
  }

  private reply(req: Buffer, from: dgram.RemoteInfo): void {
    let text: string;
    try {
      text = this.handle(req);
    } catch (err) {
      text = err instanceof FormatError ? `error ${err.message}` : 'error internal';
    }
    let out = Buffer.from(text);
    if (out.length > 65_507) out = Buffer.from('error reply too long');
    this.socket.send(out, from.port, from.address, (err) => {
      if (err) console.error(`cannot answer ${from.address}:${from.port}: ${err.message}`);
    });
  }

  start(host: string, port: number): void {
    const onBindError = (err: NodeJS.ErrnoException): void => {
      console.error(`cannot listen on ${host}:${port}: ${err.code === 'EADDRINUSE' ? 'address already in use' : err.message}`);
      process.exit(1);
    };
    this.socket.once('error', onBindError);
    this.socket.bind(port, host, () => {
      this.socket.off('error', onBindError);
      this.socket.on('error', (err) => console.error(err.message));
      const { address, port: p } = this.socket.address();
      console.log(`listening on ${address}:${p}`);
    });
  }

  stop(): void {
    this.socket.close(() => process.exit(0));
  }
}

const handlers: Record<string, Handler> = {
  upper: (req) => req.toString('utf8').toUpperCase(),
  time: (req) => {
    if (req.length > 2048) throw new FormatError('format too long');
    return strftime(req.length === 0 ? DEFAULT_FORMAT : req.toString('utf8'), new Date());
  },
};

const { values } = parseArgs({ options: { host: { type: 'string', default: '127.0.0.1' }, port: { type: 'string', default: '9009' }, mode: { type: 'string', default: 'upper' } } });
const handler = handlers[values.mode];
if (!handler) {
  console.error(`usage: unknown --mode ${values.mode}`);
  process.exit(2);
}
const service = new UdpService(handler);
service.start(values.host, Number(values.port));
process.once('SIGINT', () => service.stop());
process.once('SIGTERM', () => service.stop());

// The server of `npm run bench -- socketserver`: an echo server on lesson 07's framework (the
// reference solution), concurrent (ThreadingTCPServer). Each line comes back as it was sent.
import { parseArgs } from 'node:util';
import { StreamRequestHandler, ThreadingTCPServer } from '../../solutions/07-socketserver/src/socketserver.ts';

class Echo extends StreamRequestHandler {
  override async handle(): Promise<void> {
    for (let line = await this.readLine(); line !== null; line = await this.readLine()) await this.write(line + '\n');
  }
}

const { values } = parseArgs({ options: { host: { type: 'string', default: '127.0.0.1' }, port: { type: 'string', default: '0' } } });
const server = new ThreadingTCPServer([values.host, Number(values.port)], Echo);
await server.listen();
console.log(`listening on ${server.serverAddress[0]}:${server.serverAddress[1]}`);
await server.serveForever();

import { createServer, connect, Server, Socket } from 'node:net';
import { testPort } from './test-env';

// A throwaway TCP proxy in front of a shared service (RabbitMQ here), so a test can make that service vanish for
// one app, as if it were stopped, without touching anyone else's: `cut` refuses new connections and drops every
// open one; `start` lets them in again. `holdRepliesAfter(marker)` keeps forwarding what clients send, but from
// the moment a connection sends bytes containing `marker`, holds back everything the service answers on that
// connection (a publish reaches the broker, its confirm never comes back); `dropHeld` then closes those.
export class TcpProxy {
  readonly port: number;
  private server?: Server;
  private readonly sockets = new Set<Socket>();
  private holdMarker?: Buffer;
  private readonly held = new Set<Socket>();

  constructor(
    port: number,
    private readonly target: { host: string; port: number },
  ) {
    this.port = testPort(port);
  }

  // The same URL with the proxy's host and port.
  url(through: string): string {
    const url = new URL(through);
    url.hostname = '127.0.0.1';
    url.port = String(this.port);
    return url.toString().replace(/\/$/, '');
  }

  async start(): Promise<void> {
    this.server = createServer((client) => {
      const upstream = connect(this.target.port, this.target.host);
      for (const socket of [client, upstream]) {
        this.sockets.add(socket);
        socket.once('close', () => this.sockets.delete(socket));
        socket.on('error', () => undefined);
      }
      // Registered before the pipe, so the replies stop before the marked bytes reach the service.
      client.on('data', (chunk: Buffer) => {
        if (!this.holdMarker || !chunk.includes(this.holdMarker) || this.held.has(client)) return;
        upstream.unpipe(client);
        upstream.pause();
        this.held.add(client);
      });
      client.pipe(upstream);
      upstream.pipe(client);
      client.once('close', () => this.held.delete(client));
      client.once('close', () => upstream.destroy());
      upstream.once('close', () => client.destroy());
    });
    const server = this.server;
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.port, '127.0.0.1', () => resolve());
    });
  }

  holdRepliesAfter(marker: Buffer): void {
    this.holdMarker = marker;
  }

  // How many connections have their replies held now.
  get holding(): number {
    return this.held.size;
  }

  // Closes the held connections (as a broker restart would) and stops holding.
  dropHeld(): void {
    this.holdMarker = undefined;
    for (const socket of this.held) socket.destroy();
    this.held.clear();
  }

  async cut(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    const closed = server ? new Promise<void>((resolve) => server.close(() => resolve())) : Promise.resolve();
    for (const socket of this.sockets) socket.destroy();
    await closed;
  }
}

/** Serves a request listener over HTTP until closed; close also drops kept-alive connections. */
import * as http from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

export interface ListenOptions {
  host?: string;
  /** 0 (the default) = any free port. */
  port?: number;
}

export interface Listening {
  url: string;
  port: number;
  close(): Promise<void>;
}

export async function listen(onRequest: http.RequestListener, opts: ListenOptions = {}): Promise<Listening> {
  const server = http.createServer(onRequest);
  const sockets = trackSockets(server);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, opts.host ?? '127.0.0.1', () => resolve());
  });
  const address = server.address() as AddressInfo;
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  return {
    url: `http://${host}:${address.port}`,
    port: address.port,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        for (const s of sockets) s.destroy();
      }),
  };
}

function trackSockets(server: http.Server): Set<Socket> {
  const sockets = new Set<Socket>();
  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  return sockets;
}

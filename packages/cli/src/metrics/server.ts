/** A tiny node:http server for Prometheus scrapes: GET /metrics renders a fresh snapshot. */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { renderMetrics, type MetricsSnapshot } from './prometheus.js';

export interface MetricsServerOptions {
  /** TCP port; 0 picks a free one (see `port` on the result). */
  port: number;
  /** Interface to listen on. @default '127.0.0.1' */
  host?: string;
  /** Called on every scrape. */
  collect: () => Promise<MetricsSnapshot>;
}

export interface MetricsServer {
  port: number;
  host: string;
  /** http://host:port/metrics */
  url: string;
  close(): Promise<void>;
}

export const PROMETHEUS_CONTENT_TYPE = 'text/plain; version=0.0.4; charset=utf-8';

/** Start the server; resolves once it listens. `/` and `/metrics` answer; anything else is 404. */
export async function startMetricsServer(options: MetricsServerOptions): Promise<MetricsServer> {
  const host = options.host ?? '127.0.0.1';
  const server = http.createServer((req, res) => {
    const url = (req.url ?? '/').split('?')[0];
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, { allow: 'GET, HEAD' }).end();
      return;
    }
    if (url !== '/metrics' && url !== '/') {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('not found: try /metrics\n');
      return;
    }
    options.collect().then(
      (snapshot) => {
        const body = renderMetrics(snapshot);
        res.writeHead(200, { 'content-type': PROMETHEUS_CONTENT_TYPE, 'content-length': Buffer.byteLength(body) }).end(req.method === 'HEAD' ? undefined : body);
      },
      (error: unknown) => {
        res.writeHead(500, { 'content-type': 'text/plain' }).end(`metrics collection failed: ${(error as Error)?.message ?? String(error)}\n`);
      },
    );
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  return {
    port,
    host,
    url: `http://${host.includes(':') ? `[${host}]` : host}:${port}/metrics`,
    close: () => new Promise<void>((resolve, reject) => {
      server.closeAllConnections?.();
      server.close((err) => (err ? reject(err) : resolve()));
    }),
  };
}

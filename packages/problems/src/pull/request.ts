/**
 * One HTTP(S) GET with node built-ins, following redirects (up to `maxRedirects`) and collecting
 * the checksum headers seen on the way: Hugging Face answers a `resolve` URL of an LFS file with
 * a redirect carrying `x-linked-etag: "<sha256>"`; the final response may carry a sha256 ETag.
 */
import http from 'node:http';
import https from 'node:https';

export interface GetOptions {
  headers?: Record<string, string>;
  /** Abort when no byte arrives for this long. @default 60000 */
  idleTimeoutMs?: number;
  /** @default 10 */
  maxRedirects?: number;
}

export interface GetResponse {
  response: http.IncomingMessage;
  /** The URL that answered (after redirects). */
  url: string;
  /** sha256 announced by `x-linked-etag` or a strong 64-hex ETag on any hop, lower-case. */
  announcedSha256?: string;
  /** ETag of the final response (for If-Range on resume). */
  etag?: string;
}

const SHA_RE = /^(?:W\/)?"?([0-9a-f]{64})"?$/i;

function shaFrom(header: string | string[] | undefined, allowWeak: boolean): string | undefined {
  const value = Array.isArray(header) ? header[0] : header;
  if (!value || (!allowWeak && value.startsWith('W/'))) return undefined;
  return SHA_RE.exec(value.trim())?.[1]?.toLowerCase();
}

export class HttpStatusError extends Error {
  constructor(
    readonly status: number,
    readonly url: string,
  ) {
    super(`HTTP ${status} for ${url}`);
  }
}

export function httpGet(url: string, options: GetOptions = {}): Promise<GetResponse> {
  const maxRedirects = options.maxRedirects ?? 10;
  const idle = options.idleTimeoutMs ?? 60_000;
  let announced: string | undefined;
  const hop = (current: string, left: number): Promise<GetResponse> =>
    new Promise((resolve, reject) => {
      const u = new URL(current);
      const lib = u.protocol === 'https:' ? https : u.protocol === 'http:' ? http : undefined;
      if (!lib) return reject(new Error(`unsupported URL scheme ${u.protocol} (${current})`));
      const req = lib.get(u, { headers: { 'user-agent': 'passk', ...options.headers } }, (res) => {
        announced ??= shaFrom(res.headers['x-linked-etag'], true);
        const status = res.statusCode ?? 0;
        if (status >= 300 && status < 400 && res.headers.location) {
          res.resume();
          if (left <= 0) return reject(new Error(`too many redirects at ${current}`));
          return resolve(hop(new URL(res.headers.location, current).toString(), left - 1));
        }
        const etag = typeof res.headers.etag === 'string' ? res.headers.etag : undefined;
        announced ??= shaFrom(etag, false);
        res.setTimeout(idle, () => res.destroy(new Error(`no data for ${idle} ms from ${current}`)));
        resolve({ response: res, url: current, ...(announced ? { announcedSha256: announced } : {}), ...(etag ? { etag } : {}) });
      });
      req.setTimeout(idle, () => req.destroy(new Error(`no response for ${idle} ms from ${current}`)));
      req.on('error', reject);
    });
  return hop(url, maxRedirects);
}

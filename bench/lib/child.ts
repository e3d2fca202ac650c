import { fork, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';

const benchDir = path.join(import.meta.dirname, '..');

/**
 * The Node and V8 flags of `npm start` (package.json: those between `node` and `--import`), given to
 * our app by the benches: their figures are those of an instance as it is run in production. Without a heap
 * limit V8 lets the heap grow far past what is live under a steady load (measured: ~190 MB heap for
 * ~45 MB live); without --no-allocation-site-pretenuring a comment costs a fifth more CPU (PROFILE.md).
 */
export const startFlags = (): string[] => {
  const pkg = JSON.parse(fs.readFileSync(path.join(benchDir, '..', 'package.json'), 'utf8')) as { scripts: Record<string, string> };
  const words = pkg.scripts.start!.split(/\s+/);
  const end = words.indexOf('--import');
  return words.slice(1, end < 0 ? undefined : end).filter((a) => a.startsWith('--'));
};

/**
 * Forks a server script of bench/ (with tsx and any Node flags) and resolves with the port it sends back
 * once listening. `checkout`: another checkout's bench/ (an A/B), run from that checkout; `env`: its environment.
 */
export function startChild(script: string, args: string[], flags: string[] = [], opts: { checkout?: string; env?: NodeJS.ProcessEnv } = {}): Promise<{ child: ChildProcess; port: number }> {
  return new Promise((resolve, reject) => {
    const dir = opts.checkout ? path.join(opts.checkout, 'bench') : benchDir;
    const child = fork(path.join(dir, script), args, { execArgv: [...flags, '--import', 'tsx'], cwd: opts.checkout, env: opts.env, stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    child.once('message', (m: { port: number }) => resolve({ child, port: m.port }));
    child.once('exit', (code) => reject(new Error(`${script} exited with ${code}`)));
  });
}

/** One gzip-accepting GET on 127.0.0.1, the whole body buffered. */
export function getGzip(port: number, p: string, headers: Record<string, string> = {}): Promise<{ body: Buffer; headers: http.IncomingHttpHeaders; status: number }> {
  return new Promise((resolve, reject) => {
    http.get({ port, path: p, host: '127.0.0.1', headers: { 'Accept-Encoding': 'gzip', ...headers } }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c) => chunks.push(c));
      res.on('end', () => resolve({ body: Buffer.concat(chunks), headers: res.headers, status: res.statusCode! }));
    }).on('error', reject);
  });
}

import { expect } from 'chai';
import net from 'node:net';
import type http from 'node:http';
import { testApp } from '../helpers/app.ts';
import { createHttpServer } from '../../server/http/server.ts';

// What supertest cannot send: raw request targets, and clients that send slowly. A real server on a
// free port, spoken to through net.connect.
type App = Awaited<ReturnType<typeof testApp>>;

function listen(server: http.Server): Promise<number> {
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve((server.address() as net.AddressInfo).port)));
}

/** Sends `raw` and reads until the server closes the socket. */
function exchange(port: number, raw: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const s = net.connect(port, '127.0.0.1', () => s.write(raw));
    let buf = '';
    s.on('data', (d) => (buf += d));
    s.on('error', reject);
    s.on('close', () => resolve(buf));
  });
}

/**
 * A client that starts a request and then trickles one more piece every 50 ms, for as long as the
 * server keeps the socket open; resolves with what the server sent once it closes the socket.
 */
const trickling = new Set<net.Socket>();
function trickle(port: number, head: string, piece: (i: number) => string): Promise<{ answer: string; pieces: number }> {
  return new Promise((resolve) => {
    const s = net.connect(port, '127.0.0.1', () => s.write(head));
    trickling.add(s);
    let answer = '';
    let i = 0;
    const timer = setInterval(() => {
      if (!s.destroyed && s.writable) s.write(piece(i++));
    }, 50);
    s.on('data', (d) => (answer += d));
    s.on('error', () => {});
    s.on('close', () => {
      trickling.delete(s);
      clearInterval(timer);
      resolve({ answer, pieces: i });
    });
  });
}

describe('the HTTP edges', () => {
  let t: App;
  const servers: http.Server[] = [];
  before(async () => {
    t = await testApp();
  });
  after(async () => {
    // A client the server failed to cut off must not keep the test run alive.
    for (const s of trickling) s.destroy();
    for (const s of servers) s.closeAllConnections();
    for (const s of servers) s.close();
    await t.close();
  });
  async function serve(limits = { headersTimeoutMs: 10_000, requestTimeoutMs: 30_000, keepAliveTimeoutMs: 5000 }): Promise<number> {
    const server = createHttpServer(t.handler, limits);
    servers.push(server);
    return listen(server);
  }

  it('answers an asterisk request target (GET *) with 400 and a message, not 500', async () => {
    const port = await serve();
    for (const method of ['GET', 'POST', 'OPTIONS']) {
      const html = await exchange(port, `${method} * HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
      expect(html).to.match(/^HTTP\/1\.1 400 /);
      expect(html).to.contain('The request target is not a path');
    }
    const json = await exchange(port, 'GET * HTTP/1.1\r\nHost: localhost\r\nAccept: application/json\r\nConnection: close\r\n\r\n');
    expect(json).to.match(/^HTTP\/1\.1 400 /);
    expect(json).to.contain('"code":"bad_request"');
  });

  it('answers other odd request targets with no 5xx', async () => {
    const port = await serve();
    const targets = ['//', '///', '%zz', '/%zz', '/%', '/standards/%zz', '/api/v1/%zz', '//evil.example/x', 'http://example.org/standards', 'http://example.org', 'https://example.org/api/v1/standards', 'ftp://example.org/', 'example.org:80', 'a', '/?%zz=%zz', '/search?q=%zz'];
    for (const target of targets) {
      for (const method of ['GET', 'POST', 'HEAD', 'OPTIONS']) {
        const answer = await exchange(port, `${method} ${target} HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
        const status = Number(/^HTTP\/1\.1 (\d{3})/.exec(answer)?.[1]);
        expect(status, `${method} ${target}`).to.be.within(200, 499);
      }
    }
  });

  it('cuts off a client that sends its headers slowly once the headers timeout passes', async () => {
    const port = await serve({ headersTimeoutMs: 300, requestTimeoutMs: 1000, keepAliveTimeoutMs: 300 });
    const { answer, pieces } = await trickle(port, 'GET /healthz HTTP/1.1\r\nHost: localhost\r\n', (i) => `X-Slow-${i}: y\r\n`);
    expect(answer).to.match(/^HTTP\/1\.1 408 /);
    expect(pieces).to.be.greaterThan(0);
  });

  it('cuts off a client that sends its body slowly once the request timeout passes', async () => {
    const port = await serve({ headersTimeoutMs: 300, requestTimeoutMs: 1000, keepAliveTimeoutMs: 300 });
    const { answer, pieces } = await trickle(port, 'POST /api/v1/tokens HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\nContent-Length: 100000\r\n\r\n', () => ' ');
    expect(answer).to.match(/^HTTP\/1\.1 408 /);
    expect(pieces).to.be.greaterThan(0);
  });

  it('closes the socket of a client that stopped reading its answer, not of one still reading a slow answer', async () => {
    const limits = { headersTimeoutMs: 300, requestTimeoutMs: 1000, keepAliveTimeoutMs: 2000 };
    // An answer far larger than the kernel's socket buffers, and one sent a piece every 100 ms for 1.2 s:
    // both outlast the 400 ms a socket may stand still here.
    const big = Buffer.alloc(64 * 1024 * 1024, 'x');
    const server = createHttpServer((req, res) => {
      if (req.url === '/big') return void res.end(big);
      let i = 0;
      const timer = setInterval(() => {
        if (++i < 12) res.write(`piece ${i}\n`);
        else (clearInterval(timer), res.end('done\n'));
      }, 100);
    }, limits, { idleMs: 400, sweepMs: 50 });
    servers.push(server);
    const port = await listen(server);
    // never reads: the server closes its socket once nothing has moved for 400 ms (seen on the
    // server's side: a client that reads nothing does not read the end either)
    const started = Date.now();
    const closedByServer = new Promise<number>((resolve) => server.once('connection', (socket: net.Socket) => socket.once('close', () => resolve(Date.now() - started))));
    const client = net.connect(port, '127.0.0.1', () => {
      client.pause();
      client.write('GET /big HTTP/1.1\r\nHost: localhost\r\n\r\n');
    });
    client.on('error', () => {});
    const stalled = await closedByServer;
    client.destroy();
    expect(stalled).to.be.within(400, 5000);
    // reads a slow answer to its end, though it takes three times as long as a socket may stand still
    const slow = await exchange(port, 'GET /slow HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n');
    expect(slow).to.match(/^HTTP\/1\.1 200 /);
    expect(slow).to.match(/piece 11\r?\n[\s\S]*done/);
  });

  it('closes a kept-alive socket left idle after the keep-alive timeout it announces', async () => {
    const port = await serve({ headersTimeoutMs: 300, requestTimeoutMs: 1000, keepAliveTimeoutMs: 2000 });
    const answer = await exchange(port, 'GET /healthz HTTP/1.1\r\nHost: localhost\r\n\r\n');
    expect(answer).to.match(/^HTTP\/1\.1 200 /);
    expect(answer).to.match(/\r\nKeep-Alive: timeout=2\r\n/i);
  });
});

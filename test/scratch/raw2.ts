import http from 'node:http';
import net from 'node:net';
import { testApp } from '../helpers/app.ts';
const t = await testApp();
const server = http.createServer(t.handler);
await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
const port = (server.address() as net.AddressInfo).port;
const cases: Array<[string, string]> = [
  ['/', 'Cookie: imas.sid=%zz'], ['/account', 'Cookie: imas.sid=s%3Aabc.def'], ['/', 'If-None-Match: *'], ['/standards/07.11', 'If-None-Match: "x", W/"y", *'],
  ['/', 'If-Modified-Since: garbage'], ['/', 'Accept: */*;q=abc'], ['/standards', 'Accept-Language: ;;;,,q='], ['/', 'Range: bytes=99999999999-'],
  ['/', 'X-Forwarded-For: %zz, ::ffff:1.1.1.1'], ['/api/v1/me', 'Authorization: Bearer '], ['/api/v1/me', 'Authorization: Basic Zm9vOmJhcg=='],
  ['/static/style.css', 'Range: bytes=5-1'], ['/api/v1/standards', 'Accept: text/html'], ['/standards/07.11', 'Accept-Encoding: gzip;q=x'], ['/', 'Cookie: =;;;; a'],
  ['/nope', 'Accept: application/json'], ['/nope', 'Accept: image/png'], ['/standards/07.11', 'Accept: application/json'], ['/', 'Cookie: imas.sid=' + 'a'.repeat(8000)],
  ['/api/v1/me', 'Authorization: Bearer ' + 'a'.repeat(8000)], ['/api/v1/me', 'Authorization: Bearer %00'], ['/login', 'Content-Type: application/json\r\nContent-Length: 5\r\n\r\n{"a":'],
];
for (const [target, headers] of cases) {
  const out = await new Promise<string>((resolve) => {
    const s = net.connect(port, '127.0.0.1'); const c: Buffer[] = [];
    s.on('data', (d) => c.push(d)); s.on('close', () => resolve(Buffer.concat(c).toString('latin1'))); s.on('error', () => {});
    s.write(`GET ${target} HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n${headers}${headers.includes('\r\n\r\n') ? '' : '\r\n\r\n'}`);
  });
  console.log(JSON.stringify([target.slice(0, 30), headers.slice(0, 40)]), out.split('\r\n')[0]);
}
server.close(); await t.close();

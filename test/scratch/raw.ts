import http from 'node:http';
import net from 'node:net';
import { testApp } from '../helpers/app.ts';
const t = await testApp();
const server = http.createServer(t.handler);
await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
const port = (server.address() as net.AddressInfo).port;
for (const target of process.argv.slice(2)) {
  const out = await new Promise<string>((resolve) => {
    const s = net.connect(port, '127.0.0.1'); const c: Buffer[] = [];
    s.on('data', (d) => c.push(d)); s.on('close', () => resolve(Buffer.concat(c).toString('latin1'))); s.on('error', () => {});
    s.write(target);
  });
  console.log(JSON.stringify(target), out.split('\r\n')[0], out.includes('<html') ? '' : out.slice(-200));
}
server.close(); await t.close();

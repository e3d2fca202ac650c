import { expect } from 'chai';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { closingHandler, Readiness } from '../../server/http/shutdown.ts';

// server/http/shutdown.ts closingHandler: answers still to be sent when the instance stops say
// Connection: close; those answered at once are not kept track of; none is kept once answered.
describe('closingHandler (Connection: close at shutdown)', () => {
  let server: http.Server;
  let port: number;
  const readiness = new Readiness();
  let release: (() => void) | null = null;
  let arrived: (() => void) | null = null;
  before(async () => {
    server = http.createServer(
      closingHandler(readiness, (req, res) => {
        if (req.url === '/now') return void res.end('now');
        arrived?.();
        release = () => res.end('later');
      }),
    );
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    port = (server.address() as AddressInfo).port;
  });
  after(() => {
    server.closeAllConnections();
    server.close();
  });

  const get = (path: string, agent: http.Agent): Promise<{ body: string; connection?: string }> =>
    new Promise((resolve, reject) => {
      http
        .get({ port, host: '127.0.0.1', path, agent }, (res) => {
          let body = '';
          res.on('data', (d) => (body += d));
          res.on('end', () => resolve({ body, connection: res.headers.connection }));
        })
        .on('error', reject);
    });

  it('keeps track of an answer only while it is to be sent, and tells it to close once stopping', async () => {
    const agent = new http.Agent({ keepAlive: true });
    try {
      expect(await get('/now', agent)).to.deep.equal({ body: 'now', connection: 'keep-alive' });
      expect(readiness.inFlight.size, 'an answer sent at once is not kept').to.equal(0);

      const came = new Promise<void>((resolve) => (arrived = resolve));
      const later = get('/later', agent);
      await came;
      expect(readiness.inFlight.size, 'an answer to come is kept').to.equal(1);
      readiness.stop();
      release!();
      expect(await later).to.deep.equal({ body: 'later', connection: 'close' });
      await new Promise((r) => setImmediate(r));
      expect(readiness.inFlight.size, 'kept no longer once answered').to.equal(0);

      // stopping: every new answer closes its connection, even one sent at once
      expect(await get('/now', agent)).to.deep.equal({ body: 'now', connection: 'close' });
      expect(readiness.inFlight.size).to.equal(0);
    } finally {
      agent.destroy();
    }
  });
});

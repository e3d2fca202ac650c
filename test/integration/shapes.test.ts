/**
 * Issue 17: requests and responses Express handles keep one shape (server/http/shapes.ts), or Node's
 * HTTP code, which every answer shares, goes megamorphic once Express has worked.
 * V8's own test of "same hidden class" (%HaveSameMap), enabled for this process.
 */
import { expect } from 'chai';
import { EventEmitter } from 'node:events';
import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import v8 from 'node:v8';
import { testApp } from '../helpers/app.ts';
import { bearerFor } from '../helpers/auth.ts';
import { shapeKeeper } from '../../server/http/shapes.ts';

v8.setFlagsFromString('--allow-natives-syntax');
const sameMap = new Function('a', 'b', 'return %HaveSameMap(a, b)') as (a: object, b: object) => boolean;

type Handler = (req: IncomingMessage, res: ServerResponse) => void;
type Seen = { req: IncomingMessage; res: ServerResponse; closed: Promise<void> };

type Ask = { path: string; headers?: Record<string, string> };

/** Serves `handler`, sends `asks` in turn over keep-alive, and returns each request's objects once closed. */
async function through(handler: Handler, asks: Ask[]): Promise<Seen[]> {
  const seen: Seen[] = [];
  const server = http.createServer((req, res) => {
    seen.push({ req, res, closed: new Promise((resolve) => res.once('close', () => resolve())) });
    handler(req, res);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const agent = new http.Agent({ keepAlive: true, maxSockets: 2 });
  const { port } = server.address() as AddressInfo;
  try {
    for (const { path, headers } of asks) {
      await new Promise<void>((resolve, reject) =>
        http.get({ host: '127.0.0.1', port, path, agent, headers }, (r) => r.resume().on('end', resolve)).on('error', reject));
    }
    await Promise.all(seen.map((s) => s.closed));
  } finally {
    agent.destroy();
    await new Promise((resolve) => server.close(resolve));
  }
  return seen;
}

/** Pages with a query, 404s, the API anonymous and with a token (`auth`): all through Express. */
function asks(n: number, auth: [string, string], from = 0): Ask[] {
  const kinds = [
    (i: number): Ask => ({ path: `/standards/07.11?from=${i}` }),
    (i: number): Ask => ({ path: `/no-such-page-${i}` }),
    (): Ask => ({ path: '/api/v1/organisations' }),
    (): Ask => ({ path: '/api/v1/tokens', headers: { [auth[0]]: auth[1] } }),
  ];
  return Array.from({ length: n }, (_, i) => kinds[(from + i) % kinds.length]!(from + i));
}

describe('Requests through Express keep one shape (issue 17)', () => {
  let t: Awaited<ReturnType<typeof testApp>>;
  beforeEach(async () => {
    t = await testApp();
  });
  afterEach(() => t.close());

  it('without the keeper, each request Express handled has a map of its own', async () => {
    const { auth } = await bearerFor(t, 'stakeholder');
    const seen = await through(t.app, asks(8, auth));
    expect(sameMap(seen[4]!.req, seen[5]!.req) || sameMap(seen[4]!.res, seen[5]!.res), 'Express alone kept one map: the keeper is not needed').to.equal(false);
  });

  it('after the first requests, pages, 404s and API calls share one map, and token calls (another app) one other', async () => {
    const { auth } = await bearerFor(t, 'stakeholder');
    await through(t.handler, asks(200, auth));
    const later = await through(t.handler, asks(12, auth, 200));
    expect(later.map((s) => s.res.statusCode)).to.deep.equal([200, 404, 200, 200, 200, 404, 200, 200, 200, 404, 200, 200]);
    // The token's calls are handled by the API app (app.ts bearerApp): its own prototypes, so its own map.
    const [viaApp, viaBearerApp] = [later.filter((_, i) => i % 4 !== 3), later.filter((_, i) => i % 4 === 3)];
    for (const group of [viaApp, viaBearerApp]) {
      for (const s of group.slice(1)) {
        expect(sameMap(group[0]!.req, s.req), `request ${s.req.url}`).to.equal(true);
        expect(sameMap(group[0]!.res, s.res), `response to ${s.req.url}`).to.equal(true);
      }
    }
  });

  it('learns only properties that read as they would have, and adds them before the prototype changes', () => {
    const nodeProto = { shared: 'same', changed: 'node' };
    const expressProto = Object.assign(Object.create(nodeProto) as object, { changed: 'express' });
    const keep = shapeKeeper(1);
    const first = Object.create(nodeProto) as Record<PropertyKey, unknown>;
    const closing = new EventEmitter();
    keep(first as never, closing as never);
    Object.setPrototypeOf(first, expressProto);
    Object.assign(first, { added: 1, shared: 'x', changed: 'y', [Symbol.for('s')]: 2 });
    Object.defineProperty(first, 'hidden', { value: 1, enumerable: false, writable: true, configurable: true });
    closing.emit('close');

    const second = Object.create(nodeProto) as Record<PropertyKey, unknown>;
    keep(second as never, new EventEmitter() as never);
    expect(Reflect.ownKeys(second)).to.deep.equal(['added', 'shared', Symbol.for('s')]);
    expect(second.shared, 'the value it would have read').to.equal('same');
    expect(second.added).to.equal(undefined);
    expect(Object.hasOwn(second, 'changed'), "a property Express's prototype gives another value").to.equal(false);
    expect(Object.hasOwn(second, 'hidden'), 'a property not made by assignment').to.equal(false);
  });
});

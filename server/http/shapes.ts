import type { IncomingMessage, ServerResponse } from 'node:http';

/**
 * Keeps the requests and responses Express handles to one shape, so that Node's HTTP code shared by
 * every answer — the fast path's 304s included — stays fast once Express has worked.
 *
 * Express gives each request and response its app's prototype (setPrototypeOf), then it and the
 * middleware add some 30 properties (res.locals, req.session, pino-http's symbols…). V8 gives each
 * object whose properties are added after a prototype change a map of its own, so Node's code sees a
 * new shape per request and goes megamorphic: 54k → 70k instructions a 304 after 600 requests through
 * Express (bench/express-shapes.ts; bench/PROFILE.md, "Express leaves Node's HTTP code slower").
 *
 * The keeper learns which properties Express's side adds to the requests it is given (all the first
 * ones, then a sample) and adds the same ones, in one order, to every later request before Express
 * sees it, each with the value it would read anyway: Express then only changes values, and the objects
 * keep one map. Learned are only writable data properties whose value read through Express's
 * prototypes is the one read through Node's, so a property given early reads as it would have; code
 * that tests presence (`in`, `hasOwn`) rather than value would see a difference, and none of ours or
 * the middleware's does.
 */
export function shapeKeeper(learnFrom = 200, thenEvery = 100): (req: IncomingMessage, res: ServerResponse) => void {
  const reqKeys = new Keys();
  const resKeys = new Keys();
  let seen = 0;
  return (req, res) => {
    reqKeys.predeclare(req);
    resKeys.predeclare(res);
    // Every request at first, then a sample: a kind of request that comes later (a token's API call
    // after hours of pages) is learned too. A new property changes the shape once, for all.
    if (seen++ >= learnFrom && seen % thenEvery !== 0) return;
    const req0 = { proto: Object.getPrototypeOf(req) as object, keys: new Set(Reflect.ownKeys(req)) };
    const res0 = { proto: Object.getPrototypeOf(res) as object, keys: new Set(Reflect.ownKeys(res)) };
    res.once('close', () => {
      learn(reqKeys, req, req0);
      learn(resKeys, res, res0);
    });
  };
}

/**
 * The learned keys, and a function that adds them: made anew when a key is learned, with one statement
 * per key, so each has a store site of its own that sees one map (a loop's one site would see every map
 * on the way and go megamorphic: 3.3 µs a request against 1.1 µs, measured on IncomingMessages).
 */
class Keys {
  readonly list: PropertyKey[] = [];
  predeclare: (o: object) => void = () => {};

  add(found: PropertyKey[]): void {
    if (!found.length) return;
    this.list.push(...found);
    const symbols = this.list.filter((x): x is symbol => typeof x === 'symbol');
    // Property names as JSON string literals (so any name is safe in the source); symbols by index.
    const lines = this.list.map((x) => {
      const at = typeof x === 'symbol' ? `s[${symbols.indexOf(x)}]` : JSON.stringify(x);
      return `if (!hasOwn(o, ${at})) o[${at}] = o[${at}];`;
    });
    this.predeclare = new Function('hasOwn', 's', `return function predeclare(o) {\n${lines.join('\n')}\n}`)(Object.hasOwn, symbols) as (o: object) => void;
  }
}

/** Where `k` is found up `proto`'s chain: its value, 'accessor' for a getter/setter, or undefined. */
function inherited(proto: object | null, k: PropertyKey): { value: unknown } | 'accessor' | undefined {
  for (let p = proto; p; p = Object.getPrototypeOf(p) as object | null) {
    const d = Object.getOwnPropertyDescriptor(p, k);
    if (d) return 'value' in d ? { value: d.value } : 'accessor';
  }
  return undefined;
}

function learn(keys: Keys, o: object, before: { proto: object; keys: Set<PropertyKey> }): void {
  const after = Object.getPrototypeOf(o) as object;
  const found: PropertyKey[] = [];
  for (const k of Reflect.ownKeys(o)) {
    if (before.keys.has(k) || keys.list.includes(k)) continue;
    const d = Object.getOwnPropertyDescriptor(o, k);
    // As an assignment makes them: writable, enumerable and configurable data properties.
    if (!d || !('value' in d) || !d.writable || !d.enumerable || !d.configurable) continue;
    const early = inherited(before.proto, k);
    const late = inherited(after, k);
    if (early === 'accessor' || late === 'accessor') continue;
    if (early?.value !== late?.value) continue;
    found.push(k);
  }
  keys.add(found);
}

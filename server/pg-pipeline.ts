import pg from 'pg';

/**
 * Several statements sent to PostgreSQL at once, answered in one round trip (the extended protocol:
 * Parse once per connection, then Bind/Describe/Execute for each, one Sync at the end), with their
 * parameters bound as usual — never written into the SQL. The hot path of the comment queue
 * (consultations/repo-pg.ts) runs a batch in one such round trip (two when another writer came
 * between) instead of three simple queries: no statement is parsed or planned again on a connection
 * that has run it, and no round trip is spent on BEGIN or COMMIT alone.
 *
 * The server runs the statements in order, each Bind after the previous Execute has finished, so a
 * statement after a lock sees what was committed before the lock was granted (READ COMMITTED takes
 * each statement's snapshot at its Bind). After an error the server skips the rest up to the Sync:
 * in a transaction, the caller rolls back. A node-postgres "submittable" (its documented extension
 * point, as pg-cursor is) on a normal client of the pool; no imports but the driver.
 */
export interface Step {
  /** the prepared statement's name on the connection: one name, one text */
  name: string;
  text: string;
  values?: unknown[];
}

interface Wire {
  parse(m: { name: string; text: string }): void;
  bind(m: { statement: string; values: unknown[] }): void;
  describe(m: { type: 'P'; name: string }): void;
  execute(m: Record<string, never>): void;
  close(m: { type: 'S'; name: string }): void;
  sync(): void;
  stream: { cork?(): void; uncork?(): void };
}

// Per connection: the statements it has parsed, and those an error may have left unparsed (closed and
// parsed again on their next use: closing a statement that does not exist is not an error).
const parsedOn = new WeakMap<Wire, Set<string>>();
const doubtfulOn = new WeakMap<Wire, Set<string>>();
const setOf = (m: WeakMap<Wire, Set<string>>, w: Wire): Set<string> => {
  let s = m.get(w);
  if (!s) m.set(w, (s = new Set()));
  return s;
};

/** An element of a one-dimensional array parameter (arrayLiteral). */
export type ArrayElement = string | number | boolean | null | undefined;
const ESCAPED = /[\\"]/g;

/**
 * A one-dimensional array parameter as PostgreSQL's text literal, `{"a","b c",NULL,1,true}`, made in
 * one join: what node-postgres makes of a JS array (arrayString), without its string built element by
 * element and its two regular-expression passes over every string — a comment batch sends 24 such
 * arrays, and this was the largest allocation of a comment submitted on PostgreSQL (4.7 KB of 41 KB).
 */
export function arrayLiteral(values: readonly ArrayElement[]): string {
  const parts = new Array<string>(values.length);
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (v == null) parts[i] = 'NULL';
    else if (typeof v === 'string') parts[i] = `"${v.includes('"') || v.includes('\\') ? v.replace(ESCAPED, '\\$&') : v}"`;
    else parts[i] = String(v);
  }
  return `{${parts.join(',')}}`;
}

const prepareValue = (pg as unknown as { utils: { prepareValue(v: unknown): unknown } }).utils.prepareValue;
const QueryBase = pg.Query as unknown as new (config: { text: string }) => {
  callback?: (err: Error | null, res?: unknown) => void;
  handleError(err: Error, connection: unknown): void;
};

class PipelineQuery extends QueryBase {
  private fresh: string[] = [];
  private wire: Wire | null = null;
  private steps: Step[] = [];

  constructor(private readonly source: Step[] | (() => Step[] | null)) {
    super({ text: Array.isArray(source) ? source.map((s) => s.text).join(';\n') : 'pipeline' });
  }

  submit(connection: Wire): Error | null {
    let values: unknown[][];
    try {
      this.steps = (typeof this.source === 'function' ? this.source() : this.source) ?? [];
      values = this.steps.map((s) => (s.values ?? []).map((v) => prepareValue(v)));
    } catch (err) {
      // nothing sent: the client reports it and goes on
      return err as Error;
    }
    const parsed = setOf(parsedOn, connection);
    const doubtful = setOf(doubtfulOn, connection);
    this.wire = connection;
    this.fresh = [];
    connection.stream.cork?.();
    try {
      this.steps.forEach((s, i) => {
        if (!parsed.has(s.name)) {
          if (doubtful.delete(s.name)) connection.close({ type: 'S', name: s.name });
          connection.parse({ name: s.name, text: s.text });
          parsed.add(s.name);
          this.fresh.push(s.name);
        }
        connection.bind({ statement: s.name, values: values[i]! });
        connection.describe({ type: 'P', name: '' });
        connection.execute({});
      });
      connection.sync();
    } finally {
      connection.stream.uncork?.();
    }
    return null;
  }

  handleError(err: Error, connection: unknown): void {
    // The server skipped everything after the failing message: the statements first parsed in this
    // pipeline may not exist.
    if (this.wire) {
      const parsed = setOf(parsedOn, this.wire);
      const doubtful = setOf(doubtfulOn, this.wire);
      for (const n of this.fresh) {
        parsed.delete(n);
        doubtful.add(n);
      }
    }
    super.handleError(err, connection);
  }
}

/**
 * Runs `steps` in one round trip on `client`; each step's result, in order. `steps` may be a function:
 * it is called when the client sends the pipeline — at once if the connection is free, else the moment
 * the query before it is answered, in the driver's turn, before any of our code runs — and may return
 * null to send nothing (one Sync; no result). `settled`, if given, is called with the outcome in that
 * same turn, before the next query queued on the client is sent (the returned promise settles later,
 * after it): so that a queued function sees it. It must not throw.
 */
export function pipeline(client: pg.ClientBase, steps: Step[] | (() => Step[] | null), settled?: (err: Error | null, results: pg.QueryResult[]) => void): Promise<pg.QueryResult[]> {
  return new Promise((resolve, reject) => {
    const q = new PipelineQuery(steps);
    q.callback = (err, res) => {
      const results = (err ? [] : Array.isArray(res) ? res : [res]) as pg.QueryResult[];
      settled?.(err, results);
      if (err) reject(err);
      else resolve(results);
    };
    void client.query(q as unknown as pg.Submittable);
  });
}

import http from 'node:http';

/** One request on 127.0.0.1 with its body buffered; cookies and headers as given. */
export function call(port: number, method: string, p: string, opts: { body?: string; headers?: Record<string, string> } = {}): Promise<{ status: number; body: string; headers: http.IncomingHttpHeaders }> {
  return new Promise((resolve, reject) => {
    const body = opts.body ?? '';
    const req = http.request({ host: '127.0.0.1', port, method, path: p, headers: { ...(body ? { 'Content-Length': Buffer.byteLength(body) } : {}), ...opts.headers } }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode!, body: Buffer.concat(chunks).toString(), headers: res.headers }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(body);
  });
}

const cookiesOf = (h: http.IncomingHttpHeaders) => (h['set-cookie'] ?? []).map((c) => c.split(';')[0]!);

/** Signs in through the sign-in form as a browser would; returns the session cookie header. */
export async function signInCookie(port: number, email: string, password: string): Promise<string> {
  const form = await call(port, 'GET', '/login');
  const csrf = /name="_csrf" value="([^"]+)"/.exec(form.body)?.[1];
  if (!csrf) throw new Error('no CSRF token on /login');
  const jar = cookiesOf(form.headers);
  const res = await call(port, 'POST', '/login', {
    body: new URLSearchParams({ email, password, _csrf: csrf }).toString(),
    headers: { 'Content-Type': 'application/x-www-form-urlencoded', Cookie: jar.join('; ') },
  });
  const session = cookiesOf(res.headers).find((c) => c.includes('.sid='));
  if (res.status !== 303 && res.status !== 302) throw new Error(`sign-in answered ${res.status}`);
  if (!session) throw new Error('sign-in set no session cookie');
  return session;
}

import { expect } from 'chai';
import { ConfigError, loadConfig } from '../../server/config.ts';

describe('configuration (config.ts): database wait and HTTP timeouts', () => {
  it('has deliberate defaults', () => {
    const c = loadConfig({});
    expect(c.dbBusyWaitMs).to.equal(5000);
    expect(c.http).to.deep.equal({ headersTimeoutMs: 10_000, requestTimeoutMs: 30_000, keepAliveTimeoutMs: 5000 });
    expect(c.shutdown).to.deep.equal({ graceMs: 0, timeoutMs: 30_000 });
  });

  it('reads them from the environment', () => {
    const c = loadConfig({ DB_BUSY_WAIT_MS: '2000', HTTP_HEADERS_TIMEOUT_MS: '5000', HTTP_REQUEST_TIMEOUT_MS: '120000', HTTP_KEEP_ALIVE_TIMEOUT_MS: '2000' });
    expect(c.dbBusyWaitMs).to.equal(2000);
    expect(c.http).to.deep.equal({ headersTimeoutMs: 5000, requestTimeoutMs: 120_000, keepAliveTimeoutMs: 2000 });
    expect(loadConfig({ SHUTDOWN_GRACE_MS: '10000', SHUTDOWN_TIMEOUT_MS: '60000' }).shutdown).to.deep.equal({ graceMs: 10_000, timeoutMs: 60_000 });
    expect(() => loadConfig({ SHUTDOWN_TIMEOUT_MS: '0' })).to.throw(ConfigError, /SHUTDOWN_TIMEOUT_MS/);
  });

  it('refuses a headers timeout longer than the request timeout, and values out of range, naming the variable', () => {
    expect(() => loadConfig({ HTTP_HEADERS_TIMEOUT_MS: '60000', HTTP_REQUEST_TIMEOUT_MS: '30000' })).to.throw(ConfigError, /HTTP_HEADERS_TIMEOUT_MS/);
    expect(() => loadConfig({ HTTP_REQUEST_TIMEOUT_MS: '0' })).to.throw(ConfigError, /HTTP_REQUEST_TIMEOUT_MS/);
    expect(() => loadConfig({ DB_BUSY_WAIT_MS: 'soon' })).to.throw(ConfigError, /DB_BUSY_WAIT_MS/);
  });
});

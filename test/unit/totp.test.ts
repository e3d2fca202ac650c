import { expect } from 'chai';
import { FakeClock } from '../../server/clock.ts';
import {
  checkTotp, decryptSecret, encryptSecret, groupedSecret, hashRecoveryCode, looksLikeRecoveryCode, looksLikeTotp, newRecoveryCodes, newTotpSecret,
  otpauthUri, qrDataUri, requiresTwoFactor, secretKey, stepAt, totpCodeAt,
} from '../../server/twofactor/totp.ts';

// RFC 6238 appendix B: the SHA-1 seed "12345678901234567890" in base32; the RFC's 8-digit codes end in these 6.
const RFC_SECRET = 'GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ';

describe('two-factor: TOTP and recovery codes', () => {
  it('computes the codes of RFC 6238 at fixed times', async () => {
    const clock = new FakeClock(new Date(59_000));
    expect(await totpCodeAt(RFC_SECRET, clock.now())).to.equal('287082');
    clock.set(new Date(1_111_111_109_000));
    expect(await totpCodeAt(RFC_SECRET, clock.now())).to.equal('081804');
    clock.set(new Date(1_234_567_890_000));
    expect(await totpCodeAt(RFC_SECRET, clock.now())).to.equal('005924');
  });

  it('accepts a code for 30 seconds either side of its period, not further', async () => {
    const clock = new FakeClock('2026-11-23T12:00:10Z');
    const code = await totpCodeAt(RFC_SECRET, clock.now());
    expect(await checkTotp(RFC_SECRET, code, clock.now())).to.deep.equal({ ok: true, step: stepAt(clock.now()) });
    expect((await checkTotp(RFC_SECRET, code.slice(0, 3) + ' ' + code.slice(3), clock.now())).ok, 'spaces as apps show them').to.equal(true);
    clock.set('2026-11-23T12:00:55Z');
    expect((await checkTotp(RFC_SECRET, code, clock.now())).ok, 'typed 25 s after its period').to.equal(true);
    clock.set('2026-11-23T12:01:05Z');
    expect((await checkTotp(RFC_SECRET, code, clock.now())).ok, '35 s after its period').to.equal(false);
    clock.set('2026-11-23T11:59:35Z');
    expect((await checkTotp(RFC_SECRET, code, clock.now())).ok, 'a device 25 s ahead of the server').to.equal(true);
    clock.set('2026-11-23T11:59:25Z');
    expect((await checkTotp(RFC_SECRET, code, clock.now())).ok, 'a device 35 s ahead').to.equal(false);
  });

  it('accepts a code once: not again, nor an older one, after a step was used', async () => {
    const clock = new FakeClock('2026-11-23T12:00:00Z');
    const code = await totpCodeAt(RFC_SECRET, clock.now());
    const first = await checkTotp(RFC_SECRET, code, clock.now());
    expect(first.ok).to.equal(true);
    const used = (first as { step: number }).step;
    expect((await checkTotp(RFC_SECRET, code, clock.now(), used)).ok).to.equal(false);
    const earlier = await totpCodeAt(RFC_SECRET, new Date(clock.now().getTime() - 30_000));
    expect((await checkTotp(RFC_SECRET, earlier, clock.now(), used)).ok).to.equal(false);
    clock.advance(30_000);
    const next = await totpCodeAt(RFC_SECRET, clock.now());
    expect(await checkTotp(RFC_SECRET, next, clock.now(), used)).to.deep.equal({ ok: true, step: used + 1 });
  });

  it('refuses what is not six digits, and a wrong code', async () => {
    const at = new Date('2026-11-23T12:00:00Z');
    for (const bad of ['', '12345', '1234567', 'abcdef', '12345a']) expect((await checkTotp(RFC_SECRET, bad, at)).ok, bad).to.equal(false);
    const code = await totpCodeAt(RFC_SECRET, at);
    const wrong = String((Number(code) + 1) % 1_000_000).padStart(6, '0');
    expect((await checkTotp(RFC_SECRET, wrong, at)).ok).to.equal(false);
    expect(looksLikeTotp('123 456')).to.equal(true);
    expect(looksLikeTotp('abcd-efgh-ijkl-mnop')).to.equal(false);
  });

  it('makes new secrets of 160 bits and an otpauth address for the apps', async () => {
    const a = await newTotpSecret();
    expect(a).to.match(/^[A-Z2-7]{32}$/);
    expect(await newTotpSecret()).to.not.equal(a);
    const uri = await otpauthUri(a, 'sec@example.org');
    expect(uri).to.match(/^otpauth:\/\/totp\//);
    expect(uri).to.contain(`secret=${a}`);
    expect(uri).to.contain('issuer=IMAS%20Review');
    expect(groupedSecret('ABCDEFGHIJ')).to.equal('ABCD EFGH IJ');
  });

  it('makes ten distinct recovery codes, checked whatever the case, spaces and dashes', () => {
    const codes = newRecoveryCodes();
    expect(codes).to.have.length(10);
    expect(new Set(codes).size).to.equal(10);
    for (const c of codes) {
      expect(c).to.match(/^[a-z2-7]{4}(-[a-z2-7]{4}){3}$/);
      expect(looksLikeRecoveryCode(c)).to.equal(true);
    }
    const c = codes[0]!;
    expect(hashRecoveryCode(` ${c.toUpperCase().replace(/-/g, ' ')} `)).to.equal(hashRecoveryCode(c));
    expect(hashRecoveryCode(c)).to.match(/^[0-9a-f]{64}$/);
    expect(hashRecoveryCode(c)).to.not.contain(c.replace(/-/g, ''));
    expect(hashRecoveryCode(codes[1]!)).to.not.equal(hashRecoveryCode(c));
  });

  it('stores the secret encrypted, readable only with the key and for its own user', () => {
    const key = secretKey('a session secret of at least thirty-two characters');
    const stored = encryptSecret(RFC_SECRET, key, 7);
    expect(stored).to.not.contain(RFC_SECRET);
    expect(encryptSecret(RFC_SECRET, key, 7)).to.not.equal(stored); // a fresh IV each time
    expect(decryptSecret(stored, key, 7)).to.equal(RFC_SECRET);
    expect(decryptSecret(stored, key, 8), 'copied to another user').to.equal(null);
    expect(decryptSecret(stored, secretKey('another session secret of thirty-two characters'), 7), 'another key').to.equal(null);
    const [v, iv, tag, body] = stored.split('.');
    const flipped = Buffer.from(body!, 'base64url');
    flipped[0] = flipped[0]! ^ 1;
    expect(decryptSecret([v, iv, tag, flipped.toString('base64url')].join('.'), key, 7), 'changed').to.equal(null);
    expect(decryptSecret('garbage', key, 7)).to.equal(null);
  });

  it('draws the QR code as an SVG image in a data: URI (no script, allowed by the CSP)', async () => {
    const uri = await qrDataUri(await otpauthUri(RFC_SECRET, 'sec@example.org'));
    expect(uri).to.match(/^data:image\/svg\+xml;base64,/);
    const svg = Buffer.from(uri.split(',')[1]!, 'base64').toString('utf8');
    expect(svg).to.match(/^<svg[^>]+xmlns="http:\/\/www.w3.org\/2000\/svg"/);
    expect(svg).to.not.match(/<script|style=/);
  });

  it('is required for the secretariat only', () => {
    expect(requiresTwoFactor('secretariat')).to.equal(true);
    expect(requiresTwoFactor('board')).to.equal(false);
    expect(requiresTwoFactor('stakeholder')).to.equal(false);
  });
});

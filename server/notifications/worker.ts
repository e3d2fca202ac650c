import crypto from 'node:crypto';
import { busyWaitOf, type Db } from '../db.ts';
import type { Clock } from '../clock.ts';
import type { Logger } from '../logger.ts';
import type { Mailer } from '../mail/mailer.ts';
import { digest, digestCutoff, REMINDER_BEFORE_MS, retryDelayMs, single, type Notice } from './messages.ts';
import * as repo from './repo.ts';
import { queueClosingReminders, unsubscribeUrl } from './service.ts';

/**
 * The outbox worker: one loop per app instance (started by server/main.ts, stopped at shutdown), which
 * finds the reminders that time makes due (ballots closing within 48 hours — no cron job), then sends
 * what the outbox holds: each row at once for users who chose immediate mail, one digest a day for
 * those who chose it, nothing (the row dropped) for those who chose none. Each mail is written in its
 * recipient's language (users.language; English when none).
 *
 * "Never twice", also with several instances on one database, rests on the claim (repo.claim): a
 * conditional UPDATE that takes a row only while it is unsent and its lease has run out, checked by
 * its affected rows. The database serialises writers of a row, so one worker holds it; that worker
 * sends, then marks sent_at under the same lease; no other claims it while the lease lives. The lease
 * (LEASE_MS) is longer than a send can take (the SMTP transport's own timeouts, server/mail/mailer.ts).
 * The one limit: a crash (or a lost connection to the database) after the mail server accepted the
 * message and before sent_at is written leaves the row unsent; once the lease runs out it is sent
 * again. That window is one UPDATE long; closing it would need the mail server to deduplicate on our
 * Message-ID, which SMTP does not promise.
 */

export interface WorkerDeps {
  db: Db;
  clock: Clock;
  config: { publicUrl: string; sessionSecret: string };
  logger: Logger;
  mailer: Mailer;
}

export interface TickReport {
  reminders: number;
  sent: number;
  digests: number;
  failed: number;
  dropped: number;
}

export const LEASE_MS = 10 * 60_000;
const BATCH = 200;

export class OutboxWorker {
  /** this instance, in the claims it makes (with a random part per claim) */
  readonly id = `${process.pid}-${crypto.randomBytes(4).toString('hex')}`;
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<unknown> | null = null;
  private stopped = true;

  constructor(
    private readonly deps: WorkerDeps,
    private readonly opts: { intervalMs?: number } = {},
  ) {}

  /** Runs a tick now and then every intervalMs (default 30 s) until stop(). */
  start(): void {
    if (!this.stopped) return;
    this.stopped = false;
    const loop = () => {
      if (this.stopped) return;
      this.running = this.tick()
        .catch((err: unknown) => this.deps.logger.error({ err }, 'outbox: tick failed'))
        .finally(() => {
          this.running = null;
          if (!this.stopped) this.timer = setTimeout(loop, this.opts.intervalMs ?? 30_000);
        });
    };
    loop();
  }

  /** No new tick; waits for the one in flight (its claims are then marked sent or released). */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    await this.running;
  }

  /** One pass: reminders found, then what is due sent. */
  async tick(): Promise<TickReport> {
    const report: TickReport = { reminders: 0, sent: 0, digests: 0, failed: 0, dropped: 0 };
    if (this.yielding()) return report;
    report.reminders = await queueClosingReminders(this.deps.db, this.deps.clock, REMINDER_BEFORE_MS);
    const cutoff = digestCutoff(this.deps.clock.now()).toISOString();
    const rows = await repo.dueRows(this.deps.db, this.deps.clock.now().toISOString(), cutoff, BATCH);
    const drop = rows.filter((r) => !r.reachable || r.mode === 'none');
    report.dropped = await repo.markDropped(this.deps.db, drop.map((r) => r.id), this.deps.clock.now().toISOString());
    for (const r of rows.filter((x) => x.reachable && x.mode === 'immediate')) {
      if (this.yielding()) return report;
      const held = await this.claim([r.id]);
      if (!held.length) continue; // another worker has it
      const link = this.unsubscribe(r.user_id);
      const { subject, text } = single(held[0]!.notice, this.deps.config.publicUrl, link, r.language);
      if (await this.send(link, r.email, subject, text, held)) report.sent++;
      else report.failed++;
    }
    // Digests: a user's rows written before this morning's digest time go in one mail.
    const digestUsers = new Map<number, { email: string; language: string; ids: number[] }>();
    for (const r of rows.filter((x) => x.reachable && x.mode === 'digest' && x.created_at < cutoff)) {
      const u = digestUsers.get(r.user_id) ?? { email: r.email, language: r.language, ids: [] };
      u.ids.push(r.id);
      digestUsers.set(r.user_id, u);
    }
    for (const [userId, u] of digestUsers) {
      if (this.yielding()) return report;
      const held = await this.claim(u.ids);
      if (!held.length) continue;
      const link = this.unsubscribe(userId);
      const { subject, text } = digest(held.map((h) => h.notice as Notice), this.deps.config.publicUrl, link, u.language);
      if (await this.send(link, u.email, subject, text, held)) report.digests++;
      else report.failed++;
    }
    return report;
  }

  /**
   * Mail can wait; people's writes cannot. On SQLite each claim and each "sent" is a write transaction
   * of its own, so while a request of this instance waits for the write lock (db-busy.ts) the pass
   * stops, leaving what is unclaimed to the next pass (a burst of votes with a ballot's opening mails
   * due was refused 503s otherwise, in test/integration/instances.test.ts).
   */
  private yielding(): boolean {
    return busyWaitOf(this.deps.db)?.busy ?? false;
  }

  private unsubscribe(userId: number): string {
    return unsubscribeUrl(this.deps.config.publicUrl, this.deps.config.sessionSecret, userId);
  }

  private async claim(ids: number[]) {
    const now = this.deps.clock.now();
    const token = `${this.id}-${crypto.randomBytes(6).toString('hex')}`;
    return repo.claim(this.deps.db, ids, token, new Date(now.getTime() + LEASE_MS).toISOString(), now.toISOString());
  }

  /** Sends one mail for the held rows; marks them sent, or failed with their back-off. */
  private async send(link: string, to: string, subject: string, text: string, held: repo.OutboxRow[]): Promise<boolean> {
    const ids = held.map((h) => h.id);
    const token = held[0]!.claimed_by!;
    try {
      await this.deps.mailer.send({
        to, subject, text,
        // RFC 8058: one-click unsubscribe by a POST to the link, which needs no session and no form token.
        headers: { 'List-Unsubscribe': `<${link}>`, 'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click' },
      });
    } catch (err) {
      const now = this.deps.clock.now().getTime();
      await repo.markFailed(this.deps.db, ids, token, err instanceof Error ? err.message : String(err), (attempts) => new Date(now + retryDelayMs(attempts)).toISOString());
      this.deps.logger.warn({ err, outbox: ids }, 'outbox: sending failed; will retry');
      return false;
    }
    const marked = await repo.markSent(this.deps.db, ids, token, this.deps.clock.now().toISOString());
    if (marked !== ids.length) this.deps.logger.error({ outbox: ids, marked }, 'outbox: the lease ran out during a send; the mail may be sent again');
    return true;
  }
}

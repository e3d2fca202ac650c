import type { Knex } from 'knex';
import type { Db } from '../db.ts';
import type { Clock } from '../clock.ts';
import type { Viewer } from '../auth/viewer.ts';
import { Conflict, Validation } from '../errors.ts';
import { appendAudit, chainHead, type Head } from '../audit/service.ts';
import { editionLabel } from '../versions/edition.ts';
import * as versions from '../versions/repo.ts';
import * as ballots from '../ballots/repo.ts';
import type { BallotRow } from '../ballots/repo.ts';
import { resolveVersion, settleBallotsOf, type BallotView } from '../ballots/service.ts';
import { canNumber, canPublish, canSetInForce } from './rules.ts';
import type { Result, Rule } from '../ballots/tally.ts';
import type { PublishInput } from './validation.ts';
import { consultationsOfVersion, updateConsultation } from '../consultations/repo.ts';
import { queuePublished } from '../notifications/service.ts';
import { designation, type StandardType } from '../standards/refs.ts';

/**
 * Publication: an approved version becomes Edition N [Amendment M]; a consultation still running on it
 * ends; the publication record (text hash, approving ballot, audit chain head) is kept for its page.
 * The rules that decide it are pure (./rules.ts).
 */
export const messages = {
  raceLost: 'This version was published or changed meanwhile. Reload and check.',
  alreadyEndorsed: (on: string) => `The UN endorsement (IACG-MA) is already recorded, on ${on}: the version is not awaiting it.`,
} as const;

type Tally = BallotView['tally'];

export interface Publication {
  ref: string;
  n: number;
  label: string;
  state: 'published';
  edition: number;
  amendment: number | null;
  edition_label: string;
  published_at: string;
  in_force_from: string;
  summary: string;
  sha256: string;
  ballot_id: number;
  /** published before the UN endorsement, which is not recorded yet */
  awaiting_endorsement: boolean;
}

/** The latest ballot of a version that counts for publication: closed with a result, else the latest. */
const decidingBallot = (list: BallotRow[]): BallotRow | null =>
  [...list].reverse().find((b) => b.result !== null && !b.cancelled_at) ?? list.at(-1) ?? null;

/**
 * Publishes an approved version as Edition N [Amendment M] from an in-force date; the edition in
 * force before it is superseded from that date (derived, server/versions/edition.ts).
 */
export async function publishVersion(db: Db, clock: Clock, actor: Viewer, ref: string, n: number, input: PublishInput): Promise<Publication> {
  const v0 = await resolveVersion(db, ref, n);
  await settleBallotsOf(db, clock, v0.id);
  return db.transaction(async (trx) => {
    const v = (await versions.versionById(trx, v0.id))!;
    const ballot = decidingBallot(await ballots.ballotsOfVersion(trx, v.id));
    const verdict = canPublish(v, ballot);
    if (!verdict.ok) throw new Conflict(`"${v.label}" cannot be published: ${verdict.reason}`);
    const now = clock.now();
    const amendment = input.amendment ?? null;
    const published = (await versions.versionsOfStandard(trx, v.standard_id)).filter((x) => x.state === 'published');
    const numbered = canNumber({ edition: input.edition, amendment }, published);
    if (!numbered.ok) throw new Validation(numbered.reason, { [amendment ? 'amendment' : 'edition']: numbered.reason });
    const inForce = canSetInForce(input.in_force_from, now);
    if (!inForce.ok) throw new Validation(inForce.reason, { in_force_from: inForce.reason });
    if (input.awaiting_endorsement && v.endorsed_on) throw new Validation(messages.alreadyEndorsed(v.endorsed_on), { awaiting_endorsement: messages.alreadyEndorsed(v.endorsed_on) });
    const publishedAt = now.toISOString();
    const done = await versions.markPublished(trx, v.id, {
      edition: input.edition, amendment, in_force_from: input.in_force_from, published_at: publishedAt, summary: input.summary, published_before_endorsement: input.awaiting_endorsement,
    });
    if (!done) throw new Conflict(messages.raceLost);
    await endConsultations(trx, clock, actor, v.id);
    await appendAudit(trx, clock, {
      actor_id: actor.id, action: 'version.publish', subject_type: 'version', subject_id: v.id,
      data: {
        ref: v.ref, n: v.n, edition: input.edition, amendment, in_force_from: input.in_force_from, summary: input.summary, text_sha256: v.sha256, awaiting_endorsement: input.awaiting_endorsement,
        ballot_id: ballot!.id, ballot_result: ballot!.result, ballot_close_event_id: ballot!.final_tally?.close_event_id ?? null,
      },
    });
    // The head with this publication's event, printed on the page and in the feed (copies outside the database).
    const head = (await chainHead(trx))!;
    await versions.setPublicationHead(trx, v.id, head);
    // The standard's watchers are told by mail, queued in this transaction (issue 16 item 3).
    await queuePublished(trx, clock, v.standard_id, v.id, {
      ref: v.ref, n: v.n, designation: designation(v.type as StandardType, v.number), title: v.title, edition_label: editionLabel(input.edition, amendment), in_force_from: input.in_force_from,
    });
    return {
      ref: v.ref, n: v.n, label: v.label, state: 'published', edition: input.edition, amendment, edition_label: editionLabel(input.edition, amendment),
      published_at: publishedAt, in_force_from: input.in_force_from, summary: input.summary, sha256: v.sha256, ballot_id: ballot!.id,
      awaiting_endorsement: input.awaiting_endorsement,
    };
  });
}

/**
 * A published text takes no more comments: a consultation still open on it closes at publication, and
 * one not yet open is cancelled (design.md §2: closing early sets closes_at = now).
 */
async function endConsultations(trx: Knex.Transaction, clock: Clock, actor: Viewer, versionId: number): Promise<void> {
  const now = clock.now().toISOString();
  const live = (await consultationsOfVersion(trx, versionId)).filter((c) => !c.cancelled_at && c.closes_at > now);
  for (const c of live) {
    const scheduled = c.opens_at > now;
    await updateConsultation(trx, c.id, scheduled ? { cancelled_at: now } : { closes_at: now });
    await appendAudit(trx, clock, {
      actor_id: actor.id, action: scheduled ? 'consultation.cancel' : 'consultation.close', subject_type: 'consultation', subject_id: c.id,
      data: { reason: 'the version was published', version_id: versionId },
    });
  }
}

export interface PublicationRecord {
  sha256: string;
  /** the audit chain's head right after the publication (none for versions imported as published) */
  audit_head: Head | null;
  ballot: { id: number; result: Result; closes_at: string; rule: Rule; quorum: number; tally: Tally; close_hash: string | null; close_event_id: number | null } | null;
}

/** What a published version's page shows for anyone to check: the text's hash and the ballot that approved it. */
export async function publicationRecord(db: Db, versionId: number): Promise<PublicationRecord | null> {
  const v = await versions.versionById(db, versionId);
  if (!v) return null;
  const b = (await ballots.ballotsOfVersion(db, versionId)).reverse().find((x) => x.result === 'approved');
  return {
    sha256: v.sha256,
    audit_head: await versions.publicationHead(db, versionId),
    ballot: b
      ? { id: b.id, result: b.result!, closes_at: b.closes_at, rule: b.rule, quorum: b.quorum, tally: b.final_tally!.tally as Tally, close_hash: b.close_hash, close_event_id: b.final_tally?.close_event_id ?? null }
      : null,
  };
}

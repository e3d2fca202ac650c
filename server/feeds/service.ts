import type { Deps } from '../deps.ts';
import type { StandardRow } from '../standards/repo.ts';
import { designation } from '../standards/refs.ts';
import { editionLabel } from '../versions/edition.ts';
import { listConsultations } from '../consultations/lifecycle.ts';
import { listBallots } from '../ballots/service.ts';
import { allBallots } from '../ballots/repo.ts';
import { listProposals } from '../proposals/service.ts';
import { allProposals } from '../proposals/repo.ts';
import { latestPublished, type PublishedEntry } from './repo.ts';
import {
  ballotEntry,
  consultationEntries,
  FEED_SIZE,
  feedModel,
  proposalEntries,
  publicationEntry,
  trimBase,
  type FeedEntry,
  type FeedModel,
} from './entries.ts';

export { FEED_SIZE };

/**
 * The Atom feeds (design.md §6, issue 16 item 4), built from the same services as the pages and read as
 * the public reads them (no viewer): drafts only once a consultation has released them, ballots only once
 * closed (with their result frozen by the same first read as the ballots page), proposals as the public
 * log shows them (a decision whose response date has passed is frozen by this read too).
 */
export type Ctx = Pick<Deps, 'db' | 'clock' | 'states' | 'caches' | 'config'>;

/** The text of an entry: what was published, from when, and the audit chain's head at that moment. */
export function entrySummary(e: PublishedEntry): string {
  const parts = [
    e.summary?.trim(),
    e.in_force_from ? `In force from ${e.in_force_from}.` : null,
    e.published_before_endorsement ? 'Published with immediate effect, awaiting endorsement by the UN (IACG-MA).' : null,
  ];
  parts.push(
    e.audit_head_count != null && e.audit_head_hash
      ? `Audit chain head at publication: ${e.audit_head_count}:${e.audit_head_hash}`
      : 'Published before imas-review kept an audit chain head.',
  );
  return parts.filter(Boolean).join(' ');
}

async function publicationEntries(ctx: Ctx, base: string, standardId?: number): Promise<FeedEntry[]> {
  return (await latestPublished(ctx.db, FEED_SIZE, standardId)).map((e) =>
    publicationEntry(base, {
      ref: e.ref,
      designation: designation(e.type, e.number),
      title: e.title,
      n: e.n,
      edition_label: editionLabel(e.edition, e.amendment),
      published_at: e.published_at,
      summary: entrySummary(e),
    }),
  );
}

async function consultationFeedEntries(ctx: Ctx, base: string, ref?: string): Promise<FeedEntry[]> {
  const now = ctx.clock.now();
  // The public list: a consultation on a draft not yet released is not in it (scheduled ones are, and get no entry yet).
  const all = await listConsultations(ctx, null);
  return all
    .filter((c) => ref === undefined || c.standard_ref === ref)
    .flatMap((c) =>
      consultationEntries(base, { id: c.id, ref: c.standard_ref, designation: c.designation, title: c.standard_title, label: c.label, opens_at: c.opens_at, closes_at: c.closes_at, cancelled_at: c.cancelled_at }, now),
    );
}

async function ballotFeedEntries(ctx: Ctx, base: string, ref?: string): Promise<FeedEntry[]> {
  // The public list settles every ballot found closed; only closed ballots are in it for the public.
  const { closed } = await listBallots(ctx.db, ctx.clock, null);
  const rows = new Map((await allBallots(ctx.db)).map((b) => [b.id, b]));
  return closed
    .filter((b) => ref === undefined || b.ref === ref)
    .flatMap((b) => {
      const row = rows.get(b.id);
      if (!row?.result) return [];
      return [ballotEntry(base, { id: b.id, ref: b.ref, designation: b.designation, title: b.title, label: b.label, rule: b.rule, closes_at: row.closes_at, result: row.result, tally: row.final_tally?.tally ?? null })];
    });
}

async function proposalFeedEntries(ctx: Ctx, base: string, ref?: string): Promise<FeedEntry[]> {
  // The public log freezes the decisions whose response date has passed; then the rows carry them.
  const { proposals } = await listProposals(ctx.db, ctx.clock, {});
  const rows = new Map((await allProposals(ctx.db)).map((p) => [p.id, p]));
  return proposals
    .filter((p) => ref === undefined || p.standard?.ref === ref)
    .flatMap((p) => {
      const row = rows.get(p.id);
      const t = row?.decision_tally;
      return proposalEntries(base, {
        id: p.id,
        title: p.title,
        kind_label: p.kind_label,
        standard: p.standard ? { ref: p.standard.ref, designation: p.standard.designation } : null,
        circulated_at: p.circulated_at,
        response_due_at: p.response_due_at,
        decision: row?.decision ?? null,
        decided_at: row?.decided_at ?? null,
        tally: t ? { electorate: t.electorate, supports: t.supports, needed: t.needed } : null,
      });
    });
}

/** /feeds/publications.atom: every published edition and amendment, with the audit chain head at its publication. */
export async function publicationsFeed(ctx: Ctx): Promise<FeedModel> {
  const base = trimBase(ctx.config.publicUrl);
  return feedModel(
    {
      self: `${base}/feeds/publications.atom`,
      title: 'IMAS publications',
      subtitle: 'Editions and amendments of the International Mine Action Standards as they are published, with the audit chain head at each publication.',
      alternate: `${base}/`,
    },
    await publicationEntries(ctx, base),
  );
}

/** /feeds/consultations.atom: consultations as they open, and again when they close within seven days. */
export async function consultationsFeed(ctx: Ctx): Promise<FeedModel> {
  const base = trimBase(ctx.config.publicUrl);
  return feedModel(
    {
      self: `${base}/feeds/consultations.atom`,
      title: 'IMAS consultations',
      subtitle: 'Drafts of the International Mine Action Standards opened for comment, and consultations closing within seven days.',
      alternate: `${base}/consultations`,
    },
    await consultationFeedEntries(ctx, base),
  );
}

/** /feeds/ballots.atom: the Review Board's ballots as they close, with their result and count. */
export async function ballotsFeed(ctx: Ctx): Promise<FeedModel> {
  const base = trimBase(ctx.config.publicUrl);
  return feedModel(
    {
      self: `${base}/feeds/ballots.atom`,
      title: 'IMAS Review Board ballot results',
      subtitle: 'The results of the Review Board’s ballots on drafts, with the count frozen at each close.',
      alternate: `${base}/ballots`,
    },
    await ballotFeedEntries(ctx, base),
  );
}

/** /feeds/proposals.atom: proposals circulated to the Review Board and its decisions on them. */
export async function proposalsFeed(ctx: Ctx): Promise<FeedModel> {
  const base = trimBase(ctx.config.publicUrl);
  return feedModel(
    {
      self: `${base}/feeds/proposals.atom`,
      title: 'IMAS proposals',
      subtitle: 'Proposals (Justification Forms) circulated to the Review Board, and the Board’s decisions on them.',
      alternate: `${base}/proposals`,
    },
    await proposalFeedEntries(ctx, base),
  );
}

/** /feeds/standards/{ref}.atom: all four kinds of event, for one standard. */
export async function standardFeed(ctx: Ctx, s: Pick<StandardRow, 'id' | 'ref' | 'type' | 'number' | 'title'>): Promise<FeedModel> {
  const base = trimBase(ctx.config.publicUrl);
  const d = designation(s.type, s.number);
  // One after the other: the ballots' and proposals' reads may write (a result, a decision frozen).
  const pubs = await publicationEntries(ctx, base, s.id);
  const cons = await consultationFeedEntries(ctx, base, s.ref);
  const ballots = await ballotFeedEntries(ctx, base, s.ref);
  const props = await proposalFeedEntries(ctx, base, s.ref);
  return feedModel(
    {
      self: `${base}/feeds/standards/${encodeURIComponent(s.ref)}.atom`,
      title: `${d} ${s.title}`,
      subtitle: `Publications, consultations, ballot results and proposals of ${d} ${s.title}.`,
      alternate: `${base}/standards/${encodeURIComponent(s.ref)}`,
    },
    [...pubs, ...cons, ...ballots, ...props],
  );
}

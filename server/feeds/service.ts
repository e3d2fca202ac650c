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
import { isLanguage, t } from '../i18n/index.ts';
import { formatDate, formatDateTime } from '../i18n/format.ts';
import { localise } from '../i18n/messages.ts';
import { KIND_LABELS } from '../proposals/rules.ts';
import {
  ENGLISH_WORDS,
  type FeedWords,
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

/**
 * A feed's words in `lng` (locales/<lng>/feeds.json), English by default. A feed reader fetches without
 * the reader's cookie, so the language is in the feed's address (?lang=fr, as the pages link it): one
 * feed per language, each with its own id, and English — the authoritative text's — without the parameter.
 */
export function feedWords(lng: string): FeedWords {
  if (!isLanguage(lng) || lng === 'en') return ENGLISH_WORDS;
  return {
    lang: lng,
    w: (key, values) => t(lng, `feeds:${key}`, values),
    date: (v) => formatDate(lng, v),
    dateTime: (v) => formatDateTime(lng, v),
    day: (v) => formatDate(lng, v),
  };
}

const label = (words: FeedWords, s: string) => localise(words.lang, s);
const langOf = (words: FeedWords) => (words.lang === 'en' ? {} : { lang: words.lang });
const selfOf = (url: string, words: FeedWords) => (words.lang === 'en' ? url : `${url}?lang=${words.lang}`);
const KIND_OF = new Map(Object.entries(KIND_LABELS).map(([kind, english]) => [english, kind]));
const kindLabel = (words: FeedWords, english: string) => (words.lang === 'en' || !KIND_OF.has(english) ? english : t(words.lang, `proposals:kind_${KIND_OF.get(english)}`));

/** The text of an entry: what was published, from when, and the audit chain's head at that moment. */
export function entrySummary(e: PublishedEntry, { w, day } = ENGLISH_WORDS): string {
  const parts = [
    e.summary?.trim(),
    e.in_force_from ? w('inForce', { date: day(e.in_force_from) }) : null,
    e.published_before_endorsement ? w('awaitingEndorsement') : null,
  ];
  parts.push(e.audit_head_count != null && e.audit_head_hash ? w('auditHead', { count: e.audit_head_count, hash: e.audit_head_hash }) : w('noAuditHead'));
  return parts.filter(Boolean).join(' ');
}

async function publicationEntries(ctx: Ctx, base: string, words: FeedWords, standardId?: number): Promise<FeedEntry[]> {
  return (await latestPublished(ctx.db, FEED_SIZE, standardId)).map((e) =>
    publicationEntry(
      base,
      {
        ref: e.ref,
        designation: designation(e.type, e.number),
        title: e.title,
        n: e.n,
        edition_label: label(words, editionLabel(e.edition, e.amendment)),
        published_at: e.published_at,
        summary: entrySummary(e, words),
      },
      words,
    ),
  );
}

async function consultationFeedEntries(ctx: Ctx, base: string, words: FeedWords, ref?: string): Promise<FeedEntry[]> {
  const now = ctx.clock.now();
  // The public list: a consultation on a draft not yet released is not in it (scheduled ones are, and get no entry yet).
  const all = await listConsultations(ctx, null);
  return all
    .filter((c) => ref === undefined || c.standard_ref === ref)
    .flatMap((c) =>
      consultationEntries(base, { id: c.id, ref: c.standard_ref, designation: c.designation, title: c.standard_title, label: label(words, c.label), opens_at: c.opens_at, closes_at: c.closes_at, cancelled_at: c.cancelled_at }, now, words),
    );
}

async function ballotFeedEntries(ctx: Ctx, base: string, words: FeedWords, ref?: string): Promise<FeedEntry[]> {
  // The public list settles every ballot found closed; only closed ballots are in it for the public.
  const { closed } = await listBallots(ctx.db, ctx.clock, null);
  const rows = new Map((await allBallots(ctx.db)).map((b) => [b.id, b]));
  return closed
    .filter((b) => ref === undefined || b.ref === ref)
    .flatMap((b) => {
      const row = rows.get(b.id);
      if (!row?.result) return [];
      return [ballotEntry(base, { id: b.id, ref: b.ref, designation: b.designation, title: b.title, label: label(words, b.label), rule: b.rule, closes_at: row.closes_at, result: row.result, tally: row.final_tally?.tally ?? null }, words)];
    });
}

async function proposalFeedEntries(ctx: Ctx, base: string, words: FeedWords, ref?: string): Promise<FeedEntry[]> {
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
        kind_label: kindLabel(words, p.kind_label),
        standard: p.standard ? { ref: p.standard.ref, designation: p.standard.designation } : null,
        circulated_at: p.circulated_at,
        response_due_at: p.response_due_at,
        decision: row?.decision ?? null,
        decided_at: row?.decided_at ?? null,
        tally: t ? { electorate: t.electorate, supports: t.supports, needed: t.needed } : null,
      }, words);
    });
}

/** /feeds/publications.atom: every published edition and amendment, with the audit chain head at its publication. */
export async function publicationsFeed(ctx: Ctx, words = ENGLISH_WORDS): Promise<FeedModel> {
  const base = trimBase(ctx.config.publicUrl);
  return feedModel(
    { self: selfOf(`${base}/feeds/publications.atom`, words), title: words.w('publicationsTitle'), subtitle: words.w('publicationsSubtitle'), alternate: `${base}/`, ...langOf(words) },
    await publicationEntries(ctx, base, words),
  );
}

/** /feeds/consultations.atom: consultations as they open, and again when they close within seven days. */
export async function consultationsFeed(ctx: Ctx, words = ENGLISH_WORDS): Promise<FeedModel> {
  const base = trimBase(ctx.config.publicUrl);
  return feedModel(
    { self: selfOf(`${base}/feeds/consultations.atom`, words), title: words.w('consultationsTitle'), subtitle: words.w('consultationsSubtitle'), alternate: `${base}/consultations`, ...langOf(words) },
    await consultationFeedEntries(ctx, base, words),
  );
}

/** /feeds/ballots.atom: the Review Board's ballots as they close, with their result and count. */
export async function ballotsFeed(ctx: Ctx, words = ENGLISH_WORDS): Promise<FeedModel> {
  const base = trimBase(ctx.config.publicUrl);
  return feedModel(
    { self: selfOf(`${base}/feeds/ballots.atom`, words), title: words.w('ballotsTitle'), subtitle: words.w('ballotsSubtitle'), alternate: `${base}/ballots`, ...langOf(words) },
    await ballotFeedEntries(ctx, base, words),
  );
}

/** /feeds/proposals.atom: proposals circulated to the Review Board and its decisions on them. */
export async function proposalsFeed(ctx: Ctx, words = ENGLISH_WORDS): Promise<FeedModel> {
  const base = trimBase(ctx.config.publicUrl);
  return feedModel(
    { self: selfOf(`${base}/feeds/proposals.atom`, words), title: words.w('proposalsTitle'), subtitle: words.w('proposalsSubtitle'), alternate: `${base}/proposals`, ...langOf(words) },
    await proposalFeedEntries(ctx, base, words),
  );
}

/** /feeds/standards/{ref}.atom: all four kinds of event, for one standard. */
export async function standardFeed(ctx: Ctx, s: Pick<StandardRow, 'id' | 'ref' | 'type' | 'number' | 'title'>, words = ENGLISH_WORDS): Promise<FeedModel> {
  const base = trimBase(ctx.config.publicUrl);
  const d = designation(s.type, s.number);
  // One after the other: the ballots' and proposals' reads may write (a result, a decision frozen).
  const pubs = await publicationEntries(ctx, base, words, s.id);
  const cons = await consultationFeedEntries(ctx, base, words, s.ref);
  const ballots = await ballotFeedEntries(ctx, base, words, s.ref);
  const props = await proposalFeedEntries(ctx, base, words, s.ref);
  return feedModel(
    {
      self: selfOf(`${base}/feeds/standards/${encodeURIComponent(s.ref)}.atom`, words),
      title: `${d} ${s.title}`,
      subtitle: words.w('standardSubtitle', { designation: d, title: s.title }),
      alternate: `${base}/standards/${encodeURIComponent(s.ref)}`,
      ...langOf(words),
    },
    [...pubs, ...cons, ...ballots, ...props],
  );
}

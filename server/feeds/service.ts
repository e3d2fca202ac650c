import { Feed } from 'feed';
import type { Db } from '../db.ts';
import { designation } from '../standards/refs.ts';
import { editionLabel } from '../versions/edition.ts';
import { latestPublished, type PublishedEntry } from './repo.ts';

export const FEED_SIZE = 100;

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

/**
 * /feeds/publications.atom: one entry per published version, newest first. Each carries the chain head
 * printed on the version's page, so that feed readers and archives keep copies of it outside the database.
 */
export async function publicationsFeed(db: Db, publicUrl: string): Promise<string> {
  const base = publicUrl.replace(/\/+$/, '');
  const entries = await latestPublished(db, FEED_SIZE);
  const self = `${base}/feeds/publications.atom`;
  const feed = new Feed({
    id: self,
    title: 'IMAS publications',
    description: 'Editions and amendments of the International Mine Action Standards as they are published, with the audit chain head at each publication.',
    link: `${base}/`,
    feedLinks: { atom: self },
    updated: entries[0] ? new Date(entries[0].published_at) : new Date(0),
    copyright: 'IMAS',
    generator: false,
  });
  for (const e of entries) {
    const url = `${base}/standards/${e.ref}/versions/${e.n}`;
    const date = new Date(e.published_at);
    feed.addItem({
      id: url,
      link: url,
      title: `${designation(e.type, e.number)} ${e.title} — ${editionLabel(e.edition, e.amendment)}`,
      date,
      published: date,
      description: entrySummary(e),
    });
  }
  return feed.atom1();
}

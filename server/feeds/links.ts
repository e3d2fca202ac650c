/**
 * The feeds' addresses and names, for the pages that link them: `<link rel="alternate">` in the head
 * (views/layouts/main.hbs, from the `feeds` local) and a visible link on the page.
 */
export interface FeedLink {
  /** its name in English (the views name it in the page's language: locales/<lng>/common.json feeds.titles.<key>) */
  title: string;
  key: 'publications' | 'consultations' | 'ballots' | 'proposals' | 'standard';
  href: string;
  designation?: string;
}

export const FEED_LINKS = {
  publications: { title: 'IMAS publications', key: 'publications', href: '/feeds/publications.atom' },
  consultations: { title: 'IMAS consultations', key: 'consultations', href: '/feeds/consultations.atom' },
  ballots: { title: 'IMAS Review Board ballot results', key: 'ballots', href: '/feeds/ballots.atom' },
  proposals: { title: 'IMAS proposals', key: 'proposals', href: '/feeds/proposals.atom' },
} as const satisfies Record<string, FeedLink>;

/** The feed of one standard: its publications, consultations, ballot results and proposals. */
export function standardFeedLink(s: { ref: string; designation: string }): FeedLink {
  return { title: `${s.designation}: publications, consultations, ballots and proposals`, key: 'standard', href: `/feeds/standards/${encodeURIComponent(s.ref)}.atom`, designation: s.designation };
}

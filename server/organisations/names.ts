/**
 * Organisation names: two spellings are the same organisation when they differ only in case and in
 * surrounding or repeated spaces ("GICHD", " gichd ", "Gichd"). Pure.
 */
export const tidyName = (name: string): string => name.trim().replace(/\s+/g, ' ');
export const nameKey = (name: string): string => tidyName(name).toLowerCase();

export const KINDS = ['donor', 'national_authority', 'un', 'ngo', 'commercial', 'training', 'treaty_body', 'expert'] as const;
export type Kind = (typeof KINDS)[number];
export const KIND_LABELS: Record<Kind, string> = {
  donor: 'Donor',
  national_authority: 'National mine action authority',
  un: 'United Nations',
  ngo: 'Non-governmental organisation',
  commercial: 'Commercial company',
  training: 'Training centre or demining school',
  treaty_body: 'Treaty body',
  expert: 'Independent expert',
};

export const STATUSES = ['member', 'observer'] as const;
export type Status = (typeof STATUSES)[number];

/** Whether two dated spans (until null = open-ended, both days included) share a day. */
export function overlaps(a: { from_date: string; until_date: string | null }, b: { from_date: string; until_date: string | null }): boolean {
  return (a.until_date === null || b.from_date <= a.until_date) && (b.until_date === null || a.from_date <= b.until_date);
}

/** The day before a YYYY-MM-DD day. */
export function dayBefore(day: string): string {
  const d = new Date(`${day}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() - 1);
  return d.toISOString().slice(0, 10);
}

/** A comment's receipt number as people quote it: C-3-12 is comment 12 of consultation 3. */
export const reference = (c: { consultation_id: number; seq: number }): string => `C-${c.consultation_id}-${c.seq}`;

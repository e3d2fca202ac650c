/** {{plural n "clause"}} → "1 clause", "3 clauses" */
export default (n: number, word: string): string => `${n} ${word}${n === 1 ? '' : 's'}`;

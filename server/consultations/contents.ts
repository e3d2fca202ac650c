/** The contents list of a consultation page: the draft's clauses nested as they are, each with its comment count. Pure. */

export interface ContentsEntry {
  ref: string;
  num: string;
  heading: string;
  count: number;
  /** the comments of this clause in the matrix, when the viewer may read them */
  commentsLink: string | null;
  children: ContentsEntry[];
}

/**
 * Nests clauses listed in document order by their depth (0 = top level). A clause deeper than the one
 * before it goes under that one; a jump of more than one level (a 7.4.1 straight after 7) still nests.
 */
export function nestContents<T extends { depth: number }>(items: T[], entry: (item: T) => Omit<ContentsEntry, 'children'>): ContentsEntry[] {
  const top: ContentsEntry[] = [];
  const stack: Array<{ depth: number; node: ContentsEntry }> = [];
  for (const item of items) {
    const node: ContentsEntry = { ...entry(item), children: [] };
    while (stack.length && stack[stack.length - 1]!.depth >= item.depth) stack.pop();
    (stack.length ? stack[stack.length - 1]!.node.children : top).push(node);
    stack.push({ depth: item.depth, node });
  }
  return top;
}

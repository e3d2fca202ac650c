/** A clause of a version, as parsed from its Markdown and stored in `clauses`. */
export interface Clause {
  /** clause number (`4.2.1`), `foreword`, `introduction`, `annex-a`, `annex-a.1` */
  ref: string;
  heading: string;
  /** the clause body as Markdown, without its heading */
  text: string;
  /** 1 for `# 4`, 2 for `## 4.2`, … */
  depth: number;
  /** 0-based order in the document */
  position: number;
  /** stable identity, inherited from the aligned clause of the version this one is based on */
  key: string;
}

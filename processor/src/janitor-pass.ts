/** What one janitor pass did, what the janitor did since start, and the pass's log line. */

export interface JanitorPass {
  /** Run deletions found unfinished and finished. */
  deletionsFinished: number;
  /** Purges of projects being deleted. */
  projectsPurged: number;
  /** Projects whose deletion completed (data gone, records removed). */
  projectsFinished: string[];
  rowsPurged: number;
  /** Rows rewritten to their project's changed retention. */
  rowsRestamped: number;
  partitionsDropped: number;
  /** Rows the dropped partitions held. */
  rowsDropped: number;
  objectsDeleted: number;
  /** Expired days whose objects were kept: rows of the day still exist. */
  daysKept: number;
  failures: number;
  seconds: number;
}

export function emptyPass(): JanitorPass {
  return {
    deletionsFinished: 0,
    projectsPurged: 0,
    projectsFinished: [],
    rowsPurged: 0,
    rowsRestamped: 0,
    partitionsDropped: 0,
    rowsDropped: 0,
    objectsDeleted: 0,
    daysKept: 0,
    failures: 0,
    seconds: 0,
  };
}

/** Since the janitor started, for the processor's /metrics. */
export interface JanitorStats {
  passes: number;
  objectsDeleted: number;
  partitionsDropped: number;
  rowsDropped: number;
  failures: number;
  /** When the last pass ran (ms since the epoch). */
  lastPassMs?: number;
  lastPassSeconds?: number;
}

const count = (n: number, one: string, many = `${one}s`) => `${n.toLocaleString('en-US')} ${n === 1 ? one : many}`;

/** One line: e.g. `janitor pass: 3 partitions dropped (1,204 rows), 12 objects deleted, 1 project purged, ... in 0.42 s`. */
export function passSummary(p: JanitorPass): string {
  const parts = [
    `${count(p.partitionsDropped, 'partition')} dropped (${count(p.rowsDropped, 'row')})`,
    `${count(p.objectsDeleted, 'object')} deleted`,
    `${count(p.projectsPurged, 'project')} purged (${count(p.rowsPurged, 'row')})`,
    `${count(p.deletionsFinished, 'run deletion')} finished`,
    `${count(p.rowsRestamped, 'row')} rewritten to a changed retention`,
  ];
  if (p.projectsFinished.length > 0) parts.push(`deletion of ${p.projectsFinished.join(', ')} complete`);
  if (p.daysKept > 0) parts.push(`${count(p.daysKept, 'expired day')} kept (rows still reference them)`);
  if (p.failures > 0) parts.push(`${count(p.failures, 'failure')}`);
  return `janitor pass: ${parts.join(', ')} in ${p.seconds.toFixed(2)} s`;
}

/** Pure rules of the hot folder: which names to ignore, when a file is complete, what was taken. */

export interface FileObservation {
  readonly size: number;
  readonly mtimeMs: number;
}

/** Names a scanner or copier writes while a file is still arriving, and hidden files. */
export const DEFAULT_IGNORE_PATTERNS: readonly RegExp[] = [
  /^\./, // dotfiles, including .~lock and rsync's .name.XXXX
  /\.part$/i,
  /\.partial$/i,
  /\.tmp$/i,
  /\.temp$/i,
  /\.crdownload$/i,
  /\.filepart$/i,
  /~$/,
  /^~\$/,
  /^thumbs\.db$/i,
  /^desktop\.ini$/i,
];

export function isIgnoredName(name: string, patterns: readonly RegExp[] = DEFAULT_IGNORE_PATTERNS): boolean {
  return patterns.some((p) => p.test(name));
}

/**
 * A file is complete when two checks at least `stableForMs` apart see the
 * same non-zero size and modification time (it has stopped growing).
 */
export class StabilityTracker {
  private readonly seen = new Map<string, FileObservation & { readonly since: number }>();

  constructor(private readonly stableForMs: number) {}

  /** Records a check: `changed` (new, or still growing), `waiting` (unchanged, not long enough) or `complete`. */
  observe(name: string, observation: FileObservation, nowMs: number): 'changed' | 'waiting' | 'complete' {
    const previous = this.seen.get(name);
    if (previous === undefined || previous.size !== observation.size || previous.mtimeMs !== observation.mtimeMs) {
      this.seen.set(name, { ...observation, since: nowMs });
      return 'changed';
    }
    return observation.size > 0 && nowMs - previous.since >= this.stableForMs ? 'complete' : 'waiting';
  }

  forget(name: string): void {
    this.seen.delete(name);
  }

  /** Names seen but not yet complete. */
  get pending(): number {
    return this.seen.size;
  }
}

/** Remembers which files were taken. Inject a persistent one to survive restarts. */
export interface TakenLedger {
  has(key: string): boolean;
  add(key: string): void;
  delete(key: string): void;
}

export function memoryLedger(): TakenLedger {
  const keys = new Set<string>();
  return {
    has: (key) => keys.has(key),
    add: (key) => void keys.add(key),
    delete: (key) => void keys.delete(key),
  };
}

/** Identity of one version of a file: a rewritten `scan.pdf` is a new file. */
export const takenKey = (name: string, o: FileObservation): string => `${name}\u0000${o.size}\u0000${o.mtimeMs}`;

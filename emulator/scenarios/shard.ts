// `--shard <i>/<n>`: the i-th of n stable slices of the selected scenarios, so a CI matrix of n jobs
// runs every scenario exactly once. Slices are contiguous runs of the scenarios in their usual order
// (files sorted by path, scenarios in file order) and differ in size by at most one, as Playwright
// splits its tests (packages/playwright/src/runner/testGroups.ts, filterForCurrentShard).
import { EmulatorError } from '../core/errors';

export interface Shard {
    /** 1-based. */
    current: number;
    total: number;
}

export function parseShard(text: string): Shard {
    const match = /^\s*(\d+)\s*\/\s*(\d+)\s*$/.exec(text);
    const current = match ? Number(match[1]) : NaN;
    const total = match ? Number(match[2]) : NaN;
    if (!match || total < 1 || current < 1 || current > total) {
        throw new EmulatorError(
            'bad_usage',
            `--shard "${text}": expected <index>/<total> with 1 ≤ index ≤ total, e.g. --shard 2/4 runs the second of four slices.`
        );
    }
    return { current, total };
}

/** The scenarios of one shard; the shards 1..total together hold each item exactly once. */
export function shardOf<T>(items: readonly T[], shard: Shard): T[] {
    const size = Math.floor(items.length / shard.total);
    const extra = items.length - size * shard.total;
    const index = shard.current - 1;
    const from = size * index + Math.min(extra, index);
    return items.slice(from, from + size + (index < extra ? 1 : 0));
}

// Sorted string lists kept up to date one insertion or removal at a time, in the order of
// Array.prototype.sort() without a comparator (UTF-16 code units), so that a list kept this way
// equals the same strings sorted from scratch.

/** The index of the first element not less than `value`. */
function lowerBound(list: readonly string[], value: string): number {
    let low = 0;
    let high = list.length;
    while (low < high) {
        const mid = (low + high) >>> 1;
        if ((list[mid] ?? value) < value) low = mid + 1;
        else high = mid;
    }
    return low;
}

/** Inserts `value` unless it is there already. */
export function insertSorted(list: string[], value: string): void {
    const at = lowerBound(list, value);
    if (list[at] !== value) list.splice(at, 0, value);
}

/** Removes `value` if it is there. */
export function removeSorted(list: string[], value: string): void {
    const at = lowerBound(list, value);
    if (list[at] === value) list.splice(at, 1);
}

/**
 * A set of strings that can also be listed sorted. The sorted list is built on demand (one sort
 * after a bulk load) and then kept up to date by binary insertion, so one change costs no sort.
 */
export class SortedSet {
    private readonly members = new Set<string>();
    private order: string[] | undefined = [];
    /** Insertions since the list was last asked for. */
    private inserted = 0;

    get size(): number {
        return this.members.size;
    }

    has(value: string): boolean {
        return this.members.has(value);
    }

    /** Returns whether `value` was new. */
    add(value: string): boolean {
        if (this.members.has(value)) return false;
        this.members.add(value);
        // Many additions before the next listing (a load): sort once then, not insert one by one.
        if (++this.inserted > 32) this.order = undefined;
        if (this.order) insertSorted(this.order, value);
        return true;
    }

    /** Returns whether `value` was there. */
    delete(value: string): boolean {
        if (!this.members.delete(value)) return false;
        if (this.order) removeSorted(this.order, value);
        return true;
    }

    /** The members, sorted. The list is live: copy it before changing the set while iterating. */
    sorted(): readonly string[] {
        this.inserted = 0;
        this.order ??= [...this.members].sort();
        return this.order;
    }
}

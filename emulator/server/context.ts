// What every route of the emulator server shares: the project root, its fixtures (re-read when the
// file changes), its state (read on each request; written atomically under the same file locks that
// runs take), one warm Emulator for /_emulator runs, and a journal of what the server did.
import { statSync } from 'node:fs';
import path from 'node:path';
import { EmulatorError } from '../core/errors';
import { fixturesPath, loadFixtures, type Fixtures } from '../fixtures/fixtures';
import { Emulator, type EmulatorOptions } from '../core/lifecycle';
import { withFileLock } from '../state/lock';
import { Redactor, fixtureSecrets } from '../core/redact';
import { DEBUG_TIMEOUT_MS, DEFAULT_TIMEOUT_MS } from '../core/limits';
import { lockDir, readState, withConnectionLock, writeState, type ConnectionRecord, type EmulatorState } from '../state/state';
import type { Deployment } from './deploy-api';

export interface ProxyJournalEntry {
    seq: number;
    at: string;
    kind: 'proxy';
    connectionId: string;
    integration: string;
    method: string;
    /** The provider URL the request was sent to (secrets redacted). */
    url: string;
    /** null when nothing answered (no fixture matched, or a user msw handler failed). */
    status: number | null;
    durationMs: number;
    account?: string;
    matchedBy?: string;
    unmatched?: true;
    error?: string;
}

export interface MetadataJournalEntry {
    seq: number;
    at: string;
    kind: 'metadata';
    connectionId: string;
    integration: string;
    /** POST replaces the metadata (setMetadata), PATCH merges into it (updateMetadata). */
    method: 'POST' | 'PATCH';
    /** The connection's metadata after the write. */
    metadata: Record<string, unknown>;
}

/** A triggerAction / triggerSync / startSync call, answered from the fixtures (flow-api.ts). */
export interface FlowJournalEntry {
    seq: number;
    at: string;
    kind: 'flow';
    call: 'triggerAction' | 'triggerSync' | 'startSync';
    integration: string;
    /** Absent when a sync call names no connection (it then applies to every connection). */
    connectionId?: string;
    /** The action's name, or the syncs named ("name" or "name::variant"). */
    names: string[];
    /** The action's input (left out when larger than 16 KB as JSON). */
    input?: unknown;
    /** The status answered, and Nango's error code when it failed. */
    status: number;
    error?: string;
}

export type JournalEntry = ProxyJournalEntry | MetadataJournalEntry | FlowJournalEntry;
type NewJournalEntry = Omit<ProxyJournalEntry, 'seq' | 'at'> | Omit<MetadataJournalEntry, 'seq' | 'at'> | Omit<FlowJournalEntry, 'seq' | 'at'>;

/** The last requests the server answered on behalf of a provider, and the metadata writes it made. */
export class Journal {
    private entries: JournalEntry[] = [];
    private seq = 0;
    constructor(
        /** Every entry passes through it on the way in: what the journal holds can be served as it is. */
        private readonly redact: <T>(entry: T) => T,
        private readonly max = 1000
    ) {}

    add(entry: NewJournalEntry): JournalEntry {
        const full = this.redact({ ...entry, seq: ++this.seq, at: new Date().toISOString() } as JournalEntry);
        this.entries.push(full);
        if (this.entries.length > this.max) this.entries.splice(0, this.entries.length - this.max);
        return full;
    }

    list(filter: { since?: number; connectionId?: string } = {}): JournalEntry[] {
        return this.entries.filter(
            (e) => (filter.since === undefined || e.seq > filter.since) && (filter.connectionId === undefined || e.connectionId === filter.connectionId)
        );
    }

    /** The sequence number of the last entry: pass it as `since` to see only what comes next. */
    get last(): number {
        return this.seq;
    }

    clear(): void {
        this.entries = [];
    }
}

export interface ServerContextOptions extends EmulatorOptions {
    /** Access log and warnings (already redacted); nothing is printed when absent. */
    log?: (line: string) => void;
}

export class ServerContext {
    readonly root: string;
    readonly journal = new Journal((entry) => this.redactor().value(entry));
    readonly startedAt = new Date();
    /** What POST /sync/deploy accepted, oldest first (in memory only; deploy-api.ts). */
    readonly deployments: Deployment[] = [];
    private fixturesCache: { key: string; fixtures: Fixtures } | undefined;
    private emulatorCache: { key: string; emulator: Emulator } | undefined;
    private queue: Promise<unknown> = Promise.resolve();
    /**
     * How many requests each faulted fixture (`fault.times`) has failed, per connection. A run counts
     * from zero; here a run is a `nango dryrun`, which starts with GET /connection/:id (see
     * startedDryRun), or everything since the last reset or fixture change.
     */
    private faultCounts = new Map<string, Map<number, number>>();
    private faultCountsKey = '';

    constructor(
        root: string,
        readonly options: ServerContextOptions = {}
    ) {
        this.root = path.resolve(root);
    }

    get fixturesFile(): string {
        return fixturesPath(this.root);
    }

    get timeoutMs(): number {
        return this.options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    }

    log(line: string): void {
        this.options.log?.(this.redactor().text(line));
    }

    private fixturesKey(): string {
        const st = statSync(this.fixturesFile, { throwIfNoEntry: false });
        return st ? `${st.ino}:${st.size}:${st.mtimeMs}` : 'missing';
    }

    /** The fixtures, re-read whenever the file changed (e.g. after `import-recording`). */
    fixtures(): Fixtures {
        const key = this.fixturesKey();
        if (this.fixturesCache?.key !== key) this.fixturesCache = { key, fixtures: loadFixtures(this.root) };
        return this.fixturesCache.fixtures;
    }

    private disposed = false;

    /**
     * A warm Emulator (its worker process stays up between runs); replaced when the fixtures change.
     * Call it only inside serialize(): replacing it stops the worker of a run in progress.
     */
    emulator(): Emulator {
        this.fixtures();
        // The key fixtures() just checked: one stat of the fixtures file per run, not two.
        const key = this.fixturesCache?.key ?? this.fixturesKey();
        if (this.emulatorCache?.key !== key) {
            this.emulatorCache?.emulator.dispose();
            this.emulatorCache = { key, emulator: new Emulator(this.root, this.runOptions()) };
        }
        return this.emulatorCache.emulator;
    }

    /**
     * The options of this server's runs. With an inspector port, the handler worker waits there for a
     * debugger before running anything, under the debugger's time limit (the editor's Debug).
     */
    runOptions(inspectPort?: number): EmulatorOptions {
        const { log: _log, ...emulatorOptions } = this.options;
        if (inspectPort === undefined) return emulatorOptions;
        return { ...emulatorOptions, timeoutMs: DEBUG_TIMEOUT_MS, workerExecArgv: [`--inspect-brk=127.0.0.1:${inspectPort}`] };
    }

    faultCountsFor(integration: string, connectionId: string): Map<number, number> {
        const key = this.fixturesCache?.key ?? '';
        if (key !== this.faultCountsKey) {
            this.faultCounts.clear();
            this.faultCountsKey = key;
        }
        const id = `${integration}/${connectionId}`;
        let counts = this.faultCounts.get(id);
        if (!counts) this.faultCounts.set(id, (counts = new Map()));
        return counts;
    }

    /** A new run on this connection: its fixture faults count from zero again. */
    startedDryRun(integration: string, connectionId: string): void {
        this.faultCounts.delete(`${integration}/${connectionId}`);
    }

    resetFaultCounts(): void {
        this.faultCounts.clear();
    }

    state(): EmulatorState {
        return readState(this.root, this.fixtures());
    }

    liveConnection(connectionId: string): ConnectionRecord | undefined {
        const c = this.state().connections[connectionId];
        return c && c.status !== 'deleted' ? c : undefined;
    }

    /** Every credential the fixtures define: none of them may appear in a log line. */
    redactor(): Redactor {
        let fixtures: Fixtures;
        try {
            fixtures = this.fixtures();
        } catch {
            return new Redactor([]);
        }
        return new Redactor(fixtureSecrets(fixtures));
    }

    /** Runs one at a time: lifecycle runs and resets share the warm worker and the state. */
    serialize<T>(fn: () => Promise<T> | T): Promise<T> {
        const next = this.queue.then(fn, fn);
        this.queue = next.catch(() => undefined);
        return next;
    }

    /**
     * Changes one connection in the state the way runs do (lifecycle.ts): under the connection's lock
     * and the state lock, re-reading the state so concurrent changes to other connections are kept,
     * and writing it atomically.
     */
    async updateConnection(connectionId: string, change: (c: ConnectionRecord) => ConnectionRecord): Promise<ConnectionRecord> {
        const waitMs = this.timeoutMs + 10_000;
        return withConnectionLock(this.root, this.options.stateDir, connectionId, waitMs, () =>
            withFileLock(path.join(lockDir(this.root, this.options.stateDir), 'state.lock'), waitMs, () => {
                const state = this.state();
                const current = state.connections[connectionId];
                if (!current || current.status === 'deleted') {
                    throw new EmulatorError('unknown_connection', `connection "${connectionId}" was deleted while the request waited`);
                }
                const next = change(structuredClone(current));
                state.connections[connectionId] = next;
                writeState(this.root, state, this.options.stateDir);
                return next;
            })
        );
    }

    /**
     * Starts the handler worker ahead of the first run (`serve` calls it once it listens): the editor's
     * first click should not wait for it. Bad fixtures are left for that run to report.
     */
    warmUp(): Promise<void> {
        return this.serialize(() => {
            if (!this.disposed) this.emulator().warmUp();
        }).catch(() => undefined);
    }

    dispose(): void {
        this.disposed = true;
        this.emulatorCache?.emulator.dispose();
        this.emulatorCache = undefined;
    }
}

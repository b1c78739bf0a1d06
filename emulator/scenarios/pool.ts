// Handler workers shared by the scenarios of one run: starting a worker process costs about as much as
// running a whole scenario, so each lane of a parallel run keeps one and lends it to scenario after
// scenario. Reuse is safe because the worker builds a fresh vm context for every handler run and
// retires itself (the next run starts a new process) when a run changed what runs share
// (emulator/sandbox/surface-guard.ts).
import { HandlerWorker } from '../core/runner';

export interface WorkerPoolOptions {
    /** The nango-integrations root whose handlers the workers run. */
    root: string;
    /** How many workers at most (one per parallel lane). */
    size: number;
    /** Node flags for the workers, e.g. to debug. */
    execArgv?: string[];
    memoryLimitMb?: number;
}

export class WorkerPool {
    private readonly idle: HandlerWorker[] = [];
    private readonly all: HandlerWorker[] = [];
    private readonly waiting: ((worker: HandlerWorker) => void)[] = [];
    private disposed = false;

    constructor(private readonly options: WorkerPoolOptions) {}

    get size(): number {
        return Math.max(1, this.options.size);
    }

    /** A worker no other scenario uses until it is released; waits when all are lent. */
    acquire(): Promise<HandlerWorker> {
        const free = this.idle.pop();
        if (free) return Promise.resolve(free);
        if (this.all.length < this.size) {
            const worker = new HandlerWorker({
                projectRoot: this.options.root,
                ...(this.options.execArgv ? { execArgv: this.options.execArgv } : {}),
                ...(this.options.memoryLimitMb ? { memoryLimitMb: this.options.memoryLimitMb } : {})
            });
            this.all.push(worker);
            return Promise.resolve(worker);
        }
        return new Promise((resolve) => this.waiting.push(resolve));
    }

    release(worker: HandlerWorker): void {
        if (this.disposed) return worker.dispose();
        const next = this.waiting.shift();
        if (next) next(worker);
        else this.idle.push(worker);
    }

    /** Ends every worker process; workers lent out end when they come back. */
    dispose(): void {
        this.disposed = true;
        for (const worker of this.all) worker.dispose();
        this.idle.length = 0;
    }
}

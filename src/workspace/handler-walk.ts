// The one walk of a handler's syntax tree: both scans look at every node, and walking the tree
// twice cost about as much as the looking.
import ts from 'typescript';
import type { CallScan } from './handler-calls';
import type { RuntimeScan } from './runtime-analysis';

const { forEachChild } = ts;

/**
 * Brings every node of `source`, in source order, to `calls`, and to `runtime` the nodes it asks
 * for: below a node its `enter` declines (a type, `typeof x` …), only `calls` looks. Either may be
 * left out, when a look at the text proved it would find nothing (see callScanCanReport and
 * RuntimeScan.needsWalk); without both, there is no walk.
 */
export function walkHandler(source: ts.SourceFile, calls: CallScan | undefined, runtime: RuntimeScan | undefined): void {
    if (calls || runtime) new HandlerWalk(calls, runtime).visit(source);
}

class HandlerWalk {
    /** The nodes the walk is below (the file first) while `runtime` follows it. */
    private readonly parents: ts.Node[] = [];
    /** True inside a subtree `runtime` declined (or when there is no runtime scan). */
    private runtimeDeclined: boolean;
    /** `visit` as a callback of forEachChild, made once. */
    private readonly visitChild = (node: ts.Node): void => this.visit(node);

    constructor(
        private readonly calls: CallScan | undefined,
        private readonly runtime: RuntimeScan | undefined
    ) {
        this.runtimeDeclined = runtime === undefined;
    }

    visit(node: ts.Node): void {
        const { calls, runtime } = this;
        calls?.visit(node);
        if (this.runtimeDeclined || !runtime) {
            forEachChild(node, this.visitChild);
            return;
        }
        const { parents } = this;
        const depth = parents.length;
        if (!runtime.enter(node, parents[depth - 1], parents[depth - 2])) {
            if (!calls) return;
            this.runtimeDeclined = true;
            forEachChild(node, this.visitChild);
            this.runtimeDeclined = false;
            return;
        }
        parents.push(node);
        forEachChild(node, this.visitChild);
        parents.pop();
        runtime.leave(node);
    }
}

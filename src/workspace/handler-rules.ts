// Rules that need only one handler file: event name, default export, records, connection_config,
// and what Nango's runtime refuses (runtime-rules.ts).
import type { HandlerFacts } from './handler-analysis';
import { runtimeProblems } from './runtime-rules';
import { DOCS, EVENT_NAMES, ProblemCode, isEventName, problem } from './types';
import type { Problem, QuickFix } from './types';

const EVENT_LIST = EVENT_NAMES.map((e) => `'${e}'`).join(', ');

export function handlerProblems(file: string, facts: HandlerFacts): Problem[] {
    return [
        ...eventProblems(file, facts),
        ...defaultExportProblems(file, facts),
        ...recordProblems(file, facts),
        ...connectionConfigProblems(file, facts),
        ...runtimeProblems(file, facts.runtime)
    ];
}

function eventProblems(file: string, facts: HandlerFacts): Problem[] {
    const createOnEvent = facts.createOnEvent;
    if (!createOnEvent) return [];
    const event = createOnEvent.event;
    if (event.kind === 'missing') {
        const fixes = EVENT_NAMES.map((name): QuickFix => ({
            title: `Add event: '${name}'`,
            edits: [{ file, range: event.insertion.range, newText: `${event.insertion.prefix}event: '${name}'${event.insertion.suffix}` }]
        }));
        return [
            problem({
                code: ProblemCode.MissingEvent,
                severity: 'error',
                file,
                range: createOnEvent.nameRange,
                message: `createOnEvent() has no \`event\`, so Nango cannot tell when to run it. Add \`event:\` with one of ${EVENT_LIST}.`,
                docsUrl: DOCS.chooseEvent,
                fixes
            })
        ];
    }
    if (event.kind === 'literal' && isEventName(event.value)) return [];
    if (event.kind !== 'literal' && event.kind !== 'not-a-string') return [];

    const written = event.kind === 'literal' ? `'${event.value}'` : event.text;
    // Keep the user's quotes; a non-string literal gets the docs' single quotes.
    const quote = event.kind === 'literal' ? event.quote : "'";
    const ranked = rankBySimilarity(event.kind === 'literal' ? event.value : event.text);
    const fixes = ranked.map(({ name, preferred }): QuickFix => ({
        title: `Change event to '${name}'`,
        edits: [{ file, range: event.range, newText: `${quote}${name}${quote}` }],
        ...(preferred ? { isPreferred: true } : {})
    }));
    return [
        problem({
            code: ProblemCode.InvalidEvent,
            severity: 'error',
            file,
            range: event.range,
            message: `${written} is not a Nango lifecycle event, so this function would never run. Use one of ${EVENT_LIST}.`,
            docsUrl: DOCS.chooseEvent,
            fixes
        })
    ];
}

/** Valid names, closest first; the closest is preferred when it is clearly a typo of it. */
function rankBySimilarity(written: string): { name: string; preferred: boolean }[] {
    const scored = EVENT_NAMES.map((name) => ({ name, distance: editDistance(written.toLowerCase(), name) })).sort((a, b) => a.distance - b.distance);
    const [best, second] = scored;
    const clearTypo = best !== undefined && best.distance <= Math.max(3, Math.floor(best.name.length / 3)) && best.distance < (second?.distance ?? Infinity);
    return scored.map(({ name }, index) => ({ name, preferred: clearTypo && index === 0 }));
}

function editDistance(a: string, b: string): number {
    let previous = Array.from({ length: b.length + 1 }, (_, i) => i);
    for (let i = 1; i <= a.length; i++) {
        const current = [i];
        for (let j = 1; j <= b.length; j++) {
            current[j] = Math.min((previous[j] ?? 0) + 1, (current[j - 1] ?? 0) + 1, (previous[j - 1] ?? 0) + (a[i - 1] === b[j - 1] ? 0 : 1));
        }
        previous = current;
    }
    return previous[b.length] ?? 0;
}

const WRONG_KIND_ADVICE: Record<string, string> = {
    createAction: 'createAction(...) defines an action; actions live in <integration>/actions/.',
    createSync: 'createSync(...) defines a sync; syncs live in <integration>/syncs/.'
};

function defaultExportProblems(file: string, facts: HandlerFacts): Problem[] {
    const exported = facts.defaultExport;
    if (exported.kind === 'create-on-event') return [];
    const expected = 'Files under on-events/ must `export default createOnEvent({ ... })`.';
    let message: string;
    let range = facts.firstLineRange;
    if (exported.kind === 'missing') {
        message = exported.namedExport
            ? `createOnEvent(...) is exported as \`${exported.namedExport}\`, not as the default export, so Nango does not load it. ${expected}`
            : `This file has no default export, so Nango finds no event function in it. ${expected}`;
        if (exported.namedExport && facts.createOnEvent) range = facts.createOnEvent.nameRange;
    } else {
        const advice = exported.callee ? WRONG_KIND_ADVICE[exported.callee] : undefined;
        message = `The default export is ${exported.found}, not createOnEvent(...). ${advice ? `${advice} ` : ''}${expected}`;
        range = exported.range;
    }
    return [problem({ code: ProblemCode.NoCreateOnEventExport, severity: 'error', file, range, message, docsUrl: DOCS.setupFunction, fixes: [] })];
}

function recordProblems(file: string, facts: HandlerFacts): Problem[] {
    return facts.batchCalls.map((call) =>
        problem({
            code: ProblemCode.RecordsUnavailable,
            severity: 'error',
            file,
            range: call.range,
            message:
                `Event functions cannot save records: ${call.callee}() is not available in createOnEvent() (only syncs save records). ` +
                'Remove the call; write to the provider API instead, or keep small per-connection state with nango.setMetadata().',
            docsUrl: DOCS.eventFunctions,
            fixes: []
        })
    );
}

function connectionConfigProblems(file: string, facts: HandlerFacts): Problem[] {
    const event = facts.createOnEvent?.event;
    if (event?.kind !== 'literal' || event.value !== 'validate-connection') return [];
    const seen = new Set<string>();
    const problems: Problem[] = [];
    for (const comparison of facts.connectionConfigComparisons) {
        const key = `${comparison.readRange.start.line}:${comparison.readRange.start.character}`;
        if (seen.has(key)) continue;
        seen.add(key);
        problems.push(
            problem({
                code: ProblemCode.ConnectionConfigAccountCheck,
                severity: 'warning',
                file,
                range: comparison.readRange,
                message:
                    'Comparing connection_config cannot detect an account switch: on reconnect, Nango upserts the new credentials and overwrites ' +
                    'connection_config BEFORE validate-connection runs, so it already describes the account the user just authenticated with. ' +
                    'Store the provider account id in metadata (in post-connection-creation or on the first validation) and compare it here with ' +
                    'the id from a live identity API call (snippet: nango-same-account).',
                docsUrl: DOCS.validationFunction,
                related: [{ location: { file, range: comparison.comparisonRange }, message: 'compared here' }],
                fixes: []
            })
        );
    }
    return problems;
}

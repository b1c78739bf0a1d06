// Which scenarios a change of files can change the outcome of, for `nango-emulator test --watch` and
// the editor's continuous run:
// - a scenario file: its scenarios;
// - fixtures.json: the scenarios of the integrations whose entry changed, or all when the environment,
//   the connections or anything outside `integrations` changed (or the file cannot be read);
// - index.ts, package.json, tsconfig.json, .nango-emulator/handlers.ts and what it imports: all (they
//   decide what runs, and how, for every integration);
// - any other file: the scenarios of each integration one of whose handler bundles holds the file
//   (esbuild's list of a bundle's inputs, kept by the compile cache). A file no compiled bundle holds
//   yet: its integration's scenarios when it lies in an integration's folder, else none.
// Nango type-checks the whole project, so a type error anywhere fails every scenario; the watch does not
// re-run all of them for that (it would defeat the point), and the next full run reports it.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { FIXTURES_DIR, fixturesPath } from '../fixtures/fixtures';
import { compiledBundleInputs } from '../project/compile';
import { listHandlerFiles } from '../project/project';
import type { Scenario } from './format';
import { scenariosDir } from './load';

/** Folders no handler, fixture or scenario lives in (or that tools write). */
const SKIPPED_FOLDERS = new Set(['node_modules', '.git', 'dist', 'build']);
const WATCHED_FILE = /\.(ts|mts|cts|js|mjs|cjs|json)$/;

/** A file whose change a watch looks at: code and JSON of the project; of .nango-emulator only what the user writes. */
export function isWatchedProjectFile(root: string, file: string): boolean {
    const parts = path.relative(root, file).split(path.sep);
    if (!WATCHED_FILE.test(file) || parts[0] === '..' || parts.some((p) => SKIPPED_FOLDERS.has(p))) return false;
    if (parts[0] !== FIXTURES_DIR) return true;
    return /^(fixtures\.json|handlers\.ts|scenarios[\\/].*\.json)$/.test(parts.slice(1).join('/'));
}

/** A folder a watch never walks into. */
export function isSkippedFolder(name: string): boolean {
    return SKIPPED_FOLDERS.has(name);
}

/** What fixtures.json said, integration by integration, to tell which integrations a change touched. */
export interface FixturesSnapshot {
    /** JSON text of each integration's entry; undefined when the file could not be read. */
    integrations?: Map<string, string>;
    /** JSON text of everything else (environment, connections, …). */
    rest?: string;
}

export function fixturesSnapshot(root: string): FixturesSnapshot {
    try {
        const { integrations, ...rest } = JSON.parse(readFileSync(fixturesPath(root), 'utf8')) as { integrations?: Record<string, unknown> };
        return {
            integrations: new Map(Object.entries(integrations ?? {}).map(([k, v]) => [k, JSON.stringify(v)])),
            rest: JSON.stringify(rest)
        };
    } catch {
        return {};
    }
}

/** The integrations whose fixtures differ between two snapshots; 'all' when more than integrations changed. */
function changedIntegrations(before: FixturesSnapshot, after: FixturesSnapshot): Set<string> | 'all' {
    if (!before.integrations || !after.integrations || before.rest !== after.rest) return 'all';
    const changed = new Set<string>();
    for (const key of new Set([...before.integrations.keys(), ...after.integrations.keys()])) {
        if (before.integrations.get(key) !== after.integrations.get(key)) changed.add(key);
    }
    return changed;
}

/** Files whose change can affect every scenario of the project. */
function isProjectWide(root: string, file: string): boolean {
    const rel = path.relative(root, file);
    return ['index.ts', 'package.json', 'tsconfig.json', path.join(FIXTURES_DIR, 'handlers.ts')].includes(rel);
}

export interface AffectedQuery {
    root: string;
    /** The scenarios as loaded after the change. */
    scenarios: Scenario[];
    /** Absolute paths of the files that changed (created, written or deleted). */
    changed: string[];
    /** fixtures.json before the change (fixturesSnapshot); without it a fixtures change affects all. */
    fixturesBefore?: FixturesSnapshot;
    /** fixtures.json after it. */
    fixturesAfter?: FixturesSnapshot;
}

/** The scenarios the changed files can affect, in the order of `scenarios`. */
export function affectedScenarios(q: AffectedQuery): Scenario[] {
    const root = path.resolve(q.root);
    const integrations = new Set<string>();
    const files = new Set<string>();
    let all = false;
    const handlerIntegration = new Map(listHandlerFiles(root).map((h) => [path.resolve(h.file), h.integration]));
    const bundles = compiledBundleInputs(root).map((inputs) => inputs.map((f) => path.resolve(root, f)));
    const scenarioDir = scenariosDir(root) + path.sep;
    for (const raw of q.changed) {
        const file = path.resolve(raw);
        if (file.startsWith(scenarioDir)) {
            files.add(file);
        } else if (file === fixturesPath(root)) {
            const changed = changedIntegrations(q.fixturesBefore ?? {}, q.fixturesAfter ?? fixturesSnapshot(root));
            if (changed === 'all') all = true;
            else for (const i of changed) integrations.add(i);
        } else if (isProjectWide(root, file)) {
            all = true;
        } else {
            const holders = bundles.filter((inputs) => inputs.includes(file));
            // The msw handlers file (emulator configuration) answers every integration's requests.
            if (holders.some((inputs) => inputs.some((f) => isProjectWide(root, f)))) all = true;
            for (const inputs of holders) {
                for (const f of inputs) {
                    const integration = handlerIntegration.get(f);
                    if (integration) integrations.add(integration);
                }
            }
            const own = handlerIntegration.get(file) ?? integrationFolderOf(root, file, q.scenarios);
            if (!holders.length && own) integrations.add(own);
        }
    }
    if (all) return q.scenarios;
    return q.scenarios.filter((s) => files.has(path.resolve(s.file)) || integrations.has(s.integration));
}

/** The integration whose folder holds the file (`<root>/<integration>/…`), when a scenario uses it. */
function integrationFolderOf(root: string, file: string, scenarios: Scenario[]): string | undefined {
    const [first, ...rest] = path.relative(root, file).split(path.sep);
    if (!first || !rest.length || first.startsWith('..')) return undefined;
    return scenarios.some((s) => s.integration === first) ? first : undefined;
}

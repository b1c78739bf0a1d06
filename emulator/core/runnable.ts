// What Nango would build from a project before any handler runs: only the files index.ts imports, and
// only when they pass the type check `nango compile` does. The emulator answers the same way, so a
// project Nango refuses is refused here, with the errors, instead of running green.
import path from 'node:path';
import { EmulatorError } from './errors';
import { importedFiles, listHandlerFiles, notImportedMessage, type HandlerFile } from '../project/project';
import { typecheckProject, type TypeDiagnostic } from '../typecheck';

/** The integration's handler files Nango would run, and a warning for each one it would not. */
export function runnableHandlers(root: string, integration: string): { files: HandlerFile[]; warnings: string[] } {
    const imported = importedFiles(root);
    const all = listHandlerFiles(root).filter((h) => h.integration === integration);
    return {
        files: all.filter((h) => imported.has(h.file)),
        warnings: all.filter((h) => !imported.has(h.file)).map((h) => `${notImportedMessage(root, h)} It was skipped.`)
    };
}

/** Refuses a handler index.ts does not import: Nango has nothing of it to run. */
export function requireImported(root: string, handler: HandlerFile): void {
    if (!importedFiles(root).has(handler.file)) throw new EmulatorError('handler_not_imported', notImportedMessage(root, handler));
}

const SHOWN_DIAGNOSTICS = 20;

function formatDiagnostic(d: TypeDiagnostic): string {
    return `${d.file ? `${d.file}:${d.line}:${d.column}` : '(project)'} - error ${d.code}: ${d.message.replace(/\n/g, '\n    ')}`;
}

/**
 * Type-checks the project as `nango compile` does. Throws typecheck_failed (bad input) with the errors;
 * returns a warning when the check could not run (no node_modules), nothing otherwise.
 */
export function checkTypesAsNangoCompiles(root: string): string[] {
    const result = typecheckProject(root);
    if (result.status === 'skipped') return [`type check skipped: ${result.reason}`];
    if (result.status === 'passed') return [];
    const shown = result.diagnostics.slice(0, SHOWN_DIAGNOSTICS).map(formatDiagnostic);
    const more = result.diagnostics.length - shown.length;
    throw new EmulatorError(
        'typecheck_failed',
        `nango compile would refuse this project: it type-checks every file ${path.join(root, 'index.ts')} imports, and found ${result.diagnostics.length} error${result.diagnostics.length === 1 ? '' : 's'}:\n  ${shown.join('\n  ')}${more > 0 ? `\n  … and ${more} more` : ''}\nFix them, or pass --no-typecheck to run anyway (Nango will not deploy it).`
    );
}

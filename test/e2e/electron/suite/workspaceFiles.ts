// Shared by ../workspace.ts (which writes it) and the suite (which checks what the extension makes of
// it). No imports: the suite bundle must not pull in the harness.

/** An event function index.ts does NOT import, relative to the nango-integrations folder. */
export const UNIMPORTED_HANDLER = 'github/on-events/audit-removal.ts';

export const UNIMPORTED_HANDLER_SOURCE = `import { createOnEvent } from 'nango';

export default createOnEvent({
    description: 'Log GitHub connections that are about to be deleted',
    event: 'pre-connection-deletion',
    exec: async (nango) => {
        await nango.log('GitHub connection is being deleted');
    }
});
`;

/** The names of the multi-root workspace's two folders (each a copy of the example). */
export const MULTI_ROOT_FOLDERS = ['team-a', 'team-b'] as const;

/** The second folder's GitHub connection (gh-admin in the example), renamed so runs show their folder. */
export const SECOND_FOLDER_CONNECTION = 'gh-admin-team-b';

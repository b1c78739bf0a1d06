// The recording `nango dryrun --save-responses` writes (nango 0.71.10, ResponseCollector.saveUnifiedMock),
// its schema and its parsing:
//   { input?, output?, nango: { getConnection, getMetadata, … },
//     api: { <method>: { "/<endpoint>": Entry | Entry[] } } }
//   Entry = { response, status, headers, hash, request: { params?, headers?, data? } }
// Proxy calls are keyed by the provider endpoint ("/user"); Nango's own API calls keep their slash
// and get a second one ("//integrations/github").
import * as z from 'zod';
import { EmulatorError } from '../core/errors';
import { describeIssues } from '../fixtures/fixtures';

export const HeaderValue = z.union([z.string(), z.number(), z.boolean(), z.array(z.string()), z.null()]);

export const RecordedEntrySchema = z.object({
    response: z.unknown().optional(),
    status: z.number().int().min(100).max(599),
    headers: z.record(z.string(), HeaderValue).optional(),
    hash: z.string().optional(),
    request: z
        .object({
            params: z.record(z.string(), z.union([z.string(), z.number(), z.boolean()])).optional(),
            headers: z.record(z.string(), z.unknown()).optional(),
            data: z.unknown().optional()
        })
        .optional()
});
export type RecordedEntry = z.infer<typeof RecordedEntrySchema>;

export const RecordingSchema = z.object({
    input: z.unknown().optional(),
    output: z.unknown().optional(),
    nango: z.record(z.string(), z.unknown()).optional(),
    // One entry per endpoint, or an array once the same endpoint was called with different requests.
    api: z.record(
        z.string(),
        z.record(
            z.string(),
            z.preprocess((v) => (Array.isArray(v) ? v : [v]), z.array(RecordedEntrySchema))
        )
    )
});
export type Recording = z.infer<typeof RecordingSchema>;
export type RecordingInput = z.input<typeof RecordingSchema>;

export function parseRecording(text: string, file: string): Recording {
    let json: unknown;
    try {
        json = JSON.parse(text);
    } catch (err) {
        throw new EmulatorError(
            'bad_usage',
            `${file}: not valid JSON (${(err as Error).message}). Pass the file "nango dryrun --save-responses" wrote: <integration>/tests/<function>.test.json.`
        );
    }
    const parsed = RecordingSchema.safeParse(json);
    if (!parsed.success) {
        throw new EmulatorError(
            'bad_usage',
            `${describeIssues(file, parsed.error.issues)}\n${file} is not a recording of "nango dryrun --save-responses" (expected { "api": { "<method>": { "/<endpoint>": { "response", "status", "headers", … } } } }).`
        );
    }
    return parsed.data;
}

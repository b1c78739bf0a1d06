// Nango's providers catalogue (the slice scripts/build.mjs extracts from @nangohq/providers) and its
// lookup by provider name.
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';

export interface ProviderPagination {
    type: 'cursor' | 'link' | 'offset';
    limit_name_in_request?: string;
    cursor_path_in_response?: string;
    cursor_name_in_request?: string;
    response_path?: string;
    link_rel_in_response_header?: string;
    link_path_in_response_body?: string;
    offset_name_in_request?: string;
    offset_start_value?: number;
    offset_calculation_method?: 'per-page' | 'by-response-size';
    limit?: number;
}

export interface ProviderInfo {
    display_name?: string;
    auth_mode?: string;
    /** OAUTH1 only; absent from the slim catalogue today (then HMAC-SHA1, Nango's hash for every OAUTH1 provider). */
    signature_method?: string;
    proxy?: {
        base_url?: string;
        headers?: Record<string, string>;
        query?: Record<string, string>;
        paginate?: ProviderPagination;
        retry?: unknown;
        decompress?: boolean;
    };
    docs?: string;
}

let catalogue: Record<string, ProviderInfo> | undefined;

/** Nango's providers catalogue, extracted at build time from @nangohq/providers (see scripts/build.mjs). */
export function providersCatalogue(): Record<string, ProviderInfo> {
    if (!catalogue) {
        const candidates = [
            path.join(__dirname, 'providers.json'),
            path.join(__dirname, 'emulator', 'providers.json'),
            // from sources (tests): this file is in emulator/<folder>/
            path.join(__dirname, '..', '..', 'dist', 'emulator', 'providers.json')
        ];
        const file = candidates.find((f) => existsSync(f));
        if (!file) throw new Error(`providers.json not found next to the emulator (looked in ${candidates.join(', ')}); run "npm run build"`);
        catalogue = JSON.parse(readFileSync(file, 'utf8')) as Record<string, ProviderInfo>;
    }
    return catalogue;
}

export function providerInfo(provider: string): ProviderInfo | undefined {
    return providersCatalogue()[provider];
}

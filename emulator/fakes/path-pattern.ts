// Provider request path patterns: one rule for the paths of fixture responses (fixtures.json and a
// scenario's "responses") and the paths of a scenario's request expectations. The syntax is msw's,
// and so is the matching: ":id" matches one segment, "*" matches anything (slashes too, or nothing).
import { matchRequestUrl } from 'msw';

// Fixture responses become msw handlers (worker/provider-fakes.ts), so msw matches them itself; the
// scenario side calls msw's own matchRequestUrl here rather than a copy of it, so the two cannot drift:
// both ignore the query and the hash, compare case-insensitively, and allow a trailing slash.

/** "https://…": a whole URL rather than a path under the connection's base URL. */
export function isAbsolutePattern(pattern: string): boolean {
    return /^[a-z]+:\/\//i.test(pattern);
}

/** The URL pattern of a path under a base URL ("/webhooks/:id" under "https://x.test/api"); an absolute pattern as it is. */
export function patternUnder(base: string, pattern: string): string {
    if (isAbsolutePattern(pattern)) return pattern;
    return base + (pattern.startsWith('/') ? pattern : `/${pattern}`);
}

/** Whether `url` matches the URL pattern `pattern` as an msw handler made with that pattern would; a pattern msw cannot read matches nothing. */
export function matchesUrlPattern(pattern: string, url: URL): boolean {
    try {
        return matchRequestUrl(url, pattern).matches;
    } catch {
        return false;
    }
}

// Stands in for the request's origin when only the end of its path is matched.
const TAIL_ORIGIN = 'http://path-tail.invalid';

/**
 * A scenario's request expectation: an absolute URL pattern must match the whole URL; a path must
 * match the end of the URL's path, from a "/" on, so the base URL's own path need not be written
 * ("/auth.test" matches https://slack.com/api/auth.test, "/test" does not).
 */
export function matchesPathTail(pattern: string, url: string): boolean {
    let target: URL;
    try {
        target = new URL(url);
    } catch {
        return false;
    }
    if (isAbsolutePattern(pattern)) return matchesUrlPattern(pattern, target);
    const wanted = patternUnder(TAIL_ORIGIN, pattern);
    const { pathname } = target;
    // Every end of the path that starts at a segment boundary, and the empty end ("/").
    const tails = ['/'];
    for (let i = pathname.indexOf('/'); i >= 0; i = pathname.indexOf('/', i + 1)) tails.push(pathname.slice(i));
    return tails.some((tail) => matchesUrlPattern(wanted, new URL(TAIL_ORIGIN + tail)));
}

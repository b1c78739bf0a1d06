// Stack frames of code run in a vm context are not source-mapped by Node (--enable-source-maps covers
// modules it loads itself), so the sandbox maps frames of the compiled handler back to the user's
// TypeScript with the inline source map esbuild wrote.
import { SourceMap } from 'node:module';
import path from 'node:path';

const INLINE_MAP = /\/\/# sourceMappingURL=data:application\/json;base64,([A-Za-z0-9+/=]+)\s*$/;

export class CompiledSourceMap {
    private constructor(
        private readonly compiledFile: string,
        private readonly map: SourceMap,
        /** Characters the sandbox's wrapper adds before the compiled code on its first line. */
        private readonly firstLineColumnOffset: number
    ) {}

    static fromCode(code: string, compiledFile: string, firstLineColumnOffset = 0): CompiledSourceMap | undefined {
        const match = INLINE_MAP.exec(code);
        if (!match?.[1]) return undefined;
        try {
            const payload = JSON.parse(Buffer.from(match[1], 'base64').toString('utf8')) as ConstructorParameters<typeof SourceMap>[0];
            return new CompiledSourceMap(compiledFile, new SourceMap(payload), firstLineColumnOffset);
        } catch {
            return undefined;
        }
    }

    /** `file:line:column` (1-based) in the user's source for a (1-based) position V8 reports, or undefined outside the map. */
    original(line: number, column: number): { file: string; line: number; column: number } | undefined {
        const generatedColumn = column - 1 - (line === 1 ? this.firstLineColumnOffset : 0);
        if (generatedColumn < 0) return undefined;
        const entry = this.map.findEntry(line - 1, generatedColumn) as { originalSource?: string; originalLine?: number; originalColumn?: number };
        if (!entry.originalSource || entry.originalLine === undefined || entry.originalColumn === undefined) return undefined;
        const source = entry.originalSource.startsWith('file://')
            ? new URL(entry.originalSource).pathname
            : path.resolve(path.dirname(this.compiledFile), entry.originalSource);
        return { file: source, line: entry.originalLine + 1, column: entry.originalColumn + 1 };
    }

    /**
     * The first frame of `stack` in the compiled file, as a TypeScript location: where user code (the
     * handler, or a module it imports, bundled into the same file) made the call the stack was taken in.
     */
    firstUserFrame(stack: string): { file: string; line: number; column: number } | undefined {
        for (const match of stack.matchAll(this.framePattern())) {
            const original = this.original(Number(match[1]), Number(match[2]));
            // A bundled package's frame (one the project installed) is not the user's call.
            if (original && !/[\\/]node_modules[\\/]/.test(original.file)) return original;
        }
        return undefined;
    }

    private framePattern(): RegExp {
        const escaped = this.compiledFile.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
        return new RegExp(`${escaped}:(\\d+):(\\d+)`, 'g');
    }

    /** The stack with every frame in the compiled file replaced by its TypeScript location. */
    mapStack(stack: string): string {
        return stack.replace(this.framePattern(), (whole, line: string, column: string) => {
            const original = this.original(Number(line), Number(column));
            return original ? `${original.file}:${original.line}:${original.column}` : whole;
        });
    }
}

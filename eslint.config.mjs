// Lint rules for the project's own TypeScript (npm run lint, part of npm test). Formatting is Prettier's
// job (npm run format:check); these catch mistakes.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
    {
        ignores: [
            'node_modules/**',
            'dist/**',
            'test-results/**',
            'bench/results/**',
            'examples/**',
            'test/corpus/**',
            'test/fixtures/**',
            'test/nango-cli/node_modules/**',
            '**/.nango-emulator/**',
            '.vscode-test/**'
        ]
    },
    js.configs.recommended,
    ...tseslint.configs.recommended,
    {
        files: ['**/*.ts'],
        rules: {
            '@typescript-eslint/no-unused-vars': [
                'error',
                { argsIgnorePattern: '^_', varsIgnorePattern: '^_', destructuredArrayIgnorePattern: '^_', caughtErrors: 'none' }
            ],
            // Warnings while the restructure (#14) removes the last of them; then errors.
            '@typescript-eslint/no-non-null-assertion': 'warn',
            '@typescript-eslint/no-this-alias': 'warn',
            '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'inline-type-imports', disallowTypeAnnotations: false }],
            // Lazy require() keeps heavy modules (TypeScript, the core bundle) off the cold path on purpose.
            '@typescript-eslint/no-require-imports': 'off',
            'no-console': 'off',
            eqeqeq: ['error', 'smart']
        }
    },
    {
        // Tests and scripts may assert presence with `!`: a wrong guess fails the test that made it.
        files: ['test/**', 'bench/**', 'scripts/**'],
        rules: { '@typescript-eslint/no-non-null-assertion': 'off', '@typescript-eslint/no-explicit-any': 'off' }
    },
    {
        files: ['**/*.mjs', '**/*.js'],
        languageOptions: {
            globals: {
                process: 'readonly',
                console: 'readonly',
                URL: 'readonly',
                Buffer: 'readonly',
                setTimeout: 'readonly',
                clearTimeout: 'readonly',
                fetch: 'readonly',
                __dirname: 'readonly',
                require: 'readonly',
                module: 'writable'
            }
        }
    }
);

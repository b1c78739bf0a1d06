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
            '@typescript-eslint/no-non-null-assertion': 'error',
            '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'inline-type-imports', disallowTypeAnnotations: false }],
            // Lazy require() keeps heavy modules (TypeScript, the core bundle) off the cold path on purpose.
            '@typescript-eslint/no-require-imports': 'off',
            'no-console': 'off',
            eqeqeq: ['error', 'smart']
        }
    },
    {
        // Pure modules run in plain Node (unit tests, the CLI): never the editor's API.
        files: ['src/workspace/**', 'emulator/**'],
        rules: {
            'no-restricted-imports': ['error', { paths: [{ name: 'vscode', message: 'src/workspace and emulator/ are pure: no vscode import (DESIGN.md).' }] }]
        }
    },
    {
        // One way from the editor to the emulator: its server, through src/runs/client.ts. The extension
        // host may read the emulator's types, never run an operation itself.
        files: ['src/**'],
        rules: {
            '@typescript-eslint/no-restricted-imports': [
                'error',
                {
                    patterns: [
                        {
                            group: [
                                '**/emulator/core/lifecycle',
                                '**/emulator/core/runner',
                                '**/emulator/worker',
                                '**/emulator/worker/*',
                                '**/emulator/core/operation',
                                '**/emulator/server',
                                '**/emulator/server/*',
                                '**/emulator/scenarios/run*',
                                '**/emulator/cli'
                            ],
                            allowTypeImports: true,
                            message:
                                'The editor runs nothing of the emulator in its own process: send the operation through src/runs/client.ts (types only from here).'
                        }
                    ]
                }
            ]
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

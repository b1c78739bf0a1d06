import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import ts from 'typescript';

const WORKSPACE_SOURCES = path.resolve(__dirname, '../../../src/workspace');

describe('src/workspace purity', () => {
    it('never imports vscode, so it runs in plain Node', () => {
        for (const name of readdirSync(WORKSPACE_SOURCES).filter((n) => n.endsWith('.ts'))) {
            const source = ts.createSourceFile(name, readFileSync(path.join(WORKSPACE_SOURCES, name), 'utf8'), ts.ScriptTarget.Latest);
            for (const statement of source.statements) {
                if (
                    (ts.isImportDeclaration(statement) || ts.isExportDeclaration(statement)) &&
                    statement.moduleSpecifier &&
                    ts.isStringLiteral(statement.moduleSpecifier)
                ) {
                    assert.notEqual(statement.moduleSpecifier.text, 'vscode', `${name} imports vscode`);
                }
            }
        }
    });
});

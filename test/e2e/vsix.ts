/**
 * Writes a .vsix (a zip: extension/** + extension.vsixmanifest + [Content_Types].xml) from an
 * extension folder, without vsce. Used to prove the harness's `--install-extension <vsix>` path with
 * a throwaway extension; the real extension's .vsix comes from `npx @vscode/vsce package`.
 */
import { deflateRawSync, crc32 } from 'node:zlib';
import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';

interface Entry {
    name: string;
    data: Buffer;
}

/** Minimal zip writer (deflate, no zip64): enough for small test extensions. */
export function zip(entries: Entry[]): Buffer {
    const locals: Buffer[] = [];
    const centrals: Buffer[] = [];
    let offset = 0;
    for (const e of entries) {
        const name = Buffer.from(e.name, 'utf8');
        const compressed = deflateRawSync(e.data);
        const crc = crc32(e.data) >>> 0;
        const local = Buffer.alloc(30);
        local.writeUInt32LE(0x04034b50, 0);
        local.writeUInt16LE(20, 4); // version needed
        local.writeUInt16LE(0x0800, 6); // utf-8 names
        local.writeUInt16LE(8, 8); // deflate
        local.writeUInt32LE(0, 10); // time/date
        local.writeUInt32LE(crc, 14);
        local.writeUInt32LE(compressed.length, 18);
        local.writeUInt32LE(e.data.length, 22);
        local.writeUInt16LE(name.length, 26);
        local.writeUInt16LE(0, 28);
        locals.push(local, name, compressed);
        const central = Buffer.alloc(46);
        central.writeUInt32LE(0x02014b50, 0);
        central.writeUInt16LE(20, 4);
        central.writeUInt16LE(20, 6);
        central.writeUInt16LE(0x0800, 8);
        central.writeUInt16LE(8, 10);
        central.writeUInt32LE(0, 12);
        central.writeUInt32LE(crc, 16);
        central.writeUInt32LE(compressed.length, 20);
        central.writeUInt32LE(e.data.length, 24);
        central.writeUInt16LE(name.length, 28);
        central.writeUInt32LE(offset, 42);
        centrals.push(central, name);
        offset += local.length + name.length + compressed.length;
    }
    const centralSize = centrals.reduce((n, b) => n + b.length, 0);
    const end = Buffer.alloc(22);
    end.writeUInt32LE(0x06054b50, 0);
    end.writeUInt16LE(entries.length, 8);
    end.writeUInt16LE(entries.length, 10);
    end.writeUInt32LE(centralSize, 12);
    end.writeUInt32LE(offset, 16);
    return Buffer.concat([...locals, ...centrals, end]);
}

function walk(dir: string, rel = ''): string[] {
    const out: string[] = [];
    for (const name of readdirSync(path.join(dir, rel))) {
        const r = rel ? `${rel}/${name}` : name;
        if (statSync(path.join(dir, r)).isDirectory()) out.push(...walk(dir, r));
        else out.push(r);
    }
    return out;
}

/** Packs `extensionDir` into `outFile` as a .vsix; returns outFile. */
export function writeVsix(extensionDir: string, outFile: string): string {
    const pkg = JSON.parse(readFileSync(path.join(extensionDir, 'package.json'), 'utf8')) as {
        publisher: string;
        name: string;
        version: string;
        displayName?: string;
        description?: string;
        engines: { vscode: string };
    };
    const manifest = `<?xml version="1.0" encoding="utf-8"?>
<PackageManifest Version="2.0.0" xmlns="http://schemas.microsoft.com/developer/vsx-schema/2011">
  <Metadata>
    <Identity Language="en-US" Id="${pkg.name}" Version="${pkg.version}" Publisher="${pkg.publisher}" />
    <DisplayName>${pkg.displayName ?? pkg.name}</DisplayName>
    <Description xml:space="preserve">${pkg.description ?? ''}</Description>
    <Properties><Property Id="Microsoft.VisualStudio.Code.Engine" Value="${pkg.engines.vscode}" /></Properties>
  </Metadata>
  <Installation><InstallationTarget Id="Microsoft.VisualStudio.Code"/></Installation>
  <Dependencies/>
  <Assets><Asset Type="Microsoft.VisualStudio.Code.Manifest" Path="extension/package.json" Addressable="true" /></Assets>
</PackageManifest>
`;
    const contentTypes = `<?xml version="1.0" encoding="utf-8"?>
<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension=".json" ContentType="application/json"/><Default Extension=".js" ContentType="application/javascript"/><Default Extension=".vsixmanifest" ContentType="text/xml"/><Default Extension=".code-snippets" ContentType="application/json"/></Types>
`;
    const entries: Entry[] = [
        { name: 'extension.vsixmanifest', data: Buffer.from(manifest) },
        { name: '[Content_Types].xml', data: Buffer.from(contentTypes) },
        ...walk(extensionDir).map((rel) => ({ name: `extension/${rel}`, data: readFileSync(path.join(extensionDir, rel)) }))
    ];
    writeFileSync(outFile, zip(entries));
    return outFile;
}

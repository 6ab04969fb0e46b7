import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { openSqlite } from '../../storage/sqlite/index.ts';

const bin = path.resolve(import.meta.dirname, '../../../bin/foresight.js');
const dir = mkdtempSync(path.join(tmpdir(), 'foresight-catalog-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const db = path.join(dir, 'f.db');

function cli(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [bin, ...args], { env: { ...process.env, FORESIGHT_DB: db } }, (err, stdout, stderr) => resolve({ code: err ? Number(err.code ?? 1) : 0, stdout, stderr }));
  });
}

describe('foresight catalog import', () => {
  it('imports products, reports each bad row as <file>:<line>: <column>: <reason>, and a re-import updates by item id', async () => {
    const csv = path.join(dir, 'products.csv');
    writeFileSync(
      csv,
      'item_id,name,url,image_url,price,category\n'
        + 'tent,Trail tent,https://acme.test/p/tent,https://acme.test/img/tent.jpg,199,camping\n'
        + 'mug,Camp mug,acme.test/p/mug,,9.5,kitchen\n'
        + 'stove,Stove,https://acme.test/p/stove,,cheap,camping\n'
        + ',No id,https://acme.test/p/x,,,\n'
        + 'lamp,Lamp,https://acme.test/p/lamp,,,\n',
    );
    const first = await cli(['catalog', 'import', csv]);
    expect(first.code).toBe(1);
    expect(first.stdout).toContain('products: 5 rows read, 2 imported, 3 rejected; 2 in the catalogue');
    expect(first.stderr).toContain(`${csv}:3: url: must be a full http(s) URL`);
    expect(first.stderr).toContain(`${csv}:4: price: must be a number, e.g. 29.90`);
    expect(first.stderr).toContain(`${csv}:5: item_id: give the item id your orders and recommendations use`);

    writeFileSync(csv, 'item_id,name,url,price\ntent,Trail tent 2p,https://acme.test/p/tent,179\n');
    expect(await cli(['catalog', 'import', csv])).toMatchObject({ code: 0, stdout: expect.stringContaining('1 imported, 0 rejected; 2 in the catalogue') });
    const storage = openSqlite(db);
    try {
      expect(await storage.products.get(['tent'])).toEqual([{ itemId: 'tent', name: 'Trail tent 2p', url: 'https://acme.test/p/tent', imageUrl: null, price: 179, category: null }]);
    } finally {
      await storage.close();
    }
    const wrong = path.join(dir, 'wrong.csv');
    writeFileSync(wrong, 'id,name,url\n');
    expect((await cli(['catalog', 'import', wrong])).stderr).toContain('column "item_id" is missing from the header');
  });
});

import { describe, expect, it } from 'vitest';
import addressparser from 'nodemailer/lib/addressparser/index.js';
import { senderProblem } from '../messaging/sender.ts';
import { createHarness } from '../testing/harness.ts';
import { brandSender, parseBrand, readBrand, saveBrand } from './brand.ts';

describe('brand', () => {
  it('keeps the brand once; blank fields mean unset', async () => {
    const h = createHarness();
    try {
      expect(await readBrand(h.storage)).toEqual({});
      await saveBrand(h.storage, { shopName: ' Acme ', shopUrl: 'https://acme.test', senderName: 'Acme', senderAddress: 'hi@acme.test', logoUrl: '', footerAddress: '1 Main St, Springfield' }, 5);
      expect(await readBrand(h.storage)).toEqual({ shopName: 'Acme', shopUrl: 'https://acme.test', senderName: 'Acme', senderAddress: 'hi@acme.test', footerAddress: '1 Main St, Springfield' });
    } finally {
      await h.close();
    }
  });

  it.each([
    [{ shopUrl: 'acme.test' }, 'brand.shopUrl: give the full shop address, e.g. https://shop.example.org'],
    [{ logoUrl: 'javascript:alert(1)' }, 'brand.logoUrl: give the full logo address'],
    [{ senderAddress: 'Acme <hi@acme.test>' }, 'brand.senderAddress: write one address, e.g. news@shop.example.org'],
    [{ senderName: 'Evil\r\nBcc: x@y.z' }, 'brand.senderName: a sender name holds no <, >, quotes or backslashes'],
    [{ shopName: 'Acme\r\nBcc: x@y.z' }, 'brand.shopName: write the shop name on one line, without control characters'],
    [{ currency: 'euro' }, 'brand.currency: give a three-letter ISO 4217 code, e.g. EUR'],
    [{ shopname: 'typo' }, 'brand: unknown field(s) shopname; use shopName, shopUrl, senderName, senderAddress, logoUrl, footerAddress, currency'],
  ])('refuses %j naming the field and the fix', (input, message) => {
    expect(() => parseBrand(input)).toThrow(message);
  });

  it.each(['Acme, Inc.', 'Acme: Shop', 'Acme (EU)', 'Acme; Co', 'A.C.M.E. @ Home'])('keeps the sender name %j whole in the From header recipients see', (senderName) => {
    const from = brandSender(parseBrand({ senderName, senderAddress: 'hi@acme.test' }))!;
    expect(addressparser(from)).toEqual([{ name: senderName, address: 'hi@acme.test' }]);
    expect(senderProblem(from)).toBeNull();
  });

  it('refuses a backslash in the sender name, which no From header can carry as written', () => {
    expect(() => parseBrand({ senderName: 'Acme\\Co' })).toThrow('brand.senderName: a sender name holds no <, >, quotes or backslashes');
  });

  it('makes the From header from the sender', () => {
    expect(brandSender({ senderName: 'Acme', senderAddress: 'hi@acme.test' })).toBe('Acme <hi@acme.test>');
    expect(brandSender({ senderAddress: 'hi@acme.test' })).toBe('hi@acme.test');
    expect(brandSender({ senderName: 'Acme' })).toBeUndefined();
  });
});

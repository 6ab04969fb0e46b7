import { describe, expect, it } from 'vitest';
import { parseCalendarDate } from '../../nodes/trigger-date/anniversary.ts';
import { SERVER_ZONES, underTz } from '../testing/tz.ts';
import { renderEmail, renderText, templateError } from './render.ts';

const ctx = {
  customer: { firstName: 'Zoë <script>', timezone: 'America/New_York', signupAt: '2024-01-01T03:00:00Z', total: 1234.5 },
  recommendations: [{ itemId: 'a&b' }],
};

describe('renderEmail', () => {
  it('escapes values in HTML only; subject and text stay plain', () => {
    const r = renderEmail({ subject: 'Hi {{customer.firstName}}', html: '<b>{{customer.firstName}}</b>', text: 'Hi {{customer.firstName}}' }, ctx);
    expect(r).toEqual({ subject: 'Hi Zoë <script>', html: '<b>Zoë &lt;script&gt;</b>', text: 'Hi Zoë <script>' });
  });

  it.each([
    ['{{date customer.signupAt "long"}}', 'December 31, 2023'], // the customer's zone: still the 31st in New York
    ['{{date customer.signupAt "short" timeZone="UTC"}}', '1/1/24'],
    ['{{date customer.missing}}', ''],
    ['{{money customer.total "EUR"}}', '€1,234.50'],
    ['{{money customer.total "JPY" locale="ja-JP"}}', '￥1,235'],
    ['{{money customer.nothing}}', ''],
    ['{{plural 1 "item" "items"}}', '1 item'],
    ['{{plural 0 "item" "items"}}', '0 items'],
    ['{{plural 3 "item" "items"}}', '3 items'],
    ['{{default customer.lastName "there"}}', 'there'],
    ['{{default customer.firstName "there"}}', 'Zoë <script>'],
    ['{{#each recommendations}}{{itemId}}{{/each}}', 'a&b'],
  ])('%s → %s', (template, expected) => {
    expect(renderEmail({ subject: template, html: '' }, ctx).subject).toBe(expected);
  });

  it.each(['America/New_York', 'Pacific/Honolulu', 'Asia/Tokyo', 'Asia/Kathmandu', 'Australia/Lord_Howe'])(
    'a calendar date renders as that day for a customer in %s, under any server zone, and matches what trigger.date reads',
    async (timezone) => {
      const customer = { timezone, birthday: '2026-11-01', seenAt: '2026-11-01T12:00:00' };
      for (const server of SERVER_ZONES) {
        const subject = await underTz(server, () => renderEmail({ subject: '{{date customer.birthday "long"}} | {{date customer.seenAt "short" timeZone="UTC"}}', html: '' }, { customer }).subject);
        expect(subject).toBe('November 1, 2026 | 11/1/26');
      }
      expect(parseCalendarDate(customer.birthday)).toEqual({ year: 2026, month: 11, day: 1 });
    },
  );

  it('renders nothing for an impossible date rather than a rolled-over one', () => {
    expect(renderEmail({ subject: '[{{date customer.d}}]', html: '' }, { customer: { d: '2024-02-30' } }).subject).toBe('[]');
  });

  it('folds line breaks out of the subject (a header must be one line)', () => {
    expect(renderEmail({ subject: 'a\n  {{customer.firstName}}\r\n', html: '' }, { customer: { firstName: 'b' } }).subject).toBe('a b');
  });

  it('names the field of a template with a syntax error', () => {
    expect(() => renderEmail({ subject: 'ok', html: '{{#if x}}' }, {})).toThrow('html: line 1: {{#if}} is not closed; add {{/if}} after its content');
    expect(templateError('{{#if x}}')).toBe('line 1: {{#if}} is not closed; add {{/if}} after its content');
    expect(templateError('fine {{x}}')).toBeNull();
  });

  it('renders plain text for chat and SMS with the email helpers and without HTML escaping', () => {
    expect(renderText('{{default customer.name "there"}} & {{money total "EUR"}}: <b>{{plural n "item" "items"}}</b>', { customer: {}, total: 5, n: 2 })).toBe('there & €5.00: <b>2 items</b>');
    expect(() => renderText('{{#if x}}', {})).toThrow('template: line 1: {{#if}} is not closed');
  });
});

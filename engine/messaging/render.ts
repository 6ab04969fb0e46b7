import Handlebars from 'handlebars';
import { ForesightError, errorMessage } from '../core/errors.ts';
import { DATE_ONLY, readInstant } from '../core/time.ts';
import { readableParseError } from './parse-error.ts';

export interface EmailTemplates {
  subject: string;
  html: string;
  text?: string;
}

export interface RenderedEmail {
  subject: string;
  html: string;
  text: string;
}

type HelperOptions = Handlebars.HelperOptions;

/** A helper's trailing argument is Handlebars' options object; the rest are the author's. */
function split(args: unknown[]): { params: unknown[]; options: HelperOptions } {
  return { params: args.slice(0, -1), options: args[args.length - 1] as HelperOptions };
}

function rootTimezone(options: HelperOptions): string | undefined {
  const root = options.data?.root as { customer?: { timezone?: unknown } } | undefined;
  return typeof root?.customer?.timezone === 'string' ? root.customer.timezone : undefined;
}

const DATE_STYLES = new Set(['full', 'long', 'medium', 'short']);

// Building an Intl formatter costs far more than using one; a mailing reuses a handful.
const formatters = new Map<string, Intl.DateTimeFormat | Intl.NumberFormat>();
function cachedFormatter<F extends Intl.DateTimeFormat | Intl.NumberFormat>(key: string, make: () => F): F {
  let f = formatters.get(key) as F | undefined;
  if (!f) {
    f = make();
    if (formatters.size >= 500) formatters.clear();
    formatters.set(key, f);
  }
  return f;
}

const hb = Handlebars.create();

/**
 * `{{date customer.signupAt "long"}}` in the customer's time zone (hash: timeZone, locale). Empty for a missing date.
 * A calendar date (`2026-11-01`, a birthday) is a day, not an instant: it shows as written in every zone,
 * the same day `trigger.date` reads from it. Offset-less times are UTC, as everywhere else.
 */
hb.registerHelper('date', (...args: unknown[]) => {
  const { params, options } = split(args);
  const d = readInstant(params[0]);
  if (!d) return '';
  const calendarDate = typeof params[0] === 'string' && DATE_ONLY.test(params[0].trim());
  const style = typeof params[1] === 'string' && DATE_STYLES.has(params[1]) ? (params[1] as Intl.DateTimeFormatOptions['dateStyle']) : 'medium';
  // A date-only value was read as 00:00 UTC, so UTC shows its own day.
  const timeZone = calendarDate ? 'UTC' : ((options.hash.timeZone as string | undefined) ?? rootTimezone(options) ?? 'UTC');
  const locale = (options.hash.locale as string | undefined) ?? 'en';
  return cachedFormatter(`d|${locale}|${style}|${timeZone}`, () => new Intl.DateTimeFormat(locale, { dateStyle: style, timeZone })).format(d);
});

/** `{{money 19.9 "EUR"}}` → €19.90 (hash: locale). Empty for a non-number. */
hb.registerHelper('money', (...args: unknown[]) => {
  const { params, options } = split(args);
  const n = typeof params[0] === 'string' ? Number(params[0]) : params[0];
  if (typeof n !== 'number' || !Number.isFinite(n)) return '';
  const currency = typeof params[1] === 'string' ? params[1] : 'USD';
  const locale = (options.hash.locale as string | undefined) ?? 'en';
  return cachedFormatter(`n|${locale}|${currency}`, () => new Intl.NumberFormat(locale, { style: 'currency', currency })).format(n);
});

const englishPlurals = new Intl.PluralRules('en');

/** `{{plural cart.count "item" "items"}}` → "1 item" / "3 items". */
hb.registerHelper('plural', (...args: unknown[]) => {
  const { params } = split(args);
  const n = Number(params[0] ?? 0);
  const word = englishPlurals.select(n) === 'one' ? params[1] : params[2];
  return `${n} ${String(word ?? '')}`;
});

/** `{{default customer.firstName "there"}}`: the fallback for a missing or empty value. */
hb.registerHelper('default', (...args: unknown[]) => {
  const { params } = split(args);
  return params[0] === undefined || params[0] === null || params[0] === '' ? params[1] : params[0];
});


/**
 * What is wrong with a Handlebars template, in one line a marketer can act on, or null when it
 * parses (template fields are checked with it at validation).
 *
 * @example templateError('Hi {{customer.name') // 'line 1: the tag "{{customer.name" is not closed; end it with }}'
 */
export function templateError(template: string): string | null {
  try {
    hb.parse(template);
    return null;
  } catch (err) {
    return readableParseError(errorMessage(err), template);
  }
}

type Template = (context: unknown) => string;
const cache = new Map<string, Template>();
const CACHE_LIMIT = 1000;

function compiled(field: string, source: string, escape: boolean): Template {
  const cacheKey = `${escape ? 'h' : 't'}:${source}`;
  let t = cache.get(cacheKey);
  if (!t) {
    // Handlebars compiles lazily; parse first so a syntax error is reported here, named by field.
    const problem = templateError(source);
    if (problem) throw new ForesightError('invalid_template', `${field}: ${problem}`, { field });
    t = hb.compile(source, { noEscape: !escape, strict: false });
    if (cache.size >= CACHE_LIMIT) cache.clear();
    cache.set(cacheKey, t);
  }
  return t;
}


/**
 * Renders a Handlebars template as plain text (no HTML escaping: SMS, chat,
 * webhooks) with the helpers emails have: date, money, plural, default.
 * Nodes reach it as `ctx.services.render`, so a plugin carries no Handlebars of its own.
 */
export function renderText(template: string, data: Record<string, unknown>): string {
  return compiled('template', template, false)(data);
}

/**
 * Renders an email's subject, HTML and text with Handlebars. Only the HTML
 * body escapes values: the subject is a header and the text body is plain
 * text, where `&amp;` would show up literally.
 */
export function renderEmail(templates: EmailTemplates, context: Record<string, unknown>): RenderedEmail {
  const run = (field: keyof EmailTemplates, source: string, escape: boolean): string => {
    const t = compiled(field, source, escape);
    try {
      return t(context);
    } catch (err) {
      throw new ForesightError('template_failed', `${field}: ${errorMessage(err)}`, { field });
    }
  };
  return {
    subject: run('subject', templates.subject, false).replace(/\s*[\r\n]+\s*/g, ' ').trim(),
    html: run('html', templates.html, true),
    text: templates.text ? run('text', templates.text, false) : '',
  };
}

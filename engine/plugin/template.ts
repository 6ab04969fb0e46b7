import Handlebars from 'handlebars';

// One Handlebars for every node, so plugins render as the built-in email does and carry no copy of their own.
const hb = Handlebars.create();

/** Renders a Handlebars template with `data`, without HTML escaping (for plain-text channels: SMS, chat). */
export function renderText(template: string, data: Record<string, unknown>): string {
  return hb.compile(template, { noEscape: true })(data);
}

/** The first line of the parse error of a Handlebars template, or null when it parses. Use it in `validate()`. */
export function templateError(template: string): string | null {
  try {
    hb.parse(template);
    return null;
  } catch (err) {
    return (err as Error).message.split('\n')[0]!;
  }
}

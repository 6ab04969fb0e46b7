/** Handlebars' parser messages said plainly, for marketers and plugin authors alike. */
const PARSE = /^Parse error on line (\d+):\n(.*)\n(-*)\^\nExpecting (.*), got '(\w+)'$/s;
const MISMATCH = /^(\S+) doesn't match (\S+) - (\d+):(\d+)$/;

/** The block opened last and never closed (`if` for `{{#if x}}…`), from the source. */
function unclosedBlock(source: string): string | null {
  const open: string[] = [];
  for (const m of source.matchAll(/\{\{~?\s*([#/])\s*([^\s}~]+)/g)) {
    if (m[1] === '#') open.push(m[2]!);
    else open.pop();
  }
  return open.at(-1) ?? null;
}

/**
 * Handlebars' parser message (four lines: position, excerpt, caret, grammar tokens) said plainly.
 * The caret counts within the excerpt, which is a window of the line, so the excerpt is quoted.
 */
export function readableParseError(message: string, source: string): string {
  const mismatch = MISMATCH.exec(message);
  if (mismatch) return `line ${mismatch[3]}: {{#${mismatch[1]}}} is closed with {{/${mismatch[2]}}}; close it with {{/${mismatch[1]}}}`;
  const m = PARSE.exec(message);
  if (!m) return message.split('\n')[0]!;
  const [, line, excerpt, caret, expecting, got] = m as unknown as [string, string, string, string, string, string];
  const after = excerpt.slice(caret.length);
  const near = `near "${excerpt.replace(/^\.\.\./, '…').trim()}"`;
  if (got === 'EOF' && expecting.includes("'OPEN_ENDBLOCK'")) {
    const block = unclosedBlock(source);
    return block ? `line ${line}: {{#${block}}} is not closed; add {{/${block}}} after its content` : `line ${line}: a {{#…}} block is not closed; add its {{/…}}`;
  }
  if (got === 'EOF') return `line ${line}: the template ends in the middle of a tag ${near}`;
  const lastOpen = source.lastIndexOf('{{');
  if (lastOpen > source.lastIndexOf('}}')) return `line ${line}: the tag "${source.slice(lastOpen).split('\n')[0]}" is not closed; end it with }}`;
  if (got === 'INVALID') return `line ${line}: "${after.split(/\s|}}/)[0]}" is not a name Handlebars can read ${near}`;
  if (got === 'CLOSE') return `line ${line}: a tag has no name; put one between {{ and }}, e.g. {{customer.firstName}} (${near})`;
  return `line ${line}: unexpected ${got.toLowerCase()} ${near}`;
}

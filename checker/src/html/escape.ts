// Text into HTML. Everything a learner's program produced is untrusted: it goes through esc() (or
// visible(), which also shows control characters) and nowhere else.

const ENTITIES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** Escapes text for an element's content or a quoted attribute value. */
export function esc(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ENTITIES[c] ?? c);
}

/**
 * Escapes text and shows what a reader could not see or the page would swallow: control characters
 * (\x07, \x1b…; a newline stays one) and lone surrogates as marked escapes, so a line of output reads as it was.
 */
export function visible(text: string): string {
  let out = '';
  for (const ch of text) {
    const code = ch.codePointAt(0) ?? 0;
    if (ch === '\n') out += '\n';
    else if (ch === '\t') out += '<span class="esc">\\t</span>';
    else if (code < 0x20 || code === 0x7f || (code >= 0x80 && code < 0xa0)) out += `<span class="esc">\\x${code.toString(16).padStart(2, '0')}</span>`;
    else if (code >= 0xd800 && code <= 0xdfff) out += '<span class="esc">\\ufffd</span>';
    else out += esc(ch);
  }
  return out;
}

/** A string usable as an element id: letters, digits, - and _ only. */
export function slug(text: string): string {
  return text.replace(/[^A-Za-z0-9_-]+/g, '-');
}

/** Our own prose (hints, messages): escaped, with `code` spans kept as code. */
export function prose(text: string): string {
  return text
    .split(/(`[^`\n]+`)/)
    .map((part) => (part.length > 2 && part.startsWith('`') && part.endsWith('`') ? `<code>${visible(part.slice(1, -1))}</code>` : visible(part)))
    .join('');
}

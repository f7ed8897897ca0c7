// Check titles and hints in the learner's language: a table per lesson keyed by check id
// (zh-CN/NN-slug.ts), and a table of the hints some failures give instead of their check's own,
// keyed by the English text. Anything without an entry stays English; the test
// checker/test/i18n.test.ts lists every check of every registered lesson that has none.

import type { CheckDef, LessonChecks } from '../harness/check.ts';
import type { CheckResult } from '../runner.ts';
import { currentLang, type Lang } from './lang.ts';
import { zhChecks, zhFailureHints } from './zh-CN/index.ts';

/** A check's title and hint in one language. */
export interface CheckText {
  title: string;
  hint: string;
}

/** One lesson's table: check id → its texts. */
export type CheckTexts = Record<string, CheckText>;

/** A failure's own hint (not its check's), English → translation; a pattern for hints with a lesson number in them. */
export type FailureHints = { exact: Record<string, string>; patterns: Array<[RegExp, (m: RegExpExecArray) => string]> };

const tables: Record<Exclude<Lang, 'en'>, { checks: Record<string, CheckTexts>; failureHints: FailureHints }> = {
  'zh-CN': { checks: zhChecks, failureHints: zhFailureHints },
};

/** The translated title and hint of a check, each undefined when the table has none. */
export function checkText(lang: Lang, lesson: string, id: string): Partial<CheckText> {
  if (lang === 'en') return {};
  return tables[lang].checks[lesson]?.[id] ?? {};
}

/** A failure's own hint in the language, if the table has it. */
export function failureHint(lang: Lang, english: string): string | undefined {
  if (lang === 'en') return undefined;
  const t = tables[lang].failureHints;
  const exact = t.exact[english];
  if (exact !== undefined) return exact;
  for (const [re, f] of t.patterns) {
    const m = re.exec(english);
    if (m) return f(m);
  }
  return undefined;
}

/** The lesson's checks as registered (for a result's check: its English hint, its prerequisites' titles). */
function findCheck(lessons: LessonChecks[], lesson: string, pred: (c: CheckDef) => boolean): CheckDef | undefined {
  return lessons.find((l) => l.lesson === lesson)?.checks.find(pred);
}

const SKIPPED = /^skipped until "(.*)" passes$/;

/**
 * The result as the learner reads it in `lang`: its title, its hint and the skip or cancel note
 * translated where the tables have them. Message, expected, actual and transcript stay as they are
 * (they quote bytes). The --json output never goes through here.
 */
export function localizeResult(r: CheckResult, lessons: LessonChecks[], lang: Lang = currentLang()): CheckResult {
  if (lang === 'en') return r;
  const text = checkText(lang, r.lesson, r.id);
  const out: CheckResult = { ...r, title: text.title ?? r.title };
  if (r.hint !== undefined) {
    const own = findCheck(lessons, r.lesson, (c) => c.id === r.id);
    const hint = own && r.hint === own.hint ? text.hint : failureHint(lang, r.hint);
    out.hint = hint ?? r.hint;
  }
  if (r.status === 'skip' && r.message) {
    const m = SKIPPED.exec(r.message);
    if (m) {
      const need = findCheck(lessons, r.lesson, (c) => c.title === m[1]);
      const title = (need && checkText(lang, r.lesson, need.id).title) ?? m[1];
      out.message = `跳过：要等「${title}」通过`;
    } else if (r.code === 'CANCELLED') out.message = '已取消';
  }
  return out;
}

/** Every check of the lessons whose title or hint has no translation in `lang`: "lesson id (title, hint)". */
export function missingTranslations(lessons: LessonChecks[], lang: Exclude<Lang, 'en'>): string[] {
  const out: string[] = [];
  for (const l of lessons) {
    for (const c of l.checks) {
      const t = checkText(lang, l.lesson, c.id);
      const gaps = [t.title ? '' : 'title', t.hint || !c.hint ? '' : 'hint'].filter(Boolean);
      if (gaps.length) out.push(`${l.lesson} ${c.id} (${gaps.join(', ')})`);
    }
  }
  return out;
}

/** Translated entries for checks that no longer exist (a renamed id): "lesson id". */
export function staleTranslations(lessons: LessonChecks[], lang: Exclude<Lang, 'en'>): string[] {
  const out: string[] = [];
  for (const [lesson, table] of Object.entries(tables[lang].checks)) {
    const l = lessons.find((x) => x.lesson === lesson);
    for (const id of Object.keys(table)) if (!l?.checks.some((c) => c.id === id)) out.push(`${lesson} ${id}`);
  }
  return out;
}

// The Chinese side of the learner's commands: every check of every registered lesson has a Chinese
// title and hint, every lesson.json has its hints in both languages, and the switch picks the language.

import { readdirSync, readFileSync, existsSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { allLessons, lessonsDir, solutionsDir } from '../src/lessons.ts';
import { checkText, localizeResult, missingTranslations, staleTranslations } from '../src/i18n/checks.ts';
import { currentLang } from '../src/i18n/lang.ts';
import { readManifest } from '../src/progress.ts';
import { displayWidth, formatResult, wrapWords } from '../src/report.ts';
import type { CheckResult } from '../src/runner.ts';

const lessonFolders = readdirSync(lessonsDir, { withFileTypes: true })
  .filter((e) => e.isDirectory() && /^\d{2}-/.test(e.name))
  .map((e) => e.name)
  .sort();

/** Inline code spans and double-quoted literals: what a translation must carry over unchanged. */
function literals(text: string, quoted: boolean): string[] {
  const out = [...text.matchAll(/`([^`]+)`/g)].map((m) => m[1] ?? '');
  if (quoted) out.push(...[...text.matchAll(/"([^"]+)"/g)].map((m) => m[1] ?? ''));
  return [...new Set(out)];
}

describe('check titles and hints in Chinese', () => {
  it('every check of every registered lesson has a Chinese title and hint', () => {
    expect(missingTranslations(allLessons, 'zh-CN')).toEqual([]);
  });

  it('no translation is left for a check id that no longer exists', () => {
    expect(staleTranslations(allLessons, 'zh-CN')).toEqual([]);
  });

  it("a Chinese title keeps its English title's quoted literals, a hint its code spans", () => {
    const lost: string[] = [];
    for (const l of allLessons) {
      for (const c of l.checks) {
        const zh = checkText('zh-CN', l.lesson, c.id);
        for (const lit of literals(c.title, true)) if (zh.title && !zh.title.includes(lit)) lost.push(`${l.lesson} ${c.id} title: ${lit}`);
        for (const lit of literals(c.hint, false)) if (zh.hint && !zh.hint.includes(lit)) lost.push(`${l.lesson} ${c.id} hint: ${lit}`);
      }
    }
    expect(lost).toEqual([]);
  });
});

describe('lesson.json in both languages', () => {
  it.each(lessonFolders)('%s has its title, summary and every hint in Chinese, and the solution a copy', (lesson) => {
    const text = readFileSync(path.join(lessonsDir, lesson, 'lesson.json'), 'utf8');
    const raw = JSON.parse(text) as Record<string, unknown>;
    expect(typeof raw['title_zh-CN'], 'title_zh-CN').toBe('string');
    expect(typeof raw['summary_zh-CN'], 'summary_zh-CN').toBe('string');
    const en = raw['hints'] as string[];
    const zh = raw['hints_zh-CN'] as string[] | undefined;
    expect(Array.isArray(zh), 'hints_zh-CN').toBe(true);
    expect(zh?.length, 'a hint in one language only').toBe(en.length);
    zh?.forEach((h, i) => {
      expect(h.trim(), `Chinese hint ${i + 1} is empty`).not.toBe('');
      for (const lit of literals(en[i] ?? '', false)) expect(h, `Chinese hint ${i + 1} lost \`${lit}\``).toContain(lit);
    });
    const copy = path.join(solutionsDir, lesson, 'lesson.json');
    if (existsSync(copy)) expect(readFileSync(copy, 'utf8'), 'solutions/ has the same lesson.json').toBe(text);
  });

  it('readManifest gives the Chinese fields in Chinese, the English ones otherwise', () => {
    const dir = path.join(lessonsDir, '01-basic-socket');
    expect(readManifest(dir, 'en').title).toBe('Basic socket: greet, answer, hang up');
    expect(readManifest(dir, 'zh-CN').title).toBe('最基本的 socket：问候、回答、挂断');
    expect(readManifest(dir, 'zh-CN').hints.length).toBe(readManifest(dir, 'en').hints.length);
  });
});

describe('the language switch', () => {
  it('NETLINGS_LANG decides first, then LC_ALL, LC_MESSAGES and LANG', () => {
    expect(currentLang({})).toBe('en');
    expect(currentLang({ LANG: 'zh_CN.UTF-8' })).toBe('zh-CN');
    expect(currentLang({ LANG: 'zh_TW.UTF-8' })).toBe('zh-CN');
    expect(currentLang({ LANG: 'en_US.UTF-8', LC_MESSAGES: 'zh_CN.UTF-8' })).toBe('zh-CN');
    expect(currentLang({ LANG: 'zh_CN.UTF-8', LC_ALL: 'C' })).toBe('en');
    expect(currentLang({ NETLINGS_LANG: 'zh-CN', LANG: 'C.UTF-8' })).toBe('zh-CN');
    expect(currentLang({ NETLINGS_LANG: 'en', LC_ALL: 'zh_CN.UTF-8' })).toBe('en');
    expect(currentLang({ LC_ALL: '', LANG: 'zh_CN' })).toBe('zh-CN');
  });

  const check = allLessons[0]?.checks.find((c) => c.id === 'greeting');
  const failed: CheckResult = {
    lesson: '01-basic-socket',
    id: 'greeting',
    title: check?.title ?? '',
    target: 'server',
    status: 'fail',
    code: 'WRONG_BYTES',
    message: 'the greeting: wrong bytes',
    expected: '欢迎 welcome\\n',
    actual: 'hello\\n',
    hint: check?.hint ?? '',
    transcript: '← 68 65 6c 6c 6f 0a',
    durationMs: 3,
  };

  it('a failure in Chinese: title, labels and hint translated; message, bytes and transcript as they were', () => {
    const text = formatResultIn('zh-CN', failed);
    expect(text).toContain('向每个客户端发送问候');
    expect(text).toContain('期望：');
    expect(text).toContain('实际：');
    expect(text).toContain('提示：');
    expect(text).toContain("socket.write('欢迎 welcome\\n')");
    expect(text).toContain('the greeting: wrong bytes');
    expect(text).toContain('← 68 65 6c 6c 6f 0a');
    expect(formatResultIn('en', failed)).toContain('expected:');
    expect(formatResultIn('en', failed)).toContain(check?.hint ?? '?');
  });

  it("a failure's own hint is translated where the table has it, and stays English where not", () => {
    const own = localizeResult({ ...failed, id: 'reply-upper-case', hint: 'After the reply the server closes the connection: socket.end().' }, allLessons, 'zh-CN');
    expect(own.hint).toBe('回复之后服务端要关闭连接：socket.end()。');
    const unknown = localizeResult({ ...failed, hint: 'a hint nobody translated' }, allLessons, 'zh-CN');
    expect(unknown.hint).toBe('a hint nobody translated');
    const busy = localizeResult({ ...failed, hint: "A loop that never gives the event loop back (for(;;), while(!done) waiting for a flag, polling socket.read() with setImmediate) keeps the server from reading, writing or answering anything. Let the events ('data', 'end', 'close') call you instead." }, allLessons, 'zh-CN');
    expect(busy.hint).toContain('事件循环');
  });

  it('a skipped check names the check it waits for by its Chinese title', () => {
    const ready = allLessons[0]?.checks.find((c) => c.id === 'ready');
    const skipped = localizeResult({ ...failed, status: 'skip', code: 'SKIPPED', message: `skipped until "${ready?.title}" passes`, hint: undefined }, allLessons, 'zh-CN');
    expect(skipped.message).toBe(`跳过：要等「${checkText('zh-CN', '01-basic-socket', 'ready').title}」通过`);
  });
});

describe('Chinese text on a terminal', () => {
  it('wraps between characters to the width, and never starts a line with closing punctuation', () => {
    const text = checkText('zh-CN', '02-loop-server', 'survives-reset').hint ?? '';
    for (const width of [30, 41, 57, 80]) {
      const lines = wrapWords(text, width, { first: 6, hang: 2 });
      expect(lines.length).toBeGreaterThan(1);
      lines.forEach((l, i) => {
        expect(displayWidth(l) + (i === 0 ? 6 : 0), `line ${i + 1} at width ${width}: ${l}`).toBeLessThanOrEqual(width);
        expect(l.trimStart(), `line ${i + 1} at width ${width}`).not.toMatch(/^[，。、；：！？）」]/);
      });
      expect(lines.map((l) => l.trimStart()).join('').replace(/ /g, '')).toBe(text.replace(/ /g, ''));
    }
  });
});

function formatResultIn(lang: 'en' | 'zh-CN', r: CheckResult): string {
  const before = process.env['NETLINGS_LANG'];
  process.env['NETLINGS_LANG'] = lang;
  try {
    return formatResult(r);
  } finally {
    if (before === undefined) delete process.env['NETLINGS_LANG'];
    else process.env['NETLINGS_LANG'] = before;
  }
}


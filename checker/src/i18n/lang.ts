// Which language the learner's commands speak: NETLINGS_LANG first (zh-CN, or en to force English),
// then the locale (LC_ALL, LC_MESSAGES, LANG, in POSIX order: the first one set decides).
// Only what a person reads changes: --json, transcripts and the bytes on the wire stay as they are.

export type Lang = 'en' | 'zh-CN';

export function currentLang(env: NodeJS.ProcessEnv = process.env): Lang {
  const forced = env['NETLINGS_LANG']?.trim();
  if (forced) return /^zh/i.test(forced) ? 'zh-CN' : 'en';
  for (const name of ['LC_ALL', 'LC_MESSAGES', 'LANG']) {
    const v = env[name];
    if (v) return /^zh/i.test(v) ? 'zh-CN' : 'en';
  }
  return 'en';
}

/** The English text, or the Chinese one when the learner reads Chinese. */
export function tr(en: string, zh: string): string {
  return currentLang() === 'zh-CN' ? zh : en;
}

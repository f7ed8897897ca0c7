// `npm run reset -- LESSON [--yes]`: the lesson's folder back to its starter, the version in git HEAD.

import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { findLesson, UsageError } from '../lessons.ts';
import { defaultEnv, type ProgressEnv } from '../progress.ts';
import { helpOption, parseCommand, usageOf, type CommandSpec } from './args.ts';
import { askYesNo, interactive } from './prompt.ts';
import { style } from './style.ts';

export const resetHelp = `usage: npm run reset -- LESSON [--yes]

Puts lessons/NN-slug back to its starter: the last committed version of that folder
(git HEAD). Your changes in the folder, and files you added to it, are lost; nothing
outside the folder is touched. If you committed your own work, reset restores that.
It asks first: y or yes (with or without Enter) resets, anything else does not.
  -y, --yes    do not ask first (needed when not on a terminal)
  -h, --help   this text
Exit code: 0 when reset, 1 when not (declined, not a git checkout), 2 on a usage error.`;

export const resetSpec = {
  command: 'npm run reset',
  help: resetHelp,
  options: { yes: { type: 'boolean', short: 'y', default: false }, ...helpOption },
  positionals: true,
} as const satisfies CommandSpec;

export type ResetOutcome = { ok: true; message: string } | { ok: false; message: string };

function git(env: ProgressEnv, args: string[]): string {
  return execFileSync('git', ['-C', env.repoRoot, ...args], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], timeout: 20_000 });
}

function gitError(e: unknown): string {
  const err = e as { stderr?: string; code?: string; message?: string };
  if (err.code === 'ENOENT') return 'git is not installed';
  return (err.stderr ?? err.message ?? String(e)).trim().split('\n')[0] ?? 'git failed';
}

/** Restores the lesson's folder from git HEAD and removes files added to it (ignored ones such as node_modules stay). */
export function resetLesson(env: ProgressEnv, lesson: string): ResetOutcome {
  const rel = path.relative(env.repoRoot, path.join(env.lessonsRoot, lesson)).split(path.sep).join('/');
  if (!rel || rel.startsWith('..') || path.isAbsolute(rel)) return { ok: false, message: `lessons/${lesson} is not inside ${env.repoRoot}; nothing was reset` };
  try {
    if (git(env, ['rev-parse', '--is-inside-work-tree']).trim() !== 'true') throw new Error('not a work tree');
  } catch (e) {
    const why = (e as { code?: string }).code === 'ENOENT' ? 'git is not installed' : `${env.repoRoot} is not a git checkout`;
    return { ok: false, message: `cannot reset: ${why}, and reset restores the last committed version from git` };
  }
  let tracked: string;
  try {
    tracked = git(env, ['ls-tree', '-r', '--name-only', 'HEAD', '--', rel]);
  } catch (e) {
    return { ok: false, message: `cannot reset ${rel}: ${gitError(e)}` };
  }
  if (!tracked.trim()) return { ok: false, message: `cannot reset ${rel}: it is not in the last commit, so there is no starter to go back to` };
  try {
    git(env, ['checkout', 'HEAD', '--', rel]);
    git(env, ['clean', '-fdq', '--', rel]);
  } catch (e) {
    return { ok: false, message: `cannot reset ${rel}: ${gitError(e)}` };
  }
  return { ok: true, message: `${rel} is back to its starter (the last committed version).` };
}

export async function resetCommand(argv: string[], env: ProgressEnv = defaultEnv()): Promise<number> {
  const { values, positionals } = parseCommand(resetSpec, argv);
  if (values.help) {
    console.log(resetHelp);
    return 0;
  }
  if (positionals.length !== 1) throw new UsageError('name one lesson, e.g. npm run reset -- 01', usageOf(resetSpec));
  const lesson = findLesson(positionals[0] ?? '').lesson;
  if (!values.yes) {
    if (!interactive()) {
      console.error(`netlings reset: not resetting lessons/${lesson} without a terminal to confirm on; add --yes to reset it anyway`);
      return 1;
    }
    if (!(await askYesNo(`Reset lessons/${lesson} to its starter (the last committed version)? Your changes in it are lost.`))) {
      console.log('Nothing was reset.');
      return 1;
    }
  }
  const outcome = resetLesson(env, lesson);
  if (!outcome.ok) {
    console.error(`netlings reset: ${outcome.message}`);
    return 1;
  }
  console.log(style.green(outcome.message));
  return 0;
}

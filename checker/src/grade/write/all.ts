// One grading run's files, all of them, under --out:
//   grades.csv                 the class: a row per student (Otter's final_grades.csv)
//   junit.xml                  the class: a testsuite per student and lesson
//   summary.txt                the table printed on the terminal
//   STUDENT/results.json       Gradescope's schema (hidden checks: visibility "hidden")
//   STUDENT/classroom.json     GitHub Classroom's reporter JSON (what the student's log shows)
//   STUDENT/prairielearn.json  PrairieLearn's schema (what the student sees there)
//   STUDENT/junit.xml          that student's suites
//   STUDENT/feedback.txt       the student's report, hidden checks' details left out
//   STUDENT/feedback.html      the same as a page, each check's conversation drawn
//   STUDENT/report.html        the instructor's page, hidden checks included
//   STUDENT/netlings.json      everything the grader knows, hidden details included (instructor)

import { writeHtmlReport } from '../../html/index.ts';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { studentReport } from '../feedback.ts';
import type { LessonPlan } from '../points.ts';
import type { SubmissionResult } from '../result.ts';
import { classroomResults } from './classroom.ts';
import { gradesCsv } from './csv.ts';
import { gradescopeResults } from './gradescope.ts';
import { junitXml } from './junit.ts';
import { prairielearnResults } from './prairielearn.ts';
import { summaryTable } from './summary.ts';

/** A student's folder name under --out: their name, with anything unsafe in a path replaced. */
export function studentDir(name: string): string {
  const safe = name.replace(/[^A-Za-z0-9._@-]/g, '_');
  return safe === '.' || safe === '..' || safe === '' ? `_${safe}` : safe;
}

export function writeStudent(outDir: string, s: SubmissionResult): void {
  const dir = path.join(outDir, studentDir(s.student));
  mkdirSync(dir, { recursive: true });
  const json = (v: unknown) => JSON.stringify(v, null, 2) + '\n';
  writeFileSync(path.join(dir, 'results.json'), json(gradescopeResults(s)));
  writeFileSync(path.join(dir, 'classroom.json'), json(classroomResults(s)));
  writeFileSync(path.join(dir, 'prairielearn.json'), json(prairielearnResults(s)));
  writeFileSync(path.join(dir, 'junit.xml'), junitXml([s]));
  writeFileSync(path.join(dir, 'feedback.txt'), studentReport(s));
  writeFileSync(path.join(dir, 'netlings.json'), json(s));
  // The conversation of every check as a page: the instructor's whole, the student's without the
  // details of hidden checks.
  const results = s.lessons.flatMap((l) => l.checks.map((c) => c.result));
  const hidden = new Set(s.lessons.flatMap((l) => l.checks.filter((c) => c.hidden).map((c) => `${c.lesson}\0${c.id}`)));
  const subtitle = `${s.student}: ${s.score} of ${s.maxScore} points (${s.status})`;
  writeHtmlReport(results, { title: `netlings: ${s.student}`, subtitle, file: path.join(dir, 'report.html') });
  writeHtmlReport(results, { title: `netlings: ${s.student}`, subtitle, hideHidden: (r) => hidden.has(`${r.lesson}\0${r.id}`), file: path.join(dir, 'feedback.html') });
}

export function writeAll(outDir: string, results: SubmissionResult[], plans: LessonPlan[]): string {
  mkdirSync(outDir, { recursive: true });
  for (const s of results) writeStudent(outDir, s);
  writeFileSync(path.join(outDir, 'grades.csv'), gradesCsv(results, plans));
  writeFileSync(path.join(outDir, 'junit.xml'), junitXml(results));
  const table = summaryTable(results, plans);
  writeFileSync(path.join(outDir, 'summary.txt'), table + '\n');
  return table;
}

// A GitHub Classroom workflow for the assignment's template repository: it installs the locked
// packages, grades the student's own repository with the netlings grader, and hands the result to
// GitHub Classroom's reporter, which prints it in the student's Actions log and records the score.

import type { ExportSettings } from './gradescope.ts';

export function classroomWorkflow(s: ExportSettings): string {
  return `# Written by \`npm run grade -- export classroom\`. Commit it to the assignment's template
# repository as .github/workflows/classroom.yml.
name: Autograding Tests
'on':
  - push
  - repository_dispatch
permissions:
  checks: write
  actions: read
  contents: read
jobs:
  run-autograding-tests:
    runs-on: ubuntu-latest
    if: github.actor != 'github-classroom[bot]'
    timeout-minutes: ${Math.ceil(s.timeout / 60) + 10}
    steps:
      - name: Checkout code
        uses: actions/checkout@v4
      - uses: actions/setup-node@v4
        with:
          node-version-file: .nvmrc
          cache: npm
      - run: npm ci --no-audit --no-fund
      - name: netlings
        id: netlings
        run: npm run -s grade -- platform classroom --timeout ${s.timeout} --memory ${s.memoryMb}${s.lessons.length ? ` --lessons ${s.lessons.join(',')}` : ''}
      - name: Autograding Reporter
        uses: classroom-resources/autograding-grading-reporter@v1
        env:
          NETLINGS_RESULTS: "\${{ steps.netlings.outputs.result }}"
        with:
          runners: netlings
`;
}

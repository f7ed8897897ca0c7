// A Gradescope autograder zip: setup.sh installs Node (the version this course runs on, checked
// against nodejs.org's SHASUMS256) and the checker from the lock file; run_autograder grades
// /autograder/submission and writes /autograder/results/results.json.

import type { CourseFile } from './course.ts';
import { writeZip } from '../zip.ts';

export interface ExportSettings {
  lessons: string[];
  timeout: number;
  memoryMb: number;
  nodeVersion: string;
}

export function setupSh(s: ExportSettings): string {
  return `#!/usr/bin/env bash
# Gradescope runs this once, as root, when the autograder image is built.
set -euo pipefail
NODE_VERSION=${s.nodeVersion}
apt-get update -qq
apt-get install -y -qq --no-install-recommends ca-certificates curl xz-utils util-linux iproute2 >/dev/null
cd /tmp
arch=$(uname -m); case "$arch" in x86_64) arch=x64;; aarch64) arch=arm64;; esac
tarball="node-v$NODE_VERSION-linux-$arch.tar.xz"
curl -fsSLO "https://nodejs.org/dist/v$NODE_VERSION/$tarball"
curl -fsSL "https://nodejs.org/dist/v$NODE_VERSION/SHASUMS256.txt" | grep " $tarball\\$" | sha256sum -c -
tar -xJf "$tarball" -C /usr/local --strip-components=1
node --version
cd /autograder/source/netlings
npm ci --no-audit --no-fund
`;
}

export function runAutograder(s: ExportSettings): string {
  return `#!/usr/bin/env bash
# Gradescope runs this for every submission. NETLINGS_AUTOGRADER_ROOT replaces /autograder
# (to try it locally against a fake tree); NETLINGS_NODE_MODULES names installed packages to use
# when this copy has none (setup.sh installs them on Gradescope).
set -uo pipefail
ROOT="\${NETLINGS_AUTOGRADER_ROOT:-/autograder}"
COURSE="$ROOT/source/netlings"
if [ ! -e "$COURSE/node_modules" ] && [ -n "\${NETLINGS_NODE_MODULES:-}" ]; then ln -s "$NETLINGS_NODE_MODULES" "$COURSE/node_modules"; fi
cd "$COURSE"
node checker/bin/netlings.mjs grade platform gradescope --root "$ROOT" --timeout ${s.timeout} --memory ${s.memoryMb}${s.lessons.length ? ` --lessons ${s.lessons.join(',')}` : ''}
status=$?
if [ ! -s "$ROOT/results/results.json" ]; then
  mkdir -p "$ROOT/results"
  printf '{"score":0,"output":"The netlings grader failed (exit %s) before writing results; please tell your instructor.","tests":[]}\\n' "$status" > "$ROOT/results/results.json"
fi
`;
}

export function gradescopeZip(files: CourseFile[], s: ExportSettings): Buffer {
  return writeZip([
    { name: 'setup.sh', data: Buffer.from(setupSh(s)), mode: 0o755 },
    { name: 'run_autograder', data: Buffer.from(runAutograder(s)), mode: 0o755 },
    ...files.map((f) => ({ name: `netlings/${f.rel}`, data: f.data, mode: f.mode })),
  ]);
}

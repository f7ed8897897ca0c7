// What a PrairieLearn course needs to grade netlings on its own external-grading fleet:
//   serverFilesCourse/netlings/      the grader (mounted at /grade/serverFilesCourse/netlings)
//   serverFilesCourse/netlings/entrypoint.sh   grades /grade/student → /grade/results/results.json
//   serverFilesCourse/netlings/Dockerfile      a Node image with the locked packages installed
//   info.json.externalGradingOptions.json      to paste into a question's info.json
// The grader's code comes from serverFilesCourse (update it without rebuilding the image); its
// installed packages come from the image (/opt/netlings/node_modules), since external graders
// run without network.

import type { ExportSettings } from './gradescope.ts';

export function entrypointSh(s: ExportSettings): string {
  return `#!/bin/sh
# PrairieLearn's external grader runs this. NETLINGS_GRADE_ROOT replaces /grade (to try it
# locally); NETLINGS_NODE_MODULES replaces the image's /opt/netlings/node_modules.
ROOT="\${NETLINGS_GRADE_ROOT:-/grade}"
HERE="$(cd "$(dirname "$0")" && pwd)"
MODULES="\${NETLINGS_NODE_MODULES:-/opt/netlings/node_modules}"
if [ ! -e "$HERE/node_modules" ]; then ln -s "$MODULES" "$HERE/node_modules"; fi
cd "$HERE" || exit 1
node checker/bin/netlings.mjs grade platform prairielearn --root "$ROOT" --timeout ${s.timeout} --memory ${s.memoryMb}${s.lessons.length ? ` --lessons \${NETLINGS_LESSONS:-${s.lessons.join(',')}}` : ''}
status=$?
if [ ! -s "$ROOT/results/results.json" ]; then
  mkdir -p "$ROOT/results"
  printf '{"gradable":false,"score":0,"message":"The netlings grader failed (exit %s) before writing results.","format_errors":{"grader":["exit %s"]},"tests":[]}\\n' "$status" "$status" > "$ROOT/results/results.json"
fi
`;
}

export function dockerfile(s: ExportSettings): string {
  return `# The external-grading image: Node ${s.nodeVersion} and the course's locked packages.
#   docker build -t YOUR_ORG/netlings-grader serverFilesCourse/netlings && docker push YOUR_ORG/netlings-grader
FROM node:${s.nodeVersion}-bookworm-slim
RUN apt-get update && apt-get install -y --no-install-recommends util-linux iproute2 && rm -rf /var/lib/apt/lists/*
WORKDIR /opt/netlings
COPY package.json package-lock.json .nvmrc tsconfig.base.json turbo.json ./
COPY checker/package.json checker/
COPY solutions/package.json solutions/
COPY lessons lessons
RUN npm ci --no-audit --no-fund && npm cache clean --force
`;
}

export function externalGradingOptions(s: ExportSettings): unknown {
  return {
    externalGradingOptions: {
      enabled: true,
      image: 'YOUR_ORG/netlings-grader',
      serverFilesCourse: ['netlings/'],
      entrypoint: '/grade/serverFilesCourse/netlings/entrypoint.sh',
      timeout: Math.ceil(s.timeout + 60),
    },
  };
}

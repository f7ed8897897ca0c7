import { describe, expect, it } from 'vitest';
import { lesson05 } from '../src/checks/05-struct-headers.ts';
import { BigBody } from '../src/checks/05-struct-headers/wire.ts';
import { mutants } from '../mutants/05-struct-headers.ts';
import { proveLesson } from './proof.ts';

proveLesson(lesson05, mutants);

describe('05-struct-headers tester', () => {
  it('knows the sha256 of its 256 MiB upload body (the constant matches the pieces it sends)', () => {
    const body = new BigBody(256);
    expect(body.computeSha256()).toBe(BigBody.SHA256_256);
  });
});

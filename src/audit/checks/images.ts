// CIS §4 image checks that rest on the image's config and history (GET /images/ID/json and
// /images/ID/history): user, healthcheck, update-only steps, ADD, tags vs digests. Setuid files
// (4.8) and secrets (4.10) need the image's layers and live with the layer reader.
import type { Finding, ImageSnapshot, Snapshot } from '../types.js';
import { addFindings } from './image-add.js';
import { tagFinding } from './image-ref.js';
import { updateOnlyFindings } from './image-update.js';
import { containerUserFindings, imageUserFinding } from './image-user.js';

export function imageChecks(s: Snapshot): Finding[] {
  const findings: Finding[] = [];
  for (const image of s.images.values()) findings.push(...checkImage(image));
  findings.push(...containerUserFindings(s));
  return findings;
}

export function checkImage(image: ImageSnapshot): Finding[] {
  return [
    imageUserFinding(image),
    tagFinding(image),
    healthcheckFinding(image),
    ...updateOnlyFindings(image),
    ...addFindings(image),
    ...notApplicable(image),
  ];
}

/** CIS 4.6: Config.Healthcheck; `HEALTHCHECK NONE` is stored as Test ["NONE"] and disables an inherited one. */
export function healthcheckFinding(image: ImageSnapshot): Finding {
  const target = { kind: 'image', name: image.ref } as const;
  const test = image.raw.Config.Healthcheck?.Test ?? [];
  const base = { target, check: 'image-healthcheck', cis: '4.6' } as const;
  if (test.length === 0) {
    // An empty Test means "inherit", which in a final image config is the same as none.
    const evidence = `Config.Healthcheck=${JSON.stringify(image.raw.Config.Healthcheck ?? null)}`;
    return { ...base, result: 'warn', message: 'no HEALTHCHECK: the engine cannot tell a hung service from a healthy one; add HEALTHCHECK to the Dockerfile or --health-cmd to the run', evidence };
  }
  const evidence = `Config.Healthcheck.Test=${JSON.stringify(test)}`;
  if (test[0] === 'NONE') return { ...base, result: 'warn', message: 'HEALTHCHECK NONE switches the health check off: the engine cannot tell a hung service from a healthy one; remove it, or give a HEALTHCHECK of its own', evidence };
  return { ...base, result: 'pass', message: 'has a HEALTHCHECK', evidence };
}

// CIS §4 recommendations an engine snapshot cannot judge, reported so the §4 list is complete.
const NOT_APPLICABLE: readonly { check: string; cis: string; message: string }[] = [
  { check: 'image-patched', cis: '4.4', message: 'scanning and rebuilding for security patches needs a vulnerability scanner and the build pipeline, not the engine' },
  {
    check: 'image-content-trust',
    cis: '4.5',
    message: 'DOCKER_CONTENT_TRUST is not checked: Docker is retiring Docker Content Trust (Notary v1 shuts down 8 Dec 2026); pin digests instead (image-tag)',
  },
  { check: 'image-verified-packages', cis: '4.11', message: 'whether packages were verified at install time is not recorded in the image' },
];

function notApplicable(image: ImageSnapshot): Finding[] {
  const target = { kind: 'image', name: image.ref } as const;
  return NOT_APPLICABLE.map((row) => ({ target, ...row, result: 'n/a', evidence: 'not in an engine snapshot' }));
}

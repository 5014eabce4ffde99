// The compose file bench/harden.mjs and bench/run.mjs time `sdocker harden` on.
const IMAGES = ['nginx:1.27', 'redis:7', 'postgres:16', 'sdocker-test/busybox:1', 'python:3.12'];

/**
 * A compose file with `n` services in the shapes real files have: comments, anchors, ports,
 * volumes. Every service merges the anchor (`<<: *common`), as real files with many services do.
 */
export function composeFile(n) {
  const lines = ['# generated for bench/', 'x-common: &common', '  restart: unless-stopped', '  environment:', '    TZ: ${TZ:-UTC}', '', 'services:'];
  for (let i = 0; i < n; i += 1) {
    lines.push(`  svc${i}:   # service ${i}`, '    <<: *common', `    image: ${IMAGES[i % IMAGES.length]}`, '    ports:', `      - "${10000 + i}:80"`, '    volumes:', `      - data${i % 10}:/data`, '');
  }
  lines.push('volumes:', ...Array.from({ length: 10 }, (_, i) => `  data${i}: {}`));
  return `${lines.join('\n')}\n`;
}

// Compose files shaped like real ones whose services inherit what they run with: anchors and
// merge keys (one source, several, nested aliases), `extends` in the same file, from another
// file and in chains, and services overriding what they inherit. Each case: file name -> text;
// `compose.yml` is the one hardened.
export const CORPUS: Readonly<Record<string, Readonly<Record<string, string>>>> = {
  'merge-keys': {
    'compose.yml': `x-app: &app
  image: nginx:alpine
  restart: unless-stopped   # keep it up
  environment:
    TZ: UTC
    LOG_LEVEL: info
  labels:
    com.example.team: web
  deploy:
    replicas: 2
    resources:
      reservations:
        memory: 64m
        cpus: "0.25"
  logging:
    driver: local
  ulimits:
    nproc: 512
  tmpfs: /run
  security_opt:
    - label=type:container_t
  cap_drop: [NET_RAW]
  ports:
    - "8080:80"
    - target: 443
      published: 8443

services:
  web:
    <<: *app
  admin:
    <<: *app
    ports: ["9090:80"]
    environment:
      TZ: Europe/Paris
    ulimits:
      nofile: {soft: 4096, hard: 8192}
`,
  },
  'several-sources': {
    'compose.yml': `x-limits: &limits
  deploy: &deploy
    replicas: 3
    labels: [tier=back]
  ulimits:
    nproc: 256
    nofile: 2048
x-logs: &logs
  logging: &logging
    driver: json-file
    options:
      max-size: 50m
  ulimits:
    core: 0
services:
  cache:
    image: redis:7-alpine
    <<: [*limits, *logs]
    tmpfs:
      - /data
  queue:
    image: redis:7-alpine
    deploy: *deploy
    logging:
      <<: *logging
      driver: local
`,
  },
  'extends-same-file': {
    'compose.yml': `services:
  base:
    image: nginx:alpine
    ulimits:
      nproc: 128
    logging:
      driver: local
    deploy:
      replicas: 2
      resources:
        reservations: {memory: 32m}
    security_opt: ["label=level:s0:c100,c200"]
    tmpfs: [/run]
    environment: [A=1, B=2]
  web:
    extends: base
    environment:
      B: "3"
    ports: ["8081:80"]
  chained:
    extends: web
    logging:
      driver: json-file
    labels: {tier: front}
`,
  },
  'extends-other-file': {
    'common.yml': `services:
  svc:
    image: postgres:16-alpine
    ulimits:
      nofile: {soft: 20000, hard: 40000}
      nproc: 65535
    logging:
      driver: local
      options: {max-file: "5"}
    deploy:
      replicas: 1
      resources:
        reservations: {memory: 128m}
    tmpfs: /run/postgresql
    security_opt: [label=type:container_t]
    cap_add: [CHOWN, SETUID, SETGID, FOWNER]
    environment:
      POSTGRES_PASSWORD: example
  chain:
    extends: svc
    labels: [com.example.db=main]
`,
    'compose.yml': `services:
  api:
    extends:
      file: common.yml
      service: chain
    environment:
      POSTGRES_DB: api
  plain:
    image: nginx:alpine
    <<: {}
`,
  },
};

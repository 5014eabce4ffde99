// The swarm tests, run after the rest (npm test): a swarm is engine-wide state, so no other test
// runs beside them, and they run one file at a time.
export default {
  files: ['dist/test/swarm-*.test.js'],
  require: ['./dist/test/helpers/isolate.js'],
  timeout: '10m',
  concurrency: 1,
  workerThreads: false,
};

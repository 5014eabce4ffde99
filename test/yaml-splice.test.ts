// ComposeDocument's writer on the forms harden meets: each edit is spliced into the original
// text (writeMode 'spliced'), the rest of the file comes back byte for byte.
import test from 'ava';
import { ComposeDocument } from '../src/yaml/index.js';

type Edit = (doc: ComposeDocument) => void;

const CASES: [string, string, Edit, string][] = [
  [
    'a key inherited through << materialized whole, then a nested key set in it; the anchor untouched',
    'x-b: &b\n  image: x\n  logging:\n    driver: json-file\nservices:\n  web:\n    <<: *b\n    restart: always   # keep\n',
    (d) => (d.set('web', ['logging'], { driver: 'json-file' }), d.set('web', ['logging', 'options', 'max-size'], '10m')),
    'x-b: &b\n  image: x\n  logging:\n    driver: json-file\nservices:\n  web:\n    <<: *b\n    restart: always   # keep\n    logging:\n      driver: json-file\n      options:\n        max-size: 10m\n',
  ],
  [
    'an empty key filled with a mapping; a keep-chomped block scalar keeps its blank line',
    'services:\n  web:\n    image: x\n    ulimits:\n    command: |+\n      a\n\n',
    (d) => d.set('web', ['ulimits', 'nofile', 'soft'], 1),
    'services:\n  web:\n    image: x\n    ulimits:\n      nofile:\n        soft: 1\n    command: |+\n      a\n\n',
  ],
  [
    'an alias value made a copy below its key (its comment stays); empty flow collections filled',
    'x-l: &l\n  driver: local\nservices:\n  web:\n    logging: *l # shared\n    ports: []\n    environment: {}\n',
    (d) => (d.set('web', ['logging', 'options', 'max-file'], '3'), d.append('web', 'ports', '127.0.0.1::80'), d.set('web', ['environment', 'A'], 'on')),
    'x-l: &l\n  driver: local\nservices:\n  web:\n    logging: # shared\n      driver: local\n      options:\n        max-file: "3"\n    ports: ["127.0.0.1::80"]\n    environment: {A: "on"}\n',
  ],
  [
    'CRLF and no last newline kept; a new top-level key',
    'services:\r\n  web:\r\n    image: x\r\n    cap_drop: [NET_RAW]',
    (d) => (d.append('web', 'cap_drop', 'ALL'), d.set('web', ['read_only'], true), d.setTop(['networks', 'n'], { internal: true })),
    'services:\r\n  web:\r\n    image: x\r\n    cap_drop: [NET_RAW, ALL]\r\n    read_only: true\r\nnetworks:\r\n  n:\r\n    internal: true',
  ],
  [
    'a service aliasing an edited one is copied as the file was read, without the anchor',
    'services:\n  one: &svc\n    image: x\n  two: *svc\n',
    (d) => (d.append('one', 'cap_drop', 'ALL'), d.append('two', 'cap_drop', 'ALL')),
    'services:\n  one: &svc\n    image: x\n    cap_drop:\n      - ALL\n  two:\n    image: x\n    cap_drop:\n      - ALL\n',
  ],
  [
    '!override kept on the mapping that gets a key; an empty !reset given a list loses the tag (it would drop the list)',
    'services:\n  web:\n    logging: !override\n      driver: json-file\n    tmpfs: !reset\n',
    (d) => (d.set('web', ['logging', 'options', 'max-size'], '1m'), d.append('web', 'tmpfs', '/tmp')),
    'services:\n  web:\n    logging: !override\n      driver: json-file\n      options:\n        max-size: 1m\n    tmpfs:\n      - /tmp\n',
  ],
  [
    'an empty scalar filled before its comment; a trailing comment line stays last',
    'services:\n  web:\n    image: x\n    restart:   # empty\n# end\n',
    (d) => (d.set('web', ['restart'], 'no'), d.setTop(['networks', 'n'], {})),
    'services:\n  web:\n    image: x\n    restart:   "no" # empty\nnetworks:\n  n: {}\n# end\n',
  ],
  [
    'sequences not indented under their key stay so; a long-syntax item replaced in place',
    '---\nservices:\n    web:\n        ports:\n        -   "80"\n        - target: 443   # tls\n          published: 8443\n        x: 1\n',
    (d) => (d.replaceScalar('web', ['ports', 1], '127.0.0.1:8443:443'), d.append('web', 'tmpfs', '/tmp')),
    '---\nservices:\n    web:\n        ports:\n        -   "80"\n        - "127.0.0.1:8443:443"\n        x: 1\n        tmpfs:\n        - /tmp\n',
  ],
];

for (const [title, text, edit, expected] of CASES) {
  test(title, (t) => {
    const doc = new ComposeDocument(text, 'compose.yaml');
    edit(doc);
    t.is(doc.toString(), expected);
    t.is(doc.writeMode, 'spliced');
  });
}

test('unedited, the text comes back as it was, without being written again', (t) => {
  const doc = new ComposeDocument('services:\n  web:   {image: x}\n', 'compose.yaml');
  t.is(doc.toString(), 'services:\n  web:   {image: x}\n');
  t.is(doc.writeMode, 'unchanged');
});

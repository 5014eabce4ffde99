// The splice check (src/yaml/check.ts): a spliced text is trusted only when it reads back as
// the edited document. Splices made wrong on purpose (a block one level too deep, a value
// that reads differently, a placeholder in the wrong place) are caught by the skeleton check
// itself, not only by reading the whole text again.
import test from 'ava';
import { readsBackAs, skeletonReads, wholeReads } from '../src/yaml/check.js';
import { checkedDocument } from '../src/yaml/index.js';
import { Snapshot, spliceDocument, type Spliced } from '../src/yaml/splice.js';
import { styledNode } from '../src/yaml/nodes.js';
import { isMap, type Document, type YAMLMap } from 'yaml';

const TEXT = 'services:\n  web:   # the app\n    image: x\n    ports:\n      - "80"\n  db:\n    image: y\n';
const STYLE = { indent: 2, indentSeq: true, eol: '\n' };

/** TEXT with `cap_drop: [ALL]` added to web and db, spliced. */
function spliced(): { doc: Document; out: Spliced } {
  const doc = checkedDocument(TEXT, 'compose.yaml', { schema: 'failsafe' });
  const snapshot = new Snapshot(doc);
  for (const name of ['web', 'db']) {
    const service = doc.getIn(['services', name], true) as YAMLMap;
    service.set('cap_drop', styledNode(doc, ['ALL']));
  }
  return { doc, out: spliceDocument(TEXT, doc, snapshot, STYLE) };
}

/** The spliced text and skeleton with `from` replaced by `to` in both (a splice made wrong). */
function tampered(out: Spliced, from: string, to: string, blocks = out.blocks): Spliced {
  return { ...out, text: out.text.replace(from, to), skeleton: out.skeleton.replace(from, to), blocks };
}

test('a right splice passes the skeleton check, and is the text the whole check reads', (t) => {
  const { doc, out } = spliced();
  t.is(out.text, 'services:\n  web:   # the app\n    image: x\n    ports:\n      - "80"\n    cap_drop:\n      - ALL\n  db:\n    image: y\n    cap_drop:\n      - ALL\n');
  t.is(out.blocks.length, 2);
  t.true(out.skeleton.includes('    __sdocker_splice_0: x\n'));
  t.true(skeletonReads(out, doc));
  t.true(wholeReads(out.text, doc));
});

test('a block written one level too deep (it would extend the ports item) is caught', (t) => {
  const { doc, out } = spliced();
  const deeper = out.blocks.map((block) => ({ ...block, text: block.text.replace(/^/gm, '  ').replace(/ +$/, '') }));
  const wrong = { ...out, text: out.text.replace('    cap_drop:\n      - ALL\n  db', '      cap_drop:\n        - ALL\n  db'), blocks: deeper };
  t.false(skeletonReads(wrong, doc));
  t.false(readsBackAs(wrong, doc));
});

test('a block whose value reads differently from the nodes it was rendered from is caught', (t) => {
  const { doc, out } = spliced();
  const blocks = out.blocks.map((block) => ({ ...block, text: block.text.replace('ALL', 'NET_RAW') }));
  t.false(skeletonReads({ ...out, blocks }, doc));
  t.false(readsBackAs(tampered(out, '- ALL', '- NET_RAW', blocks), doc));
});

test('a placeholder (and its block) put under the wrong key is caught', (t) => {
  const { doc, out } = spliced();
  // The web block placed after `image: x`, inside ports' parent but before ports: a different mapping order.
  const wrong = tampered(out, '    image: x\n    ports:\n      - "80"\n    __sdocker_splice_0: x\n', '    image: x\n    __sdocker_splice_0: x\n    ports:\n      - "80"\n');
  t.false(skeletonReads(wrong, doc));
  // At the services level (column 2): a new service, not web's key.
  const shallow = tampered(out, '    __sdocker_splice_0: x\n', '  __sdocker_splice_0: x\n');
  t.false(skeletonReads(shallow, doc));
});

test('a block added with a key the mapping has already is not trusted through the skeleton', (t) => {
  const doc = checkedDocument(TEXT, 'compose.yaml', { schema: 'failsafe' });
  const snapshot = new Snapshot(doc);
  const web = doc.getIn(['services', 'web'], true);
  if (!isMap(web)) return t.fail();
  web.items.push(...(styledNode(doc, { image: 'z' }) as YAMLMap).items);
  const out = spliceDocument(TEXT, doc, snapshot, STYLE);
  t.false(skeletonReads(out, doc));
  t.false(readsBackAs(out, doc));
});

test('a block holding a block scalar is checked by reading the whole text', (t) => {
  const doc = checkedDocument(TEXT, 'compose.yaml', { schema: 'failsafe' });
  const snapshot = new Snapshot(doc);
  (doc.getIn(['services', 'db'], true) as YAMLMap).set('command', styledNode(doc, 'a\nb\n'));
  const out = spliceDocument(TEXT, doc, snapshot, STYLE);
  t.regex(out.text, /command: \|/);
  t.false(skeletonReads(out, doc));
  t.true(readsBackAs(out, doc));
});

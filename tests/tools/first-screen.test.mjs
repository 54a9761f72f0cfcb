// Unit tests for tools/first-screen.mjs: how the rendered layouts go into index.html.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { AFTER_FIRST_PAINT, startAfterFirstPaint, withTemplates } from '../../tools/first-screen.mjs';

const PAGE = '<body>\n    <div id="app"></div>\n</body>';

test('one template per layout goes before #app, in order, with its media query escaped', () => {
  const html = withTemplates(PAGE, [
    { name: 'phone', media: '(max-width: 830px) and (max-width: 600px)', html: '<div class="app">p</div>' },
    { name: 'wide', media: '', html: '<div class="app">w</div>' },
  ]);
  assert.equal(
    html,
    '<body>\n    <template data-first-screen="phone" data-media="(max-width: 830px) and (max-width: 600px)"><div class="app">p</div></template>\n    ' +
      '<template data-first-screen="wide" data-media=""><div class="app">w</div></template>\n    ' +
      '<div id="app"></div>\n</body>',
  );
  assert.match(withTemplates(PAGE, [{ name: 'x', media: 'a"b&c', html: '' }]), /data-media="a&quot;b&amp;c"/);
});

test("trunk's start script waits for the first paint, and the wasm is not preloaded", () => {
  const page = `<script type="module">
import init, * as bindings from '/stagecraft-1.js';
const wasm = await init({ module_or_path: '/stagecraft-1_bg.wasm' });
</script>
  <link rel="modulepreload" href="/stagecraft-1.js"><link rel="preload" href="/stagecraft-1_bg.wasm" crossorigin="anonymous" as="fetch" type="application/wasm"></head>`;
  const out = startAfterFirstPaint(page);
  assert.doesNotMatch(out, /rel="preload"/);
  assert.match(out, /<link rel="modulepreload" href="\/stagecraft-1.js">/);
  assert.ok(out.includes(`${AFTER_FIRST_PAINT}const wasm = await init(`), 'the wasm is fetched after the wait');
  assert.match(AFTER_FIRST_PAINT, /first-contentful-paint/, 'the wait is for the screen the browser presented');
});

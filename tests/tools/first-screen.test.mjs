// Unit tests for tools/first-screen.mjs: how the rendered layouts go into index.html.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { withTemplates } from '../../tools/first-screen.mjs';

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


// ---- Added by tools/split/split.mjs: the app's late code --------------------------------
// The release build comes in two parts. The first load carries only the code that the
// first screen runs (the functions listed in tools/split/keep.txt); everything else is in
// a late module, fetched as soon as the first part has started. Until it arrives, each
// late function's slot in the function table holds a placeholder (below); the late
// module's element segments overwrite those slots when it is instantiated.
const LATE_WASM = new URL('__LATE_WASM__', import.meta.url);

/** What the late module did: read by the end-to-end tests and the benchmark. */
const lateStats = { syncLoads: 0, readyAt: null, failed: null, withFirst: false };
let lateReady = false;

// The placeholder for table slot N: make sure the late module is there, then call the
// real function now in slot N. Only calls made before the late module arrived get here.
function lateImports() {
    return new Proxy({}, {
        get(_, slot) {
            const index = Number(slot);
            return function (...args) {
                if (!lateReady) loadLateNow();
                return wasm.table.get(index)(...args);
            };
        },
    });
}

// Its element segments put the real functions in the placeholders' table slots.
function instantiateLate(module) {
    new WebAssembly.Instance(module, { primary: wasm });
    lateReady = true;
    lateStats.readyAt = performance.now();
}

const reason = (error) => String(error && error.message || error);

// A late function was needed before the late module arrived (e.g. a click in the first
// moments on a slow network): fetch and compile it synchronously, since the wasm code that
// called the placeholder cannot wait. Slower, but correct.
function loadLateNow() {
    lateStats.syncLoads++;
    try {
        const xhr = new XMLHttpRequest();
        xhr.open('GET', LATE_WASM, false);
        xhr.overrideMimeType('text/plain; charset=x-user-defined');
        xhr.send();
        if (xhr.status !== 200) throw new Error(`the server answered ${xhr.status}`);
        const text = xhr.responseText;
        const bytes = new Uint8Array(text.length);
        for (let i = 0; i < text.length; i++) bytes[i] = text.charCodeAt(i) & 0xff;
        instantiateLate(new WebAssembly.Module(bytes));
    } catch (e) {
        lateFailed(e);
        throw e;
    }
}

// Without its late part the app cannot go on: say so in the panel that panics use.
function lateFailed(error) {
    lateStats.failed = reason(error);
    const message = `Part of Stagecraft (${LATE_WASM.pathname}) could not be loaded: ${lateStats.failed}. Check the connection and reload the page.`;
    console.error(`Stagecraft crashed: ${message}`);
    const panel = document.getElementById('panic-panel');
    if (!panel) return;
    (panel.querySelector('[data-panic-message]') ?? panel).textContent = message;
    panel.hidden = false;
}

// Compiles off the main thread; instantiates at once, so no synchronous load can slip in
// between and instantiate it twice.
async function loadLate() {
    const module = await compile(LATE_WASM);
    if (!lateReady) instantiateLate(module);
}

// A shared link (#s=...) or an autosaved session is replayed as the app starts, and
// restoring preferences or lesson records runs late code too: then fetch both parts at once
// and instantiate the late one before the app starts. A returning visitor's cache likely
// holds the late part already. These are the keys that src/ui (persist.rs, hooks.rs) reads.
const STORED_AT_START = ['stagecraft.session', 'stagecraft.records', 'stagecraft.display'];

function lateNeededAtStart() {
    // The trainer's console (?console=<id>) is almost all late code.
    if (location.hash.startsWith('#s=') || location.search.includes('console=')) return true;
    try {
        return STORED_AT_START.some((key) => localStorage.getItem(key) !== null);
    } catch {
        return false;
    }
}

let lateAtStart = null;

// Called by wasm-bindgen's glue between instantiating the first part and starting the app.
function lateBeforeStart() {
    if (lateAtStart === null) return;
    instantiateLate(lateAtStart);
    lateStats.withFirst = true;
}

async function compile(url) {
    const response = await fetch(url);
    if (!response.ok) throw new Error(`the server answered ${response.status}`);
    // Streaming compilation needs the server to say application/wasm; not every host does.
    if (response.headers.get('Content-Type')?.startsWith('application/wasm')) {
        return WebAssembly.compileStreaming(response);
    }
    return WebAssembly.compile(await response.arrayBuffer());
}

// The default export: what trunk's start script calls as `init`.
async function initSplit(options) {
    const path = options && Object.getPrototypeOf(options) === Object.prototype ? options.module_or_path : options;
    if (lateNeededAtStart() && typeof path === 'string') {
        try {
            const [first, late] = await Promise.all([compile(path), compile(LATE_WASM)]);
            lateAtStart = late;
            return await __wbg_init({ module_or_path: first });
        } catch (e) {
            // Fall back to the usual start; a late part that cannot load is reported when needed.
            if (wasm !== undefined) throw e;
        }
    }
    const exports = await __wbg_init({ module_or_path: path });
    // A failure here is only reported if late code is then needed (loadLateNow retries).
    loadLate().catch((e) => { if (!lateReady) lateStats.failed = reason(e); });
    return exports;
}

// Glimpse search page: plain ES module, no build step, no inline code (works under a strict CSP).

/** Results per request; ?k= in the URL overrides it (kept when the URL is rewritten). */
const PAGE_PARAM = new URLSearchParams(location.search).get("k");
const PAGE_SIZE = Math.min(200, Math.max(1, Number.parseInt(PAGE_PARAM, 10) || 60));
const DEBOUNCE_MS = 250;
const THUMB_SIZES = [256, 384, 512, 768];
const TILE_SIZES = "(max-width: 760px) calc(50vw - 20px), 260px";
const KEY_STORAGE = "glimpse.apiKey";
/** The filter inputs, by API parameter name; text ones search as you type, others on change. */
const FILTERS = ["folder", "from", "to", "camera", "near", "orientation", "format"];
const TYPED_FILTERS = ["folder", "camera", "near", "format"];
const SUGGESTIONS = ["a red bicycle", "cat on a sofa", "city at night", "food on a plate"];

const $ = (id) => document.getElementById(id);
const el = {
  form: $("search-form"),
  q: $("q"),
  folder: $("folder"),
  from: $("from"),
  to: $("to"),
  camera: $("camera"),
  near: $("near"),
  orientation: $("orientation"),
  format: $("format"),
  filterCount: $("filter-count"),
  filtersPanel: $("filters-panel"),
  clearFilters: $("clear-filters"),
  pick: $("pick-image"),
  file: $("file"),
  imageQuery: $("image-query"),
  exclusions: $("exclusions"),
  imageQueryThumb: $("image-query-thumb"),
  imageQueryLabel: $("image-query-label"),
  imageQueryClear: $("image-query-clear"),
  progress: $("progress"),
  status: $("status"),
  empty: $("empty"),
  emptyTitle: $("empty-title"),
  emptyText: $("empty-text"),
  suggestions: $("suggestions"),
  noResults: $("no-results"),
  noResultsText: $("no-results-text"),
  noMatch: $("no-match"),
  noMatchText: $("no-match-text"),
  noMatchShow: $("no-match-show"),
  toggleWeak: $("toggle-weak"),
  toggleCutoff: $("toggle-cutoff"),
  sortToggle: $("sort-toggle"),
  sortRelevance: $("sort-relevance"),
  sortDate: $("sort-date"),
  error: $("error"),
  errorTitle: $("error-title"),
  errorText: $("error-text"),
  retry: $("retry"),
  grid: $("results"),
  sentinel: $("sentinel"),
  moreSpinner: $("more-spinner"),
  drop: $("drop-overlay"),
  lightbox: $("lightbox"),
  lbImage: $("lb-image"),
  lbTitle: $("lb-title"),
  lbTaken: $("lb-taken"),
  lbSize: $("lb-size"),
  lbScore: $("lb-score"),
  lbPath: $("lb-path"),
  lbMore: $("lb-more"),
  lbOpen: $("lb-open"),
  lbPrev: $("lb-prev"),
  lbNext: $("lb-next"),
  lbClose: $("lb-close"),
  keyDialog: $("key-dialog"),
  keyForm: $("key-form"),
  keyInput: $("key-input"),
};

/**
 * What is being searched. imageQuery is null, {type: "id", id, name, thumbnailUrl} for "more like
 * this", or {type: "file", file, name, previewUrl} for an uploaded or pasted image.
 */
const state = {
  imageQuery: null,
  // The relevance cut-off: "auto" shows strong matches (weak ones on request), "none" every photo.
  cutoff: "auto",
  sort: "relevance",
  showWeak: false,
  // Duplicates are collapsed unless the URL says collapse=false.
  collapse: true,
  counts: null,
  noGoodMatch: false,
  results: [],
  hasMore: false,
  loading: false,
  controller: null,
  lightboxIndex: -1,
  focusIndex: 0,
  stats: null,
  objectUrls: [],
};

let debounceTimer = 0;

// ---------- API ----------

class ApiError extends Error {
  constructor(status, code, message) {
    super(message);
    this.status = status;
    this.code = code;
  }
}

function apiKey() {
  return sessionStorage.getItem(KEY_STORAGE);
}

async function api(path, options = {}) {
  for (;;) {
    const headers = new Headers(options.headers || {});
    const key = apiKey();
    if (key) headers.set("Authorization", `Bearer ${key}`);
    const response = await fetch(path, { ...options, headers });
    if (response.status === 401) {
      sessionStorage.removeItem(KEY_STORAGE);
      if (await askForKey()) continue;
    }
    if (!response.ok) throw await toError(response);
    return response;
  }
}

async function apiJson(path, options) {
  return (await api(path, options)).json();
}

async function toError(response) {
  let code = `http_${response.status}`;
  let message = `The server answered ${response.status} ${response.statusText}`.trim();
  try {
    const body = await response.json();
    if (body && body.error) {
      code = body.error.code || code;
      message = body.error.message || message;
    }
  } catch {
    // Not JSON: keep the status line.
  }
  return new ApiError(response.status, code, message);
}

let keyPrompt = null;

/** Shows the API key prompt once, however many requests are waiting; true when a key was given. */
function askForKey() {
  if (!keyPrompt) {
    keyPrompt = new Promise((resolve) => {
      el.keyInput.value = "";
      el.keyDialog.addEventListener(
        "close",
        () => {
          const key = el.keyDialog.returnValue === "ok" ? el.keyInput.value.trim() : "";
          if (key) sessionStorage.setItem(KEY_STORAGE, key);
          keyPrompt = null;
          resolve(Boolean(key));
        },
        { once: true },
      );
      el.keyDialog.returnValue = "";
      el.keyDialog.showModal();
    });
  }
  return keyPrompt;
}

el.keyForm.addEventListener("submit", (event) => {
  event.preventDefault();
  el.keyDialog.close("ok");
});

// ---------- Images (plain URLs, or blobs when the API needs a key) ----------

function sizedUrl(url, size) {
  const u = new URL(url, location.href);
  u.searchParams.set("size", String(size));
  return u.pathname + u.search;
}

/** Loads an image URL into an img; with an API key the bytes are fetched with the header. */
async function setImage(img, url, srcset) {
  img.addEventListener("load", () => img.classList.add("loaded"), { once: true });
  if (!apiKey()) {
    if (srcset) {
      img.sizes = TILE_SIZES;
      img.srcset = srcset;
    }
    img.src = url;
    return;
  }
  try {
    const blob = await (await api(url)).blob();
    const objectUrl = URL.createObjectURL(blob);
    state.objectUrls.push(objectUrl);
    img.src = objectUrl;
  } catch {
    img.alt = `${img.alt} (could not be loaded)`;
  }
}

function revokeObjectUrls() {
  for (const u of state.objectUrls) URL.revokeObjectURL(u);
  state.objectUrls = [];
}

/** srcset whose width descriptors are the thumbnail's shorter side, since tiles crop to a square. */
function tileSrcset(hit) {
  const w = hit.width || 1;
  const h = hit.height || 1;
  const ratio = Math.min(w, h) / Math.max(w, h);
  const longest = Math.max(w, h);
  const candidates = THUMB_SIZES.filter((s, i) => i === 0 || s <= longest);
  return candidates
    .map((s) => `${sizedUrl(hit.thumbnailUrl, s)} ${Math.max(1, Math.round(Math.min(s, longest) * ratio))}w`)
    .join(", ");
}

// ---------- URL state ----------

function readUrl() {
  const p = new URLSearchParams(location.search);
  el.q.value = p.get("q") || "";
  for (const f of FILTERS) el[f].value = p.get(f) || "";
  if (FILTERS.some((f) => el[f].value)) el.filtersPanel.open = true; // a shared link shows its filters
  state.cutoff = p.get("cutoff") === "none" ? "none" : "auto";
  state.sort = p.get("sort") === "date" ? "date" : "relevance";
  state.showWeak = p.get("weak") === "1";
  state.collapse = p.get("collapse") !== "false";
  const similar = p.get("similar");
  if (state.imageQuery && state.imageQuery.type === "file") clearImagePreview();
  state.imageQuery = similar
    ? { type: "id", id: similar, name: p.get("similarName") || "Similar photos", thumbnailUrl: null }
    : null;
  renderImageQuery();
}

function writeUrl(push) {
  const p = new URLSearchParams();
  const q = el.q.value.trim();
  if (q) p.set("q", q);
  if (state.imageQuery && state.imageQuery.type === "id") {
    p.set("similar", state.imageQuery.id);
    if (state.imageQuery.name) p.set("similarName", state.imageQuery.name);
  }
  for (const f of FILTERS) {
    const v = el[f].value.trim();
    if (v) p.set(f, v);
  }
  if (state.cutoff === "none") p.set("cutoff", "none");
  if (state.sort !== "relevance") p.set("sort", state.sort);
  if (state.showWeak && state.cutoff === "auto") p.set("weak", "1");
  if (!state.collapse) p.set("collapse", "false");
  if (PAGE_PARAM) p.set("k", String(PAGE_SIZE));
  const search = p.toString();
  const url = search ? `?${search}` : location.pathname;
  if (url === `${location.search}` || (url === location.pathname && !location.search)) return;
  if (push) history.pushState(null, "", url);
  else history.replaceState(null, "", url);
}

// ---------- Searching ----------

function filters() {
  const f = {};
  for (const name of FILTERS) {
    const v = el[name].value.trim();
    if (v) f[name] = v;
  }
  return f;
}

function hasQuery() {
  return Boolean(el.q.value.trim() || state.imageQuery);
}

function buildRequest(offset) {
  const text = el.q.value.trim();
  const f = { ...filters(), cutoff: state.cutoff, sort: state.sort };
  if (!state.collapse) f.collapse = "false"; // a shared link may ask for every copy
  const iq = state.imageQuery;
  if (!iq) {
    const p = new URLSearchParams({ q: text, k: String(PAGE_SIZE), offset: String(offset), ...f });
    return [`api/search?${p}`, {}];
  }
  if (iq.type === "id") {
    const body = { imageId: iq.id, k: PAGE_SIZE, offset, ...f };
    if (!state.collapse) body.collapse = false;
    if (text) body.text = text;
    return [
      "api/search",
      { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify(body) },
    ];
  }
  const form = new FormData();
  form.append("image", iq.file, iq.file.name || "image");
  if (text) form.append("text", text);
  form.append("k", String(PAGE_SIZE));
  form.append("offset", String(offset));
  for (const [k, v] of Object.entries(f)) form.append(k, v);
  return ["api/search", { method: "POST", body: form }];
}

function search({ push = false } = {}) {
  clearTimeout(debounceTimer);
  renderExclusions();
  writeUrl(push);
  if (state.controller) state.controller.abort();
  state.controller = null;
  updateFilterButton();
  if (!hasQuery()) {
    state.results = [];
    state.hasMore = false;
    setLoading(false);
    renderResults(true);
    showEmpty();
    return;
  }
  fetchPage(0);
}

function loadMore() {
  if (state.loading || !state.hasMore || !hasQuery()) return;
  fetchPage(state.results.length);
}

async function fetchPage(offset) {
  const controller = new AbortController();
  state.controller = controller;
  setLoading(true, offset > 0);
  const [url, options] = buildRequest(offset);
  const started = performance.now();
  try {
    const body = await apiJson(url, { ...options, signal: controller.signal });
    if (controller.signal.aborted) return;
    const page = Array.isArray(body.results) ? body.results : [];
    state.results = offset === 0 ? page : state.results.concat(page);
    state.hasMore = Boolean(body.hasMore) && page.length > 0;
    state.tookMs = body.tookMs ?? Math.round(performance.now() - started);
    state.counts = body.counts || null;
    state.noGoodMatch = Boolean(body.noGoodMatch);
    // An index too small to judge (under 10 photos) labels every hit weak with no z: show them all.
    state.judged = (body.results || []).some((h) => h.z != null);
    state.excluded = body.excluded ?? 0;
    setLoading(false);
    renderResults(offset === 0, offset === 0 ? 0 : offset);
    // A short page may leave the sentinel on screen, where the observer will not fire again.
    requestAnimationFrame(() => {
      if (sentinelNearViewport()) loadMore();
    });
  } catch (error) {
    if (error.name === "AbortError" || controller.signal.aborted) return;
    setLoading(false);
    showError(error);
  } finally {
    if (state.controller === controller) state.controller = null;
  }
}

function setLoading(loading, more = false) {
  state.loading = loading;
  el.progress.hidden = !loading || more;
  el.moreSpinner.hidden = !(loading && more);
  el.grid.setAttribute("aria-busy", String(loading));
  if (loading && !more) document.body.dataset.state = "loading";
}

// ---------- Rendering ----------

function show(section) {
  for (const s of [el.empty, el.noResults, el.noMatch, el.error]) s.hidden = s !== section;
}

function renderResults(replace, from = 0) {
  if (replace) {
    revokeObjectUrls();
    el.grid.replaceChildren();
    state.focusIndex = 0;
  }
  const fragment = document.createDocumentFragment();
  state.results.slice(from).forEach((hit, i) => fragment.append(tile(hit, from + i)));
  el.grid.append(fragment);
  const count = state.results.length;
  const hidingWeak = weakHidden();
  el.grid.hidden = count === 0 || (hidingWeak && state.noGoodMatch);
  renderBar();
  if (!hasQuery()) return;
  if (state.noGoodMatch && (count === 0 || hidingWeak)) {
    showNoMatch();
    return;
  }
  if (count === 0) {
    show(el.noResults);
    el.noResultsText.textContent = Object.keys(filters()).length
      ? "Nothing matches with these filters. Try clearing them."
      : "Try other words, or another image.";
    el.status.textContent = "";
    document.body.dataset.state = "no-results";
    return;
  }
  show(null);
  renderStatus();
  document.body.dataset.state = "results";
}

/** Thumbnail loaders of tiles that are hidden for now (weak matches), by their list item. */
const pendingImages = new WeakMap();

/** With the automatic cut-off, weak matches stay hidden until asked for. */
function weakHidden() {
  return state.cutoff === "auto" && !state.showWeak && state.judged !== false;
}

function counted(n, one, many) {
  return `${n.toLocaleString()} ${n === 1 ? one : many}`;
}

/** "No good match": nothing stands out; offer the weaker matches, or the closest photos. */
function showNoMatch() {
  show(el.noMatch);
  el.status.textContent = "";
  document.body.dataset.state = "no-match";
  const c = state.counts || { weak: 0, below: 0 };
  const searched = c.strong + c.weak + c.below;
  el.noMatchText.textContent =
    `Nothing stands out from the rest of the ${counted(searched, "photo", "photos")} searched. ` +
    "Try other words, or look at the closest photos anyway.";
  el.noMatchShow.textContent = c.weak > 0 ? `Show ${counted(c.weak, "weaker match", "weaker matches")}` : "Show the closest photos";
}

/** The weak-matches button, the cut-off button and the order toggle, after each page. */
function renderBar() {
  const c = state.counts;
  const active = hasQuery() && c != null && (state.results.length > 0 || state.cutoff === "none");
  el.sortToggle.hidden = !active;
  el.sortRelevance.setAttribute("aria-pressed", String(state.sort === "relevance"));
  el.sortDate.setAttribute("aria-pressed", String(state.sort === "date"));
  el.toggleWeak.hidden = !active || state.cutoff !== "auto" || c.weak === 0 || (state.noGoodMatch && !state.showWeak);
  if (!el.toggleWeak.hidden) {
    el.toggleWeak.textContent = state.showWeak ? "hide weaker" : `show ${c.weak.toLocaleString()} weaker`;
  }
  el.toggleCutoff.hidden = !active;
  el.toggleCutoff.textContent = state.cutoff === "auto" ? "show all photos" : "only good matches";
  for (const li of el.grid.children) {
    li.hidden = li.dataset.relevance === "weak" && weakHidden();
    if (!li.hidden && pendingImages.has(li)) {
      pendingImages.get(li)();
      pendingImages.delete(li);
    }
  }
}

// ---------- Exclusions: -word and "-a phrase" in the box (the API parses the same syntax) ----------

/** The exclusions typed in a query, each with where it stands in the text. */
function parseExclusions(text) {
  const out = [];
  const re = /(^|\s)(-"([^"]*)"?|"-([^"]*)"?|-([^\s"]+))/g;
  let m;
  while ((m = re.exec(text)) !== null) {
    const value = (m[3] ?? m[4] ?? m[5] ?? "").trim();
    if (value) out.push({ value, start: m.index + m[1].length, end: m.index + m[0].length });
  }
  return out;
}

function renderExclusions() {
  const found = parseExclusions(el.q.value);
  el.exclusions.hidden = found.length === 0;
  el.exclusions.replaceChildren(
    ...found.map((x) => {
      const chip = document.createElement("span");
      chip.className = "exclusion-chip";
      chip.dataset.value = x.value;
      const label = document.createElement("span");
      label.textContent = `without ${x.value}`;
      const clear = document.createElement("button");
      clear.type = "button";
      clear.className = "chip-clear";
      clear.setAttribute("aria-label", `Stop excluding ${x.value}`);
      clear.textContent = "\u00d7";
      clear.addEventListener("click", () => {
        const text = el.q.value;
        el.q.value = (text.slice(0, x.start) + text.slice(x.end)).replace(/\s+/g, " ").trim();
        renderExclusions();
        search({ push: true });
      });
      chip.append(label, clear);
      return chip;
    }),
  );
}

function renderStatus() {
  if (state.cutoff === "auto" && state.counts) {
    renderCutoffStatus();
    return;
  }
  const count = state.results.length;
  const text = el.q.value.trim();
  const what = state.imageQuery
    ? text
      ? `similar to ${state.imageQuery.name} and “${text}”`
      : `similar to ${state.imageQuery.name}`
    : `for “${text}”`;
  el.status.replaceChildren(
    strong(count.toLocaleString() + (state.hasMore ? "+" : "")),
    ` ${count === 1 ? "photo" : "photos"} ${what}`,
    state.excluded ? ` · ${state.excluded} excluded` : "",
    state.tookMs != null ? ` · ${state.tookMs} ms` : "",
  );
}

function renderCutoffStatus() {
  const c = state.counts;
  const text = el.q.value.trim();
  const what = state.imageQuery
    ? text
      ? `similar to ${state.imageQuery.name} and “${text}”`
      : `similar to ${state.imageQuery.name}`
    : `for “${text}”`;
  const parts = state.noGoodMatch
    ? [strong("No good match"), ` · ${counted(c.weak, "weaker match", "weaker matches")} ${what}`]
    : [strong(c.strong.toLocaleString()), ` strong ${c.strong === 1 ? "match" : "matches"} ${what}`];
  if (!state.noGoodMatch && state.showWeak && c.weak > 0) {
    parts.push(` · ${counted(c.weak, "weaker", "weaker")}`);
  }
  el.status.replaceChildren(
    ...parts,
    state.excluded ? ` · ${state.excluded} excluded` : "",
    state.tookMs != null ? ` · ${state.tookMs} ms` : "",
  );
}

function strong(text) {
  const s = document.createElement("strong");
  s.textContent = text;
  return s;
}

function baseName(path) {
  const parts = String(path || "").split(/[\\/]/);
  return parts[parts.length - 1] || path || "photo";
}

function formatScore(score) {
  return typeof score === "number" ? score.toFixed(3) : "";
}

function tile(hit, index) {
  const li = document.createElement("li");
  if (hit.relevance) li.dataset.relevance = hit.relevance;
  li.hidden = hit.relevance === "weak" && weakHidden();
  const button = document.createElement("button");
  button.type = "button";
  button.className = "tile";
  button.dataset.index = String(index);
  button.tabIndex = index === state.focusIndex ? 0 : -1;
  const name = baseName(hit.path);
  button.title = hit.path || name;
  const relevance = hit.relevance ? `, ${hit.relevance} match` : "";
  button.setAttribute("aria-label", `${name}, score ${formatScore(hit.score)}${relevance}`);
  const img = document.createElement("img");
  img.alt = name;
  img.loading = "lazy";
  img.decoding = "async";
  if (hit.width && hit.height) {
    img.width = hit.width;
    img.height = hit.height;
  }
  // A hidden weak match loads its thumbnail when it is revealed, not before.
  const load = () => setImage(img, sizedUrl(hit.thumbnailUrl, 384), tileSrcset(hit));
  if (li.hidden) pendingImages.set(li, load);
  else load();
  const label = document.createElement("span");
  label.className = "name";
  label.textContent = name;
  const score = document.createElement("span");
  score.className = "score";
  score.textContent = formatScore(hit.score);
  score.title = "Similarity score";
  button.append(img, label, score);
  if (hit.relevance && hit.relevance !== "strong") {
    const badge = document.createElement("span");
    badge.className = "badge";
    badge.textContent = hit.relevance;
    badge.title = hit.relevance === "weak" ? "Above the bulk, but could be chance" : "As close as an unrelated photo";
    button.append(badge);
  }
  li.append(button);
  if (hit.duplicates > 0) li.append(duplicateToggle(hit, li));
  return li;
}

/** "+n": the copies collapsed into a result, shown as a strip of thumbnails when opened. */
function duplicateToggle(hit, li) {
  const toggle = document.createElement("button");
  toggle.type = "button";
  toggle.className = "dup-toggle";
  toggle.textContent = `+${hit.duplicates}`;
  toggle.title = `${hit.duplicates} duplicate${hit.duplicates === 1 ? "" : "s"} (same or near-identical photo)`;
  toggle.setAttribute("aria-expanded", "false");
  toggle.addEventListener("click", () => {
    const open = li.querySelector(".dup-strip");
    if (open) {
      open.remove();
      toggle.setAttribute("aria-expanded", "false");
      return;
    }
    const strip = document.createElement("ul");
    strip.className = "dup-strip";
    strip.setAttribute("aria-label", "Duplicates");
    for (const id of hit.duplicateIds || []) {
      const item = document.createElement("li");
      const a = document.createElement("a");
      a.href = `api/images/${encodeURIComponent(id)}`;
      a.target = "_blank";
      a.rel = "noopener";
      const img = document.createElement("img");
      img.alt = "Duplicate";
      setImage(img, `api/images/${encodeURIComponent(id)}/thumbnail?size=128`);
      a.append(img);
      item.append(a);
      strip.append(item);
    }
    li.append(strip);
    toggle.setAttribute("aria-expanded", "true");
  });
  return toggle;
}

async function showEmpty() {
  show(el.empty);
  el.status.textContent = "";
  document.body.dataset.state = "empty";
  el.suggestions.replaceChildren(
    ...SUGGESTIONS.map((s) => {
      const li = document.createElement("li");
      const b = document.createElement("button");
      b.type = "button";
      b.textContent = s;
      b.addEventListener("click", () => {
        el.q.value = s;
        search({ push: true });
      });
      li.append(b);
      return li;
    }),
  );
  try {
    state.stats = state.stats || (await apiJson("api/stats"));
  } catch (error) {
    el.emptyText.textContent = `Could not read the index statistics: ${error.message}`;
    return;
  }
  if (hasQuery()) return;
  const n = Number(state.stats.images) || 0;
  if (n === 0) {
    el.emptyTitle.textContent = "No photos indexed yet";
    el.emptyText.textContent = "Run “glimpse index ~/Pictures”, then come back: new photos appear without a restart.";
    el.suggestions.hidden = true;
    return;
  }
  el.suggestions.hidden = false;
  el.emptyTitle.textContent = "Search your photos by meaning";
  const model = state.stats.model && state.stats.model.id ? ` with ${state.stats.model.id}` : "";
  el.emptyText.textContent =
    `${n.toLocaleString()} ${n === 1 ? "photo" : "photos"} indexed${model} — try “${SUGGESTIONS[0]}”, ` +
    "or drop an image anywhere.";
}

function showError(error) {
  show(el.error);
  const refused = error.status >= 400 && error.status < 500;
  el.errorTitle.textContent = refused ? "The server could not run this search" : "Something went wrong";
  el.errorText.textContent = error.message || String(error);
  el.status.textContent = "";
  el.grid.hidden = true;
  document.body.dataset.state = "error";
}

function updateFilterButton() {
  const active = Object.keys(filters()).length;
  el.clearFilters.hidden = active === 0;
  el.filterCount.hidden = active === 0;
  el.filterCount.textContent = active ? `· ${active}` : "";
}

// ---------- Image queries ----------

function renderImageQuery() {
  const iq = state.imageQuery;
  el.imageQuery.hidden = !iq;
  if (!iq) return;
  el.imageQueryLabel.textContent = iq.name;
  el.imageQueryThumb.removeAttribute("src");
  if (iq.type === "file") el.imageQueryThumb.src = iq.previewUrl;
  else setImage(el.imageQueryThumb, iq.thumbnailUrl ? sizedUrl(iq.thumbnailUrl, 64) : `api/images/${encodeURIComponent(iq.id)}/thumbnail?size=64`);
  el.q.placeholder = "Add words to refine…";
}

function clearImagePreview() {
  if (state.imageQuery && state.imageQuery.previewUrl) URL.revokeObjectURL(state.imageQuery.previewUrl);
}

function setImageQuery(iq) {
  clearImagePreview();
  state.imageQuery = iq;
  if (!iq) el.q.placeholder = "Search your photos…";
  renderImageQuery();
}

function searchByFile(file) {
  if (!file || !file.type.startsWith("image/")) {
    showError(new Error(`${file ? file.name || "That file" : "That"} is not an image.`));
    return;
  }
  el.q.value = "";
  setImageQuery({ type: "file", file, name: file.name || "pasted image", previewUrl: URL.createObjectURL(file) });
  search({ push: true });
}

function moreLikeThis(hit) {
  el.q.value = "";
  setImageQuery({ type: "id", id: hit.id, name: baseName(hit.path), thumbnailUrl: hit.thumbnailUrl });
  closeLightbox();
  search({ push: true });
  window.scrollTo({ top: 0 });
}

// ---------- Lightbox ----------

const dateFormat = new Intl.DateTimeFormat(undefined, { dateStyle: "long", timeStyle: "short" });

function openLightbox(index) {
  const hit = state.results[index];
  if (!hit) return;
  state.lightboxIndex = index;
  el.lbTitle.textContent = baseName(hit.path);
  el.lbPath.textContent = hit.path || "";
  el.lbSize.textContent = hit.width && hit.height ? `${hit.width} × ${hit.height} px` : "Unknown";
  const taken = hit.takenAt ? new Date(hit.takenAt) : null;
  el.lbTaken.textContent = taken && !isNaN(taken) ? dateFormat.format(taken) : "Unknown";
  el.lbScore.textContent = formatScore(hit.score);
  el.lbImage.alt = baseName(hit.path);
  el.lbImage.classList.remove("loaded");
  el.lbImage.removeAttribute("src");
  // The large thumbnail is oriented and in a format every browser shows; the original may not be.
  setImage(el.lbImage, sizedUrl(hit.thumbnailUrl, 1024));
  el.lbOpen.href = hit.imageUrl;
  el.lbOpen.textContent = "Open original";
  el.lbPrev.disabled = index === 0;
  el.lbNext.disabled = index >= state.results.length - 1 && !state.hasMore;
  if (!el.lightbox.open) el.lightbox.showModal();
  setFocusIndex(index, false);
}

function closeLightbox() {
  if (el.lightbox.open) el.lightbox.close();
}

function step(delta) {
  const next = state.lightboxIndex + delta;
  if (next < 0) return;
  if (next >= state.results.length) {
    if (state.hasMore) loadMore();
    return;
  }
  openLightbox(next);
}

el.lightbox.addEventListener("close", () => {
  const t = tileAt(state.lightboxIndex);
  state.lightboxIndex = -1;
  if (t) t.focus({ preventScroll: false });
});
el.lightbox.addEventListener("keydown", (event) => {
  if (event.key === "ArrowLeft") {
    event.preventDefault();
    step(-1);
  } else if (event.key === "ArrowRight") {
    event.preventDefault();
    step(1);
  }
});
el.lightbox.addEventListener("click", (event) => {
  if (event.target === el.lightbox) closeLightbox(); // the backdrop
});
// Without a key "Open original" is a plain link. With one, a link cannot send the header (the
// server answers 401), so the file is fetched with it and shown as a blob URL. The tab opens
// during the click, before the fetch, so popup blockers let it through.
el.lbOpen.addEventListener("click", async (event) => {
  if (!apiKey()) return;
  event.preventDefault();
  const tab = window.open("", "_blank");
  if (tab) tab.opener = null;
  try {
    const blob = await (await api(el.lbOpen.href)).blob();
    const objectUrl = URL.createObjectURL(blob);
    state.objectUrls.push(objectUrl);
    if (tab) tab.location.href = objectUrl;
    else location.assign(objectUrl);
  } catch (error) {
    if (tab) tab.close();
    el.lbOpen.textContent = `Open original (failed: ${error.message || error})`;
  }
});
el.lbPrev.addEventListener("click", () => step(-1));
el.lbNext.addEventListener("click", () => step(1));
el.lbClose.addEventListener("click", closeLightbox);
el.lbMore.addEventListener("click", () => {
  const hit = state.results[state.lightboxIndex];
  if (hit) moreLikeThis(hit);
});

// ---------- Grid keyboard navigation (roving tabindex) ----------

function tileAt(index) {
  return el.grid.querySelector(`.tile[data-index="${index}"]`);
}

function setFocusIndex(index, focus = true) {
  const old = tileAt(state.focusIndex);
  if (old) old.tabIndex = -1;
  state.focusIndex = index;
  const t = tileAt(index);
  if (!t) return;
  t.tabIndex = 0;
  if (focus) t.focus();
}

function columns() {
  return getComputedStyle(el.grid).gridTemplateColumns.split(" ").filter(Boolean).length || 1;
}

el.grid.addEventListener("click", (event) => {
  const t = event.target.closest(".tile");
  if (t) openLightbox(Number(t.dataset.index));
});
el.grid.addEventListener("keydown", (event) => {
  const t = event.target.closest(".tile");
  if (!t) return;
  const i = Number(t.dataset.index);
  const moves = { ArrowRight: 1, ArrowLeft: -1, ArrowDown: columns(), ArrowUp: -columns() };
  let next = null;
  if (event.key in moves) next = i + moves[event.key];
  else if (event.key === "Home") next = 0;
  else if (event.key === "End") next = state.results.length - 1;
  if (next === null) return;
  event.preventDefault();
  next = Math.max(0, Math.min(state.results.length - 1, next));
  setFocusIndex(next);
  if (next >= state.results.length - columns()) loadMore();
});

// ---------- Infinite scroll ----------

function sentinelNearViewport() {
  const r = el.sentinel.getBoundingClientRect();
  return !el.grid.hidden && r.top < window.innerHeight + 600;
}

new IntersectionObserver(
  (entries) => {
    if (entries.some((e) => e.isIntersecting)) loadMore();
  },
  { rootMargin: "600px 0px" },
).observe(el.sentinel);

// ---------- Inputs ----------

el.form.addEventListener("submit", (event) => {
  event.preventDefault();
  search();
});
el.q.addEventListener("input", () => {
  state.showWeak = false; // another query, other counts
  clearTimeout(debounceTimer);
  debounceTimer = setTimeout(() => search(), DEBOUNCE_MS);
});
el.q.addEventListener("keydown", (event) => {
  if (event.key === "Enter") {
    event.preventDefault();
    search();
  } else if (event.key === "ArrowDown" && state.results.length) {
    event.preventDefault();
    setFocusIndex(state.focusIndex);
  } else if (event.key === "Backspace" && !el.q.value && state.imageQuery) {
    setImageQuery(null);
    search();
  }
});
for (const name of TYPED_FILTERS) {
  el[name].addEventListener("input", () => {
    clearTimeout(debounceTimer);
    debounceTimer = setTimeout(() => search(), DEBOUNCE_MS);
  });
}
for (const name of ["from", "to", "orientation"]) el[name].addEventListener("change", () => search());
el.clearFilters.addEventListener("click", () => {
  for (const name of FILTERS) el[name].value = "";
  search();
});
el.retry.addEventListener("click", () => search());
el.toggleWeak.addEventListener("click", () => {
  state.showWeak = !state.showWeak;
  writeUrl(true);
  renderResults(false, state.results.length);
});
el.noMatchShow.addEventListener("click", () => {
  if (state.counts && state.counts.weak > 0) {
    state.showWeak = true;
    writeUrl(true);
    renderResults(false, state.results.length);
  } else {
    state.cutoff = "none";
    search({ push: true });
  }
});
el.toggleCutoff.addEventListener("click", () => {
  state.cutoff = state.cutoff === "auto" ? "none" : "auto";
  state.showWeak = false;
  search({ push: true });
});
for (const [button, order] of [
  [el.sortRelevance, "relevance"],
  [el.sortDate, "date"],
]) {
  button.addEventListener("click", () => {
    if (state.sort === order) return;
    state.sort = order;
    search({ push: true });
  });
}
el.imageQueryClear.addEventListener("click", () => {
  setImageQuery(null);
  search({ push: true });
  el.q.focus();
});
el.pick.addEventListener("click", () => el.file.click());
el.file.addEventListener("change", () => {
  const file = el.file.files && el.file.files[0];
  if (file) searchByFile(file);
  el.file.value = "";
});

document.addEventListener("keydown", (event) => {
  if (event.key !== "/" || event.ctrlKey || event.metaKey || event.altKey) return;
  const target = event.target;
  if (target instanceof HTMLInputElement || target instanceof HTMLTextAreaElement || el.lightbox.open) return;
  event.preventDefault();
  el.q.focus();
  el.q.select();
});

// Paste an image anywhere (text pastes into inputs are left alone).
document.addEventListener("paste", (event) => {
  const items = event.clipboardData ? Array.from(event.clipboardData.items) : [];
  const item = items.find((i) => i.kind === "file" && i.type.startsWith("image/"));
  if (!item) return;
  event.preventDefault();
  searchByFile(item.getAsFile());
});

// Drop an image anywhere.
let dragDepth = 0;
const hasFiles = (event) => event.dataTransfer && Array.from(event.dataTransfer.types).includes("Files");
document.addEventListener("dragenter", (event) => {
  if (!hasFiles(event)) return;
  event.preventDefault();
  dragDepth++;
  el.drop.hidden = false;
});
document.addEventListener("dragover", (event) => {
  if (!hasFiles(event)) return;
  event.preventDefault();
  event.dataTransfer.dropEffect = "copy";
});
document.addEventListener("dragleave", () => {
  dragDepth = Math.max(0, dragDepth - 1);
  if (dragDepth === 0) el.drop.hidden = true;
});
document.addEventListener("drop", (event) => {
  if (!hasFiles(event)) return;
  event.preventDefault();
  dragDepth = 0;
  el.drop.hidden = true;
  const file = Array.from(event.dataTransfer.files).find((f) => f.type.startsWith("image/"));
  searchByFile(file || event.dataTransfer.files[0]);
});

window.addEventListener("popstate", () => {
  readUrl();
  search();
});

// ---------- Start ----------

readUrl();
search();
if (!hasQuery()) el.q.focus();

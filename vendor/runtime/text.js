// zigttp:text: escapeHtml, unescapeHtml, slugify, truncate and mask.
(function () {
  "use strict";

  const ESCAPES = {
    "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;",
  };
  const ENTITIES = { amp: "&", lt: "<", gt: ">", quot: '"', "#39": "'", apos: "'" };

  function escapeHtml(text) {
    if (typeof text !== "string") return undefined;
    return text.replace(/[&<>"']/g, (c) => ESCAPES[c]);
  }

  function unescapeHtml(text) {
    if (typeof text !== "string") return undefined;
    return text.replace(/&(amp|lt|gt|quot|#39|apos);/g, (_, name) => ENTITIES[name]);
  }

  // Lowercase ASCII letters and digits joined by single hyphens; accents are
  // dropped first ("Crème Brûlée" -> "creme-brulee").
  function slugify(text) {
    if (typeof text !== "string") return undefined;
    return text
      .normalize("NFKD")
      .replace(/[\u0300-\u036f]/g, "")
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, "-")
      .replace(/^-+|-+$/g, "");
  }

  // At most `length` characters, the suffix included, never splitting one.
  function truncate(text, length, suffix) {
    if (typeof text !== "string" || typeof length !== "number" || length < 0) {
      return undefined;
    }
    const end = typeof suffix === "string" ? suffix : "...";
    const characters = Array.from(text);
    if (characters.length <= length) return text;
    const keep = Math.max(0, Math.floor(length) - Array.from(end).length);
    return characters.slice(0, keep).join("") + end;
  }

  // Every character but the last `visible` (default 4) becomes "*"; a text
  // no longer than that is hidden whole.
  function mask(text, visible) {
    if (typeof text !== "string") return undefined;
    const shown = typeof visible === "number" && visible >= 0 ? Math.floor(visible) : 4;
    const characters = Array.from(text);
    if (characters.length <= shown) return "*".repeat(characters.length);
    const hidden = characters.length - shown;
    return "*".repeat(hidden) + characters.slice(hidden).join("");
  }

  return { escapeHtml, unescapeHtml, slugify, truncate, mask };
})

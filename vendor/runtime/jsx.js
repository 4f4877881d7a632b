// JSX on the server: h() builds nodes, renderToString() turns them into HTML.
//
// Text and attribute values are escaped. Names are checked, because a name
// can come from data (a request-chosen tag, props spread from a query): a tag
// that is not a plain element name is dropped and its children rendered in its
// place, an attribute name HTML would read as more than one name is dropped,
// so no name can open a new tag or attribute. Only own properties of props are
// read, so nothing added to Object.prototype renders.
//
// dangerouslySetInnerHTML={{ __html: text }} is kept, as React has it: the one
// deliberate way to put raw HTML in a page. Its text goes out unescaped in
// place of the element's children, so it must never hold request data.
(function () {
  "use strict";

  const VOID_ELEMENTS = new Set([
    "area", "base", "br", "col", "embed", "hr", "img", "input",
    "link", "meta", "param", "source", "track", "wbr",
  ]);
  const ATTRIBUTE_NAMES = new Map([["className", "class"], ["htmlFor", "for"]]);
  const SKIPPED_PROPS = new Set(["children", "key", "ref", "dangerouslySetInnerHTML"]);
  const ESCAPES = { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" };

  // Element names: a letter, then letters, digits, '-', '_', '.' or ':'
  // (custom elements, svg:rect).
  const TAG_NAME = /^[A-Za-z][A-Za-z0-9_.:-]*$/;
  // HTML ends an attribute name at space, '/', '>' or '=', and quotes or '<'
  // in one are errors; controls and noncharacters are not allowed either.
  const ATTRIBUTE_NAME =
    /^[^\s\u0000-\u001f\u007f-\u009f"'<>/=\ufdd0-\ufdef\ufffe\uffff]+$/u;

  function escapeHtml(text) {
    return String(text).replace(/[&<>"']/g, (c) => ESCAPES[c]);
  }

  function own(object, name) {
    return object !== null && typeof object === "object" && Object.hasOwn(object, name)
      ? object[name]
      : undefined;
  }

  class Node {
    constructor(tag, props) {
      this.tag = tag;
      this.props = props;
    }
  }

  function h(tag, props, ...children) {
    const all = props == null ? {} : { ...props };
    if (children.length === 1) all.children = children[0];
    else if (children.length > 1) all.children = children;
    return new Node(tag, all);
  }

  function Fragment(props) {
    return own(props, "children");
  }

  function cssName(name) {
    return name.replace(/[A-Z]/g, (c) => "-" + c.toLowerCase());
  }

  function styleText(style) {
    if (typeof style !== "object") return String(style);
    return Object.entries(style)
      .filter(([, value]) => value != null && value !== false)
      .map(([name, value]) => `${cssName(name)}:${value}`)
      .join(";");
  }

  function attributes(props) {
    let html = "";
    for (const [name, value] of Object.entries(props)) {
      if (SKIPPED_PROPS.has(name)) continue;
      if (value == null || value === false || typeof value === "function") continue;
      const attribute = ATTRIBUTE_NAMES.get(name) ?? name;
      if (!ATTRIBUTE_NAME.test(attribute)) continue;
      if (value === true) {
        html += " " + attribute;
      } else {
        const text = attribute === "style" ? styleText(value) : value;
        html += ` ${attribute}="${escapeHtml(text)}"`;
      }
    }
    return html;
  }

  function rawHtml(props) {
    const html = own(own(props, "dangerouslySetInnerHTML"), "__html");
    return html == null ? undefined : String(html);
  }

  function render(node) {
    if (node == null || node === false || node === true) return "";
    if (Array.isArray(node)) return node.map(render).join("");
    if (!(node instanceof Node)) return escapeHtml(node);

    const { tag, props } = node;
    if (typeof tag === "function") return render(tag(props));
    if (typeof tag !== "string" || !TAG_NAME.test(tag)) {
      return render(own(props, "children"));
    }

    const open = `<${tag}${attributes(props)}>`;
    if (VOID_ELEMENTS.has(tag.toLowerCase())) return open;
    const raw = rawHtml(props);
    const content = raw === undefined ? render(own(props, "children")) : raw;
    return `${open}${content}</${tag}>`;
  }

  function renderToString(node) {
    return render(node);
  }

  globalThis.h = h;
  globalThis.Fragment = Fragment;
  globalThis.renderToString = renderToString;
  return {};
})

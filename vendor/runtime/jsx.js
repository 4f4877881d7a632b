// JSX on the server: h() builds nodes, renderToString() turns them into HTML.
(function () {
  "use strict";

  const VOID_ELEMENTS = new Set([
    "area", "base", "br", "col", "embed", "hr", "img", "input",
    "link", "meta", "param", "source", "track", "wbr",
  ]);
  const ATTRIBUTE_NAMES = { className: "class", htmlFor: "for" };
  const ESCAPES = { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" };

  function escapeHtml(text) {
    return String(text).replace(/[&<>"']/g, (c) => ESCAPES[c]);
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
    return props.children;
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
    for (const name in props) {
      const value = props[name];
      if (name === "children" || name === "key" || name === "ref") continue;
      if (name === "dangerouslySetInnerHTML") continue;
      if (value == null || value === false || typeof value === "function") continue;
      const attribute = ATTRIBUTE_NAMES[name] || name;
      if (value === true) {
        html += " " + attribute;
      } else {
        const text = attribute === "style" ? styleText(value) : value;
        html += ` ${attribute}="${escapeHtml(text)}"`;
      }
    }
    return html;
  }

  function render(node) {
    if (node == null || node === false || node === true) return "";
    if (Array.isArray(node)) return node.map(render).join("");
    if (!(node instanceof Node)) return escapeHtml(node);

    const { tag, props } = node;
    if (typeof tag === "function") return render(tag(props));

    const open = `<${tag}${attributes(props)}>`;
    if (VOID_ELEMENTS.has(tag)) return open;
    const inner = props.dangerouslySetInnerHTML;
    const raw = inner && inner.__html != null;
    const content = raw ? String(inner.__html) : render(props.children);
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

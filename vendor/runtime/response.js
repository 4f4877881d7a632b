// The Response global: what a handler returns and the runtime sends.
(function () {
  "use strict";

  const TEXT = "text/plain; charset=utf-8";
  const HTML = "text/html; charset=utf-8";
  const JSON_TYPE = "application/json";

  function copyHeaders(headers) {
    const copy = {};
    if (headers == null) return copy;
    const entries =
      Array.isArray(headers) || headers instanceof Map
        ? headers
        : Object.entries(headers);
    for (const [name, value] of entries) {
      // A list sends the header once per item (Set-Cookie needs that).
      copy[String(name)] = Array.isArray(value) ? value.map(String) : String(value);
    }
    return copy;
  }

  function hasHeader(headers, wanted) {
    for (const name in headers) {
      if (name.toLowerCase() === wanted) return true;
    }
    return false;
  }

  function toBody(body) {
    if (body == null) return "";
    if (typeof body === "string") return body;
    if (body instanceof ArrayBuffer || ArrayBuffer.isView(body)) return body;
    return String(body);
  }

  // A handler's answer is final: 1xx are the server's to send. These never
  // carry a body, so giving them one is a mistake worth a clear error.
  const NO_BODY = new Set([204, 205, 304]);

  function isEmpty(body) {
    return typeof body === "string" ? body === "" : body.byteLength === 0;
  }

  function setUp(response, body, init, contentType) {
    const options = init == null ? {} : init;
    const status = options.status === undefined ? 200 : Number(options.status);
    if (!Number.isInteger(status) || status < 200 || status > 599) {
      throw new RangeError(`Response status must be 200-599, got ${options.status}`);
    }
    const content = toBody(body);
    if (NO_BODY.has(status) && !isEmpty(content)) {
      throw new TypeError(`Response with status ${status} cannot have a body`);
    }
    response.status = status;
    response.headers = copyHeaders(options.headers);
    response.body = content;
    if (!hasHeader(response.headers, "content-type") && response.body !== "") {
      response.headers["content-type"] = contentType;
    }
    return response;
  }

  function typed(body, init, contentType) {
    return setUp(Object.create(Response.prototype), body, init, contentType);
  }

  class Response {
    constructor(body, init) {
      setUp(this, body, init, TEXT);
    }

    get ok() {
      return this.status >= 200 && this.status < 300;
    }

    text() {
      if (typeof this.body === "string") return this.body;
      const bytes = ArrayBuffer.isView(this.body)
        ? new Uint8Array(this.body.buffer, this.body.byteOffset, this.body.byteLength)
        : new Uint8Array(this.body);
      let binary = "";
      for (const byte of bytes) binary += String.fromCharCode(byte);
      return decodeURIComponent(escape(binary));
    }

    json() {
      return JSON.parse(this.text());
    }

    static json(data, init) {
      const text = JSON.stringify(data);
      return typed(text === undefined ? "null" : text, init, JSON_TYPE);
    }

    static text(text, init) {
      return typed(text == null ? "" : String(text), init, TEXT);
    }

    static html(html, init) {
      return typed(html == null ? "" : String(html), init, HTML);
    }

    static redirect(url, status) {
      const code = status === undefined ? 302 : status;
      return typed("", { status: code, headers: { location: String(url) } }, TEXT);
    }
  }

  globalThis.Response = Response;
  return { Response };
})

// Prototypes of the request object the runtime hands to the handler.
(function () {
  "use strict";

  // Headers are own properties by lowercase name, except a header called
  // "get" or "has": as a property it would hide the method, so the runtime
  // keeps it in a table under this symbol, where only get() and has() look.
  const hidden = Symbol("headers named like a method");

  function holder(headers, key) {
    const table = headers[hidden];
    return table !== undefined && Object.hasOwn(table, key) ? table : headers;
  }

  const headersPrototype = {};
  Object.defineProperty(headersPrototype, "get", {
    value: function get(name) {
      const key = String(name).toLowerCase();
      const table = holder(this, key);
      return Object.hasOwn(table, key) ? table[key] : null;
    },
  });
  Object.defineProperty(headersPrototype, "has", {
    value: function has(name) {
      const key = String(name).toLowerCase();
      return Object.hasOwn(holder(this, key), key);
    },
  });

  const requestPrototype = {};
  Object.defineProperty(requestPrototype, "text", {
    value: function text() {
      return this.body === undefined ? "" : this.body;
    },
  });
  Object.defineProperty(requestPrototype, "json", {
    value: function json() {
      return JSON.parse(this.body === undefined ? "" : this.body);
    },
  });

  return { headersPrototype, requestPrototype, hidden };
})

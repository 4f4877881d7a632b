// Prototypes of the request object the runtime hands to the handler.
(function () {
  "use strict";

  const headersPrototype = {};
  Object.defineProperty(headersPrototype, "get", {
    value: function get(name) {
      const key = String(name).toLowerCase();
      return Object.hasOwn(this, key) ? this[key] : null;
    },
  });
  Object.defineProperty(headersPrototype, "has", {
    value: function has(name) {
      return Object.hasOwn(this, String(name).toLowerCase());
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

  return { headersPrototype, requestPrototype };
})

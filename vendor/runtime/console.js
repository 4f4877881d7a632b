// console.log/info/warn/error/debug: one line per call on stderr.
(function (writeLine) {
  "use strict";

  function describe(value) {
    if (typeof value === "string") return value;
    if (value instanceof Error) {
      const stack = typeof value.stack === "string" ? "\n" + value.stack.trimEnd() : "";
      return `${value.name}: ${value.message}${stack}`;
    }
    if (typeof value === "function") return `[Function ${value.name || "anonymous"}]`;
    if (typeof value === "bigint") return `${value}n`;
    if (value === null || typeof value !== "object") return String(value);
    try {
      const text = JSON.stringify(value);
      return text === undefined ? String(value) : text;
    } catch {
      return Object.prototype.toString.call(value);
    }
  }

  function printer() {
    return (...values) => writeLine(values.map(describe).join(" "));
  }

  globalThis.console = {
    log: printer(),
    info: printer(),
    warn: printer(),
    error: printer(),
    debug: printer(),
  };
  return {};
})

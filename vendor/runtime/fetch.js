// zigttp:fetch: fetch(url, init?) and fetchWithRetry(url, init?, retry?).
//
// fetch is synchronous and answers a Response: status, statusText, ok,
// headers (lowercase names, with get() and has()), body, text(), json(), url
// and redirected. init takes method, headers, body (a string), query (an
// object appended to the URL, percent-encoded), maxResponseBytes (16 MiB, also
// the most), timeoutMs (30 s), connectTimeoutMs (10 s) and redirect ("follow",
// at most 5 hops, "manual" or "error"); the handler's own deadline always
// applies. When the network fails the answer has status 599 and names the
// failure in `error`, with `details` for people; a host the contract does not
// allow throws.
(function (natives) {
  "use strict";

  const { exchange, sleep } = natives;
  const ResponseClass = globalThis.Response;
  const DEFAULT_RETRY_ON = [429, 500, 502, 503, 504];
  const NETWORK_FAILURES = new Set([
    "ConnectFailed", "DnsFailed", "TimedOut", "ReadFailed", "WriteFailed",
    "ResponseReadFailed", "RequestSendFailed", "BadResponse", "TlsFailed",
  ]);
  const RETRY_LIMITS = { maxRetries: 10, baseDelayMs: 5000, maxDelayMs: 30000 };
  const RETRY_DEFAULTS = { maxRetries: 3, baseDelayMs: 100, maxDelayMs: 5000 };

  function withQuery(url, query) {
    if (query === undefined || query === null) return url;
    if (typeof query !== "object") {
      throw new TypeError("fetch(): init.query must be an object");
    }
    const hash = url.indexOf("#");
    const base = hash < 0 ? url : url.slice(0, hash);
    let joined = base;
    let separator = base.includes("?") ? "&" : "?";
    for (const [name, value] of Object.entries(query)) {
      if (value === undefined) continue;
      if (!["string", "number", "boolean"].includes(typeof value)) {
        throw new TypeError(
          `fetch(): init.query.${name} must be a string, number or boolean`,
        );
      }
      joined += separator + encodeURIComponent(name) + "=" + encodeURIComponent(value);
      separator = "&";
    }
    return joined;
  }

  function headerPairs(headers) {
    if (headers === undefined || headers === null) return [];
    const entries =
      Array.isArray(headers) || headers instanceof Map
        ? Array.from(headers)
        : typeof headers === "object"
          ? Object.entries(headers)
          : null;
    if (entries === null) {
      throw new TypeError("fetch(): init.headers must be an object");
    }
    const pairs = [];
    for (const [name, value] of entries) {
      if (value === undefined) continue;
      const values = Array.isArray(value) ? value : [value];
      for (const each of values) pairs.push([String(name), String(each)]);
    }
    return pairs;
  }

  function bodyText(body) {
    if (body === undefined || body === null) return undefined;
    if (typeof body === "string") return body;
    throw new TypeError("fetch(): init.body must be a string (JSON.stringify objects)");
  }

  function positive(options, name) {
    const value = options[name];
    if (value === undefined) return undefined;
    if (typeof value !== "number" || !(value > 0)) {
      throw new TypeError(`fetch(): init.${name} must be a positive number`);
    }
    return value;
  }

  function limits(options) {
    const redirect = options.redirect === undefined ? "follow" : options.redirect;
    if (!["follow", "manual", "error"].includes(redirect)) {
      throw new TypeError(
        'fetch(): init.redirect must be "follow", "manual" or "error"',
      );
    }
    // The reference reads the snake_case spelling of the size limit too.
    const maxResponseBytes =
      positive(options, "maxResponseBytes") ?? positive(options, "max_response_bytes");
    return {
      maxResponseBytes,
      timeoutMs: positive(options, "timeoutMs"),
      connectTimeoutMs: positive(options, "connectTimeoutMs"),
      redirect,
    };
  }

  function toResponse(raw, url) {
    const response = Object.create(ResponseClass.prototype);
    if (raw.error === undefined) {
      Object.assign(response, raw);
      return response;
    }
    return Object.assign(response, {
      status: 599,
      statusText: raw.error,
      headers: raw.headers,
      body: JSON.stringify({ error: raw.error, details: raw.details }),
      url,
      redirected: false,
      error: raw.error,
      details: raw.details,
    });
  }

  function fetch(input, init) {
    let url = input;
    let options = init;
    if (input !== null && typeof input === "object") {
      url = input.url;
      if (options === undefined) options = input;
    }
    if (typeof url !== "string" || url === "") {
      throw new TypeError("fetch() needs a URL string");
    }
    if (options === undefined || options === null) options = {};
    if (typeof options !== "object") {
      throw new TypeError("fetch(): init must be an object");
    }

    const method = options.method === undefined ? "GET" : String(options.method);
    const target = withQuery(url, options.query);
    const raw = exchange(
      target,
      method,
      headerPairs(options.headers),
      bodyText(options.body),
      limits(options),
    );
    return toResponse(raw, target);
  }

  function retryOptions(retry) {
    const options = { ...RETRY_DEFAULTS, retryOn: DEFAULT_RETRY_ON };
    if (retry === undefined || retry === null) return options;
    if (typeof retry !== "object") {
      throw new TypeError("fetchWithRetry(): retry options must be an object");
    }
    for (const name of Object.keys(RETRY_LIMITS)) {
      if (typeof retry[name] !== "number") continue;
      const value = Math.max(0, Math.floor(retry[name]));
      if (value > RETRY_LIMITS[name]) {
        const limit = RETRY_LIMITS[name];
        throw new TypeError(`fetchWithRetry() ${name} must be <= ${limit}`);
      }
      options[name] = value;
    }
    if (Array.isArray(retry.retryOn)) options.retryOn = retry.retryOn;
    return options;
  }

  // Retries an answer whose status is in retryOn, or a network failure, with
  // delays of baseDelayMs * 2^attempt (at most maxDelayMs); a wait that
  // would pass the handler's deadline ends the handler instead (504).
  function fetchWithRetry(url, init, retry) {
    const options = retryOptions(retry);
    for (let attempt = 0; ; attempt++) {
      const response = fetch(url, init);
      if (response.ok) return response;
      const retryable =
        options.retryOn.includes(response.status) ||
        (response.status === 599 && NETWORK_FAILURES.has(response.error));
      if (!retryable || attempt >= options.maxRetries) return response;
      const delay = Math.min(options.baseDelayMs * 2 ** attempt, options.maxDelayMs);
      sleep(delay);
    }
  }

  return { fetch, fetchWithRetry };
})

// zigttp:url: urlParse, urlSearchParams, urlEncode and urlDecode.
(function () {
  "use strict";

  // Bytes outside A-Z a-z 0-9 - . _ ~ become %XX of their UTF-8 encoding.
  function urlEncode(text) {
    if (typeof text !== "string") return undefined;
    return encodeURIComponent(text).replace(
      /[!'()*]/g,
      (c) => "%" + c.charCodeAt(0).toString(16).toUpperCase(),
    );
  }

  // "+" is a space and %XX a byte; an escape that is not valid stays as it is.
  function urlDecode(text) {
    if (typeof text !== "string") return undefined;
    const spaced = text.replace(/\+/g, " ");
    try {
      return decodeURIComponent(spaced);
    } catch {
      return spaced.replace(/(%[0-9a-fA-F]{2})+/g, (run) => {
        try {
          return decodeURIComponent(run);
        } catch {
          return run;
        }
      });
    }
  }

  function urlSearchParams(query) {
    if (typeof query !== "string") return undefined;
    const params = {};
    const text = query.startsWith("?") ? query.slice(1) : query;
    for (const pair of text.split("&")) {
      if (pair === "") continue;
      const equals = pair.indexOf("=");
      const name = urlDecode(equals < 0 ? pair : pair.slice(0, equals));
      if (name === "") continue;
      params[name] = equals < 0 ? "" : urlDecode(pair.slice(equals + 1));
    }
    return params;
  }

  // {protocol, host, port, path, query, hash, searchParams}; the parts a URL
  // does not have are undefined (path is "/" at least).
  function urlParse(input) {
    if (typeof input !== "string") return undefined;
    let rest = input;
    let protocol, host, port, query, hash;

    const hashAt = rest.indexOf("#");
    if (hashAt >= 0) {
      hash = rest.slice(hashAt + 1);
      rest = rest.slice(0, hashAt);
    }
    const queryAt = rest.indexOf("?");
    if (queryAt >= 0) {
      query = rest.slice(queryAt + 1);
      rest = rest.slice(0, queryAt);
    }

    const schemeEnd = rest.indexOf("://");
    if (schemeEnd >= 0) {
      protocol = rest.slice(0, schemeEnd);
      rest = rest.slice(schemeEnd + 3);
      const slash = rest.indexOf("/");
      const authority = slash >= 0 ? rest.slice(0, slash) : rest;
      rest = slash >= 0 ? rest.slice(slash) : "/";

      const hostPort = authority.slice(authority.lastIndexOf("@") + 1);
      const bracket = hostPort.startsWith("[") ? hostPort.indexOf("]") : -1;
      const colon = hostPort.lastIndexOf(":");
      if (colon > bracket) {
        host = hostPort.slice(0, colon);
        port = hostPort.slice(colon + 1);
      } else {
        host = hostPort;
      }
    }

    return {
      protocol,
      host,
      port,
      path: rest === "" ? "/" : rest,
      query,
      hash,
      searchParams: query === undefined ? {} : urlSearchParams(query),
    };
  }

  return { urlParse, urlSearchParams, urlEncode, urlDecode };
})

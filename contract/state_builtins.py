"""What built-in functions and methods do to a value they are given or called on.

Each table names built-ins by what they do to a shared value: change it
(push, set, Object.assign), hand back something that holds it (Array.from,
filter, new Map), or only read it (includes, join, get). The tracker in
state_uses.py assumes a built-in not listed as a writer neither keeps nor
changes what it is given.
"""

from __future__ import annotations

ARRAY_WRITERS = frozenset(
    {
        "push",
        "pop",
        "shift",
        "unshift",
        "splice",
        "sort",
        "reverse",
        "fill",
        "copyWithin",
    }
)
ARRAY_ITEMS = frozenset({"at", "find", "findLast", "pop", "shift"})
ARRAY_COPIES = frozenset(
    {
        "filter",
        "slice",
        "concat",
        "flat",
        "toReversed",
        "toSorted",
        "toSpliced",
        "with",
        "values",
        "entries",
    }
)
ARRAY_READERS = frozenset(
    {
        "join",
        "includes",
        "indexOf",
        "lastIndexOf",
        "findIndex",
        "findLastIndex",
        "some",
        "every",
        "toString",
        "toLocaleString",
        "keys",
        "forEach",
        "map",
        "flatMap",
        "reduce",
        "reduceRight",
    }
)
CALLBACK_ITEM_INDEX = {"reduce": 1, "reduceRight": 1}
CALLBACK_METHODS = frozenset(
    {
        "every",
        "filter",
        "find",
        "findIndex",
        "findLast",
        "findLastIndex",
        "flatMap",
        "forEach",
        "map",
        "some",
        "reduce",
        "reduceRight",
    }
)
COLLECTION_WRITERS = frozenset({"set", "add", "delete", "clear"})
URL_WRITERS = frozenset({"set", "append", "delete", "sort"})
# Names that change the object they are called on, whatever it is.
WELL_KNOWN_WRITERS = ARRAY_WRITERS | COLLECTION_WRITERS | {"append", "next"}
STORING_METHODS = frozenset(
    {"push", "unshift", "splice", "set", "add", "fill", "append"}
)
STORED_COPIES = frozenset({"concat", "with", "toSpliced"})
READING_METHODS = frozenset(
    {
        "includes",
        "indexOf",
        "lastIndexOf",
        "startsWith",
        "endsWith",
        "localeCompare",
        "has",
        "get",
        "test",
        "exec",
        "match",
        "matchAll",
        "search",
        "replace",
        "replaceAll",
        "split",
        "join",
        "at",
    }
)
OBJECT_METHODS = frozenset(
    {
        "hasOwnProperty",
        "toString",
        "valueOf",
        "isPrototypeOf",
        "propertyIsEnumerable",
        "toLocaleString",
    }
)
# Built-in functions that change their first argument.
ARGUMENT_WRITERS = {
    "Object": frozenset(
        {
            "assign",
            "defineProperty",
            "defineProperties",
            "setPrototypeOf",
            "freeze",
            "seal",
            "preventExtensions",
        }
    ),
    "Reflect": frozenset(
        {
            "set",
            "defineProperty",
            "deleteProperty",
            "setPrototypeOf",
            "preventExtensions",
        }
    ),
}
# Built-in functions whose result holds what they are given.
HOLDING_FUNCTIONS = {
    "Object": frozenset(
        {
            "values",
            "entries",
            "fromEntries",
            "getOwnPropertyDescriptor",
            "getOwnPropertyDescriptors",
            "create",
            "groupBy",
        }
    ),
    "Array": frozenset({"from", "of"}),
    "Promise": frozenset({"resolve", "all", "allSettled", "any", "race"}),
    "Reflect": frozenset({"get", "apply", "construct", "getOwnPropertyDescriptor"}),
    "Map": frozenset({"groupBy"}),
}
HOLDING_CONSTRUCTORS = frozenset(
    {"Map", "Set", "WeakMap", "WeakSet", "Array", "Promise", "WeakRef", "Proxy"}
)
HOLDING_GLOBALS = frozenset({"h", "Fragment"})
FUNCTION_BINDERS = frozenset({"call", "apply", "bind"})

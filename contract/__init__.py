"""The handler contract: parse, check, transform and bundle a handler, then prove its facts."""

"""The handler contract: check, transform and bundle a handler, then prove its facts."""

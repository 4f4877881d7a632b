"""Tests of zigttp.oci (a package, so its module names cannot clash with others')."""

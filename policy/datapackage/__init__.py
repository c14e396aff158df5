"""The data set as a Frictionless Data Package: one CSV per record type and per many-to-many link, the
policy relations, and `datapackage.json` describing them (types, descriptions, keys, licence, sources).

- describe.py: the tables and their schemas, derived from the record declarations and the models;
- descriptor.py: `datapackage.json`;  write.py: writing a directory or a zip;  load.py: loading one back;
- published.py: the download at /api/v1/datapackage.zip, built once per data version.

The public package leaves out the full texts whose licence forbids republishing them (policy.licensing).
"""

from .describe import tables
from .load import PackageError, load_package
from .write import Directory, Zip, write_package, write_whole

__all__ = ["Directory", "PackageError", "Zip", "load_package", "tables", "write_package", "write_whole"]

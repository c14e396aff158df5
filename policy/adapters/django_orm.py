"""Django's SQL compiler: the converters a `.values()` row needs, for SQL compiled once and run many
times (policy.api.prepared.Prepared: building and compiling a detail's query cost more than running it).

`SQLCompiler.get_converters` and `SQLCompiler.select` are the compiler's own, undocumented API."""


def row_converters(compiler):
    """[(column position, converter functions, expression)] for a compiled query's selected columns;
    call each function as `function(value, expression, connection)`."""
    converters = compiler.get_converters([expression for expression, _, _ in compiler.select])
    return [(position, *found) for position, found in converters.items()]

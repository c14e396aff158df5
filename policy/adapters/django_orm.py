"""Django's SQL compiler: the converters a `.values()` row needs, for SQL compiled once and run many
times (policy.querying.prepared.Prepared and policy.querying.by_keys.RowsByKeys: building and compiling
a detail's or a page's query cost more than running it).

`SQLCompiler.get_converters`, `SQLCompiler.select` and `Query.selected` are the ORM's own, undocumented API."""


def row_converters(compiler):
    """[(column position, converter functions, expression)] for a compiled query's selected columns;
    call each function as `function(value, expression, connection)`."""
    converters = compiler.get_converters([expression for expression, _, _ in compiler.select])
    return [(position, *found) for position, found in converters.items()]


def selected_names(query):
    """The keys of a `.values()` query's dicts, in the order of its columns (as ValuesIterable names them:
    a name given twice is selected once)."""
    if query.selected:
        return list(query.selected)
    return [*query.extra_select, *query.values_select, *query.annotation_select]


def converted_rows(found, columns, converters, connection):
    """The `.values()` dicts of the rows a cursor `found` for `columns`, converted as the ORM converts them."""
    rows = []
    for row in found:
        row = list(row)
        for position, functions, expression in converters:
            for function in functions:
                row[position] = function(row[position], expression, connection)
        rows.append(dict(zip(columns, row, strict=True)))
    return rows

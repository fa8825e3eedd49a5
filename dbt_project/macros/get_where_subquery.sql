{# dbt's test filter, extended for incremental builds (issue 10): a model whose meta says
   `rebuilt_by: document_id` (or disclosure_key) has its tests run over the rows this build
   rebuilt (int_document_changes), so a build's tests scale with what changed. Every such key
   is part of the rows it tests or of the md5 in their ids, so a duplicate or a broken row can
   only involve rebuilt rows; the rows of other documents passed when they were built. A full
   build tests every row. Mark only models built after int_document_changes: a test that runs
   before it would read the previous build's list. #}
{% macro get_where_subquery(relation) -%}
    {%- set conditions = [] -%}
    {%- if config.get('where') -%}{%- do conditions.append('(' ~ config.get('where') ~ ')') -%}{%- endif -%}
    {%- if execute and model.attached_node -%}
        {%- set key = graph.nodes[model.attached_node].config.meta.get('rebuilt_by') -%}
        {%- if key -%}
            {%- set condition = rebuilt_rows(key) -%}
            {%- if condition -%}{%- do conditions.append(condition) -%}{%- endif -%}
        {%- endif -%}
    {%- endif -%}
    {%- if conditions -%}
        {%- do return('(select * from ' ~ relation ~ ' where ' ~ conditions | join(' and ') ~ ') dbt_subquery') -%}
    {%- else -%}
        {%- do return(relation) -%}
    {%- endif -%}
{%- endmacro %}

{# The filter on `key` for the rows this build rebuilt; empty in a full build (every row).
   A few keys are written out as literals: DuckDB pushes a literal list into a view's union
   and scans only those documents, while `in (select …)` is joined after the view's columns
   are computed (fct_rule_check's md5 ids for 9.8 M checks: 3.0 s against 0.4 s at 10,000
   documents). Many keys, or no list yet (`dbt compile`), keep the subquery. #}
{% macro rebuilt_rows(key, max_literals=1000) -%}
    {%- set changes = graph.nodes.values() | selectattr('name', 'equalto', 'int_document_changes') | first -%}
    {%- set relation = api.Relation.create(database=changes.database, schema=changes.schema, identifier=changes.alias) -%}
    {%- set subquery = key ~ ' in (select ' ~ key ~ ' from ' ~ relation ~ ')' -%}
    {%- if adapter.get_relation(database=relation.database, schema=relation.schema, identifier=relation.identifier) is none -%}
        {%- do return(subquery) -%}
    {%- endif -%}
    {%- set kinds = run_query('select bool_or(build_kind = \'full\'), count(distinct ' ~ key ~ ') from ' ~ relation) -%}
    {%- if kinds.rows[0][0] -%}{%- do return('') -%}{%- endif -%}
    {%- if kinds.rows[0][1] == 0 -%}{%- do return('false') -%}{%- endif -%}
    {%- if kinds.rows[0][1] > max_literals -%}{%- do return(subquery) -%}{%- endif -%}
    {%- set keys = run_query('select distinct ' ~ key ~ ' from ' ~ relation ~ ' order by 1') -%}
    {%- set literals = [] -%}
    {%- for row in keys.rows -%}{%- do literals.append("'" ~ (row[0] | replace("'", "''")) ~ "'") -%}{%- endfor -%}
    {%- do return(key ~ ' in (' ~ literals | join(', ') ~ ')') -%}
{%- endmacro %}

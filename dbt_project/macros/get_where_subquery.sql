{# dbt's test filter, extended for incremental builds (issue 10): a model whose meta says
   `rebuilt_by: document_id` (or disclosure_key) has its tests run over the rows this build
   rebuilt (int_document_changes), so a build's tests scale with what changed. Every such key
   is part of the rows it tests or of the md5 in their ids, so a duplicate or a broken row can
   only involve rebuilt rows; the rows of other documents passed when they were built. A full
   build lists every document, so its tests see every row. Mark only models built after
   int_document_changes: a test that runs before it would read the previous build's list. #}
{% macro get_where_subquery(relation) -%}
    {%- set conditions = [] -%}
    {%- if config.get('where') -%}{%- do conditions.append('(' ~ config.get('where') ~ ')') -%}{%- endif -%}
    {%- if execute and model.attached_node -%}
        {%- set key = graph.nodes[model.attached_node].config.meta.get('rebuilt_by') -%}
        {%- if key -%}
            {%- set changes = graph.nodes.values() | selectattr('name', 'equalto', 'int_document_changes') | first -%}
            {%- set changes_relation = api.Relation.create(database=changes.database, schema=changes.schema, identifier=changes.alias) -%}
            {%- do conditions.append(key ~ ' in (select ' ~ key ~ ' from ' ~ changes_relation ~ ')') -%}
        {%- endif -%}
    {%- endif -%}
    {%- if conditions -%}
        {%- do return('(select * from ' ~ relation ~ ' where ' ~ conditions | join(' and ') ~ ') dbt_subquery') -%}
    {%- else -%}
        {%- do return(relation) -%}
    {%- endif -%}
{%- endmacro %}

{# on-run-end: drop the tables and views in the project's schemas that no model or seed builds
   any more. A run builds on a copy of the published warehouse, so without this a model that is
   removed, renamed or made ephemeral would stay behind in every later warehouse, stale, for BI
   users to find. Only after a whole-project run (nothing selected away), and never in the
   schemas the loader and the audit trail own. #}
{% macro drop_orphaned_relations(schemas=('staging', 'intermediate', 'marts', 'seeds')) %}
    {%- if execute and not flags.SELECT and not flags.EXCLUDE -%}
        {%- set built = [] -%}
        {%- for node in graph.nodes.values() if node.resource_type in ('model', 'seed', 'snapshot')
                and node.config.materialized != 'ephemeral' -%}
            {%- do built.append((node.schema | lower, node.alias | lower)) -%}
        {%- endfor -%}
        {%- set found = run_query(
            "select schema_name, table_name, 'table' from duckdb_tables() where database_name = current_database()
             union all
             select schema_name, view_name, 'view' from duckdb_views() where database_name = current_database() and not internal") -%}
        {%- for row in found.rows if row[0] in schemas and (row[0] | lower, row[1] | lower) not in built -%}
            {%- do log('dropping ' ~ row[2] ~ ' ' ~ row[0] ~ '.' ~ row[1] ~ ': no model builds it', info=true) -%}
            {%- do run_query('drop ' ~ row[2] ~ ' if exists "' ~ row[0] ~ '"."' ~ row[1] ~ '"') -%}
        {%- endfor -%}
    {%- endif -%}
{% endmacro %}

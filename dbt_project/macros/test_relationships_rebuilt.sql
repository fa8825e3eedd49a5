{# Generic test: dbt's `relationships`, with the parent read for the rows this build rebuilt
   (by the parent model's own `rebuilt_by`, as get_where_subquery filters the child). For a
   reference that stays inside what a build rebuilds together: a figure's supplying fact is in
   one of its disclosure's documents, and a disclosure's documents are rebuilt with it
   (int_document_changes), so a rebuilt child row can only point at a rebuilt parent row. The
   parents' ids are md5s computed where read (macros/fact_id.sql): dbt's test computed them for
   every fact at every build (3-4 s at 10,000 documents) to look up a few thousand. Reading fewer
   parents can only add failures, never hide one: a reference to a row outside the build fails
   here as a broken reference. A full build reads every parent row, as `relationships` does. #}
{% test relationships_rebuilt(model, column_name, to, field) %}
{%- set condition = '' -%}
{%- if execute -%}
    {%- set parent = graph.nodes.values()
        | selectattr('resource_type', 'equalto', 'model')
        | selectattr('schema', 'equalto', to.schema)
        | selectattr('alias', 'equalto', to.identifier)
        | first -%}
    {%- set key = parent.config.meta.get('rebuilt_by') if parent else none -%}
    {%- if not key -%}
        {{ exceptions.raise_compiler_error('relationships_rebuilt: ' ~ to ~ ' has no meta rebuilt_by') }}
    {%- endif -%}
    {%- set condition = rebuilt_rows(key) -%}
{%- endif %}
with child as (
    select {{ column_name }} as from_field
    from {{ model }}
    where {{ column_name }} is not null
),

parent as (
    select {{ field }} as to_field
    from {{ to }}
    {%- if condition %}
    where {{ condition }}
    {%- endif %}
)

select child.from_field
from child
left join parent on child.from_field = parent.to_field
where parent.to_field is null
{% endtest %}

{# Incremental builds (issue 10). int_document_changes lists the documents a build rebuilds:
   every document in a full build, else those whose raw rows, file state or acceptance changed
   since the last build and every document related to them (same publisher, same path). Models
   keyed by document or disclosure read only those and replace only their rows.

   Sliced builds: a build of more documents than one pass should hold in memory runs the
   incremental models once per slice of them (budgetwh.dbt_build.dbt_build_sliced), with the vars
   `build_slices` (how many) and `build_slice` (this one, from 0). Related documents share a slice
   (int_document_changes.build_slice). #}

{# The documents this build (this slice of it, if sliced) rebuilds, as a subquery:
   `document_id in {{ rebuilt('document_id') }}`. `sliced=false`: all of them. #}
{% macro rebuilt(key='document_id', sliced=true) -%}
    {%- set slices = var('build_slices', 1) | int -%}
    (select {{ key }} from {{ ref('int_document_changes') }}
    {%- if sliced and slices > 1 %} where build_slice % {{ slices }} = {{ var('build_slice') | int }}{% endif -%})
{%- endmacro %}

{# Pre-hook of an incremental model: before its new rows go in, remove the rows of what is
   rebuilt, including documents or disclosures that now yield no rows at all (dbt's
   delete+insert would only delete keys present in the new rows). A sliced build removes the
   rows of every slice before its first slice inserts and none after: a model that reads
   another document's rows (same publisher, other year) then never sees rows its rebuild is
   about to replace, whichever slice that document is in. #}
{% macro delete_rebuilt(key='document_id') -%}
    {%- if is_incremental() and var('build_slice', 0) | int == 0 -%}
        delete from {{ this }} where {{ key }} in {{ rebuilt(key, sliced=false) }}
    {%- endif -%}
{%- endmacro %}

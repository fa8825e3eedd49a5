{# Incremental builds (issue 10). int_document_changes lists the documents a build rebuilds:
   every document in a full build, else those whose raw rows, file state or acceptance changed
   since the last build and every document related to them (same publisher, same path). Models
   keyed by document or disclosure read only those and replace only their rows. #}

{# The documents this build rebuilds, as a subquery: `document_id in {{ rebuilt('document_id') }}`. #}
{% macro rebuilt(key='document_id') -%}
    (select {{ key }} from {{ ref('int_document_changes') }})
{%- endmacro %}

{# Pre-hook of an incremental model: before its new rows go in, remove the rows of what is
   rebuilt, including documents or disclosures that now yield no rows at all (dbt's
   delete+insert would only delete keys present in the new rows). #}
{% macro delete_rebuilt(key='document_id') -%}
    {%- if is_incremental() -%}
        delete from {{ this }} where {{ key }} in {{ rebuilt(key) }}
    {%- endif -%}
{%- endmacro %}
